package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentCounterStoreTest extends CounterStoreContract {

  @TempDir Path dir;

  private OpenStateFiles files;
  private StateFile file;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  /** Without the background writer: the tests say when totals reach the file. */
  private PersistentCounterStore openStore() {
    file = files.open();
    return files.track(new PersistentCounterStore(file, 0));
  }

  private void closeAll() {
    files.close();
  }

  @AfterEach
  void close() {
    closeAll();
  }

  @Override
  CounterStore store() {
    return openStore();
  }

  @Test
  void aReopenedStoreGoesOnCountingFromItsTotals() throws Exception {
    PersistentCounterStore store = openStore();
    store.counter("foreignagent/fa1", "relayed-requests").add(41);
    store.counter("homeagent/acme", "accepted").add(2);
    closeAll();
    PersistentCounterStore reopened = openStore();
    CounterStore.Counter requests = reopened.counter("foreignagent/fa1", "relayed-requests");
    requests.increment();
    assertThat(requests.get()).isEqualTo(42);
    assertThat(reopened.snapshot("homeagent/acme")).containsEntry("accepted", 2L);
  }

  @Test
  void countsReachTheFileOnlyWhenFlushed() throws Exception {
    PersistentCounterStore store = openStore();
    store.counter("foreignagent/fa1", "dropped").add(3);
    store.flush();
    store.counter("foreignagent/fa1", "dropped").add(4);
    // A crash now: the file has what the last flush wrote, nothing of what came after.
    assertThat(
            StateCodec.decodeLong(
                file.map(PersistentCounterStore.COUNTERS).get("foreignagent/fa1 dropped")))
        .isEqualTo(3);
  }

  @Test
  void theCommitterWritesTheTotalsByItselfOnceAPeriod() {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    StateFile file = files.track(StateFile.open(files.path(), files.clock, 5, time, null));
    PersistentCounterStore store = files.track(new PersistentCounterStore(file, 1000));
    store.counter("foreignagent/fa1", "dropped").add(9);
    time.advance(999, TimeUnit.MILLISECONDS);
    assertThat(file.map(PersistentCounterStore.COUNTERS).get("foreignagent/fa1 dropped")).isNull();
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(
            StateCodec.decodeLong(
                file.map(PersistentCounterStore.COUNTERS).get("foreignagent/fa1 dropped")))
        .isEqualTo(9);
    store.counter("foreignagent/fa1", "dropped").add(1);
    time.advance(1000, TimeUnit.MILLISECONDS);
    assertThat(
            StateCodec.decodeLong(
                file.map(PersistentCounterStore.COUNTERS).get("foreignagent/fa1 dropped")))
        .isEqualTo(10);

    // Closed, the file ends the periodic writes: nothing is left to run.
    files.close();
    time.runUntilIdle();
    assertThat(time.isIdle()).isTrue();
  }
}
