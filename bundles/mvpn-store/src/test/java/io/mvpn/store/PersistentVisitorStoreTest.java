package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentVisitorStoreTest extends VisitorStoreContract {

  @TempDir Path dir;

  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  private PersistentVisitorStore openStore() {
    return new PersistentVisitorStore(files.open(), files.clock);
  }

  private void closeAll() {
    files.close();
  }

  private long now() {
    return files.now();
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
  void aReopenedStoreKeepsItsVisitors() throws Exception {
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
  void visitorsThatExpiredWhileTheFileWasClosedAreDropped() throws Exception {
    VisitorStore store = openStore();
    store.put(visitor("fa1", ACME_HA, 3, now() + 60_000_000_000L));
    store.put(visitor("fa1", GLOBEX_HA, 4, now() + 600_000_000_000L));
    closeAll();
    files.clock.advance(Duration.ofSeconds(60));
    assertThat(openStore().visitors("fa1"))
        .extracting(VisitorEntry::homeAgent)
        .containsExactly(GLOBEX_HA);
    closeAll();
    assertThat(openStore().size()).isEqualTo(1);
  }

  @Test
  void bindingsAndVisitorsShareOneFile() throws Exception {
    StateFile file = files.open();
    new PersistentVisitorStore(file, files.clock)
        .put(visitor("fa1", ACME_HA, 3, now() + 600_000_000_000L));
    new PersistentBindingStore(file, files.clock)
        .put(BindingStoreContract.binding(BindingStoreContract.ACME, "203.0.113.1"));
    closeAll();
    StateFile again = files.open();
    assertThat(new PersistentVisitorStore(again, files.clock).size()).isEqualTo(1);
    assertThat(new PersistentBindingStore(again, files.clock).size()).isEqualTo(1);
  }
}
