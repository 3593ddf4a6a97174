package io.mvpn.store;

import io.mvpn.api.mobility.CounterStore;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters in memory, each a {@link LongAdder}: engines on several threads count without a lock. In
 * the appliance (with {@code type = memory}) they survive updates of the functions that count, not
 * of the store's nor a restart; {@link PersistentCounterStore} keeps them in a file.
 */
public final class InMemoryCounterStore implements CounterStore {

  private final Map<String, Map<String, Handle>> scopes = new ConcurrentHashMap<>();

  /** A counter and its total as last written to a file, for {@link PersistentCounterStore}. */
  static final class Handle implements Counter {
    final LongAdder adder = new LongAdder();
    long written;

    @Override
    public void increment() {
      adder.increment();
    }

    @Override
    public void add(long delta) {
      adder.add(delta);
    }

    @Override
    public long get() {
      return adder.sum();
    }
  }

  /** What a counter's visitor sees. */
  interface HandleVisitor {
    void visit(String scope, String name, Handle handle);
  }

  static String checked(String what, String value) {
    if (value == null || value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "counter " + what + " '" + value + "' is empty or has whitespace");
    }
    return value;
  }

  @Override
  public Counter counter(String scope, String name) {
    return handle(scope, name);
  }

  Handle handle(String scope, String name) {
    return scopes
        .computeIfAbsent(checked("scope", scope), s -> new ConcurrentHashMap<>())
        .computeIfAbsent(checked("name", name), n -> new Handle());
  }

  @Override
  public SortedMap<String, Long> snapshot(String scope) {
    SortedMap<String, Long> values = new TreeMap<>();
    scopes.getOrDefault(scope, Map.of()).forEach((name, h) -> values.put(name, h.get()));
    return values;
  }

  @Override
  public void reset(String scope) {
    scopes.getOrDefault(scope, Map.of()).values().forEach(h -> h.adder.reset());
  }

  void forEach(HandleVisitor visitor) {
    scopes.forEach((scope, names) -> names.forEach((name, h) -> visitor.visit(scope, name, h)));
  }
}
