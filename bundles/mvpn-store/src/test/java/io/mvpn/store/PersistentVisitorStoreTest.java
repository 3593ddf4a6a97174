package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentVisitorStoreTest extends VisitorStoreContract {

  @TempDir Path dir;

  private final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-12-05T09:00:00Z"));
  private final List<StateFile> open = new ArrayList<>();

  private PersistentVisitorStore openStore() {
    StateFile file = StateFile.open(dir.resolve("state.mv.db"), clock);
    open.add(file);
    return new PersistentVisitorStore(file, clock);
  }

  private void closeAll() {
    open.forEach(StateFile::close);
    open.clear();
  }

  private long now() {
    return PersistentBindingStore.unixNanos(clock);
  }

  @AfterEach
  void close() {
    closeAll();
  }

  @Override
  VisitorStore store() {
    return openStore();
  }

  @Test
  void aReopenedStoreKeepsItsVisitors() {
    VisitorStore store = openStore();
    VisitorEntry acme = visitor("fa1", ACME_HA, 3, now() + 600_000_000_000L);
    VisitorEntry globex = visitor("fa1", GLOBEX_HA, 4, now() + 600_000_000_000L);
    store.put(acme);
    store.put(globex);
    store.put(visitor("fa2", ACME_HA, 3, now() + 600_000_000_000L));
    store.remove("fa2", ACME_HA, HOME);
    closeAll();
    VisitorStore reopened = openStore();
    assertThat(reopened.visitors("fa1")).containsExactly(acme, globex);
    assertThat(reopened.visitors("fa2")).isEmpty();
  }

  @Test
  void visitorsThatExpiredWhileTheFileWasClosedAreDropped() {
    VisitorStore store = openStore();
    store.put(visitor("fa1", ACME_HA, 3, now() + 60_000_000_000L));
    store.put(visitor("fa1", GLOBEX_HA, 4, now() + 600_000_000_000L));
    closeAll();
    clock.advance(Duration.ofSeconds(60));
    assertThat(openStore().visitors("fa1"))
        .extracting(VisitorEntry::homeAgent)
        .containsExactly(GLOBEX_HA);
    closeAll();
    assertThat(openStore().size()).isEqualTo(1);
  }

  @Test
  void bindingsAndVisitorsShareOneFile() {
    StateFile file = StateFile.open(dir.resolve("state.mv.db"), clock);
    open.add(file);
    new PersistentVisitorStore(file, clock)
        .put(visitor("fa1", ACME_HA, 3, now() + 600_000_000_000L));
    new PersistentBindingStore(file, clock)
        .put(BindingStoreContract.binding(BindingStoreContract.ACME, "203.0.113.1"));
    closeAll();
    StateFile again = StateFile.open(dir.resolve("state.mv.db"), clock);
    open.add(again);
    assertThat(new PersistentVisitorStore(again, clock).size()).isEqualTo(1);
    assertThat(new PersistentBindingStore(again, clock).size()).isEqualTo(1);
  }
}
