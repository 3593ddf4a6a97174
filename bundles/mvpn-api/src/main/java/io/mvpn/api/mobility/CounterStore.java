package io.mvpn.api.mobility;

import java.util.SortedMap;

/**
 * The counters an operator reads (registrations relayed, datagrams delivered, drops), kept outside
 * the functions that count them, so that updating a function, or restarting the appliance with a
 * persistent store, does not set them back to zero (blueprint principle 6).
 *
 * <p>Counters are named within a scope: the function and, where it runs several instances, the
 * instance, such as {@code foreignagent/fa1} or {@code homeagent/acme}. Scopes and names hold no
 * whitespace. A function takes a {@link Counter} once per name and counts through it on its hot
 * path: an increment is a lock-free add in memory; a persistent store writes the totals to disk in
 * the background, about once a second, and when it closes. Implementations are thread-safe.
 */
public interface CounterStore {

  /** The counter, created at zero if it is new; the same counter for the same scope and name. */
  Counter counter(String scope, String name);

  /** Every counter of a scope, by name. */
  SortedMap<String, Long> snapshot(String scope);

  /** Sets every counter of a scope back to zero (an operator's reset). */
  void reset(String scope);

  /** One named counter. */
  interface Counter {

    void increment();

    void add(long delta);

    long get();

    /**
     * {@code store}'s counter {@code name} in {@code scope}; without a store (null), a counter of
     * the caller's own ({@link #standalone()}).
     */
    static Counter of(CounterStore store, String scope, String name) {
      return store == null ? standalone() : store.counter(scope, name);
    }

    /** A counter of the caller's own, in memory: for an engine that runs without a store. */
    static Counter standalone() {
      java.util.concurrent.atomic.LongAdder sum = new java.util.concurrent.atomic.LongAdder();
      return new Counter() {
        @Override
        public void increment() {
          sum.increment();
        }

        @Override
        public void add(long delta) {
          sum.add(delta);
        }

        @Override
        public long get() {
          return sum.sum();
        }
      };
    }
  }
}
