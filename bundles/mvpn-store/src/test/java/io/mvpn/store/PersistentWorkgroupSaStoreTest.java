package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentWorkgroupSaStoreTest extends WorkgroupSaStoreContract {

  @TempDir Path dir;

  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  private PersistentWorkgroupSaStore openStore() {
    StateFile file = files.open();
    return files.track(new PersistentWorkgroupSaStore(file, files.clock));
  }

  @AfterEach
  void close() {
    files.close();
  }

  @Override
  WorkgroupSaStore store() {
    return openStore();
  }

  @Test
  void aReopenedStoreKeepsSasKeysAndReservations() {
    WorkgroupSaStore store = openStore();
    StoredWorkgroupSa alice = sa(ACME_GW, ALICE, 0xc0010001, files.now());
    store.put("wg-globex", alice);
    store.put("wg-globex", sa(INITECH_GW, CAROL, 0xc0010002, files.now()));
    store.remove("wg-globex", INITECH_GW, 0xc0010002);
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 3072);
    store.release("wg-globex", ACME_GW, 0xc0010001, 2500);
    files.close();

    WorkgroupSaStore reopened = openStore();
    assertThat(reopened.sas("wg-globex")).containsExactly(alice);
    assertThat(reopened.reserved("wg-globex", ACME_GW, 0xc0010001)).isEqualTo(2500);
  }

  @Test
  void aReservationReachesTheFileFromTheWriterWithoutAnSaChange() {
    StateFile file = files.open();
    PersistentWorkgroupSaStore store =
        files.track(new PersistentWorkgroupSaStore(file, files.clock));
    store.put("wg-globex", sa(ACME_GW, ALICE, 0xc0010001, files.now()));
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 5120);
    store.flush();

    byte[] written =
        file.map(PersistentWorkgroupSaStore.SEQUENCES).get("wg-globex 198.51.100.10 c0010001");
    assertThat(StateCodec.decodeLong(written)).isEqualTo(5120);
  }

  @Test
  void anSaWhoseLifetimeRanOutWhileClosedIsDroppedWithItsReservation() {
    WorkgroupSaStore store = openStore();
    store.put("wg-globex", sa(ACME_GW, ALICE, 0xc0010001, files.now()));
    store.put("wg-globex", sa(INITECH_GW, CAROL, 0xc0010002, files.now() + 600_000_000_000L));
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 1024);
    files.close();
    files.clock.advance(Duration.ofSeconds(3601));

    WorkgroupSaStore reopened = openStore();
    assertThat(reopened.sas("wg-globex"))
        .extracting(StoredWorkgroupSa::party)
        .containsExactly(CAROL);
    assertThat(reopened.reserved("wg-globex", ACME_GW, 0xc0010001)).isZero();
  }

  @Test
  void anUnreadableRecordIsDroppedAndTheRestKept() {
    StateFile file = files.open();
    PersistentWorkgroupSaStore store =
        files.track(new PersistentWorkgroupSaStore(file, files.clock));
    store.put("wg-globex", sa(ACME_GW, ALICE, 0xc0010001, files.now()));
    file.change(
        () ->
            file.map(PersistentWorkgroupSaStore.SAS)
                .put("wg-globex 198.51.100.30 c0010002", new byte[] {1, 2}));
    files.close();

    assertThat(openStore().sas("wg-globex"))
        .extracting(StoredWorkgroupSa::party)
        .containsExactly(ALICE);
  }
}
