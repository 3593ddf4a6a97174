package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.history.HistoryStore;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentHistoryStoreTest extends HistoryStoreContract {

  @TempDir Path dir;

  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  @AfterEach
  void close() {
    files.close();
  }

  @Override
  HistoryStore store() {
    return new PersistentHistoryStore(files.open());
  }

  @Test
  void aReopenedStoreKeepsEachJournalInOrderAndGoesOnAfterItsLastEntry() {
    HistoryStore store = store();
    for (int i = 1; i <= 20; i++) {
      store.append("dashboard/traffic/acme", "s" + i, 16);
    }
    store.append("dashboard/traffic/acme-2", "other", 16);
    store.append("dashboard/handovers", "h1", 16);
    store.remove("dashboard/handovers");
    files.close();

    HistoryStore reopened = store();
    assertThat(reopened.entries("dashboard/traffic/acme"))
        .hasSize(16)
        .startsWith("s5")
        .endsWith("s20");
    assertThat(reopened.journals("dashboard/"))
        .containsExactly("dashboard/traffic/acme", "dashboard/traffic/acme-2");

    reopened.append("dashboard/traffic/acme", "s21", 16);
    files.close();
    assertThat(store().entries("dashboard/traffic/acme"))
        .hasSize(16)
        .startsWith("s6")
        .endsWith("s21");
  }

  @Test
  void theFileHoldsNoMoreThanTheBoundAsks() {
    StateFile file = files.open();
    HistoryStore store = new PersistentHistoryStore(file);
    for (int i = 0; i < 100; i++) {
      store.append("dashboard/handovers", "h" + i, 10);
    }
    file.flush();
    MVMap<String, byte[]> map = file.map(PersistentHistoryStore.HISTORIES);
    assertThat(map.size()).isEqualTo(10);
  }
}
