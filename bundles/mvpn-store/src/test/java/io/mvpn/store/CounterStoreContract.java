package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.mobility.CounterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link CounterStore} does, whatever keeps its content. */
abstract class CounterStoreContract {

  /** A store, empty. */
  abstract CounterStore store();

  @Test
  void aCounterIsTheSameForTheSameScopeAndName() {
    CounterStore store = store();
    store.counter("foreignagent/fa1", "dropped").increment();
    store.counter("foreignagent/fa1", "dropped").add(4);
    store.counter("foreignagent/fa2", "dropped").increment();
    assertThat(store.counter("foreignagent/fa1", "dropped").get()).isEqualTo(5);
    assertThat(store.snapshot("foreignagent/fa1"))
        .containsExactly(java.util.Map.entry("dropped", 5L));
    assertThat(store.snapshot("homeagent/acme")).isEmpty();
  }

  @Test
  void aResetZeroesOneScopeAndTheHandlesSeeIt() {
    CounterStore store = store();
    CounterStore.Counter held = store.counter("homeagent/acme", "accepted");
    held.add(7);
    store.counter("homeagent/globex", "accepted").add(3);
    store.reset("homeagent/acme");
    assertThat(held.get()).isZero();
    held.increment();
    assertThat(store.snapshot("homeagent/acme")).containsEntry("accepted", 1L);
    assertThat(store.snapshot("homeagent/globex")).containsEntry("accepted", 3L);
  }

  @Test
  void threadsCountWithoutLosingAnIncrement() throws InterruptedException {
    CounterStore store = store();
    CounterStore.Counter c = store.counter("foreignagent/fa1", "delivered-to-visitors");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  c.increment();
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(c.get()).isEqualTo(40_000);
  }

  @Test
  void namesWithWhitespaceAreRefused() {
    CounterStore store = store();
    assertThatThrownBy(() -> store.counter("foreign agent", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.counter("fa", "")).isInstanceOf(IllegalArgumentException.class);
  }
}
