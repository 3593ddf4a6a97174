package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.EspSaStore.Direction;
import io.mvpn.api.ipsec.StoredEspTunnel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentEspSaStoreTest extends EspSaStoreContract {

  @TempDir Path dir;

  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  private PersistentEspSaStore openStore() {
    StateFile file = files.open();
    return files.track(new PersistentEspSaStore(file, files.clock));
  }

  @AfterEach
  void close() {
    files.close();
  }

  @Override
  EspSaStore store() {
    return openStore();
  }

  @Test
  void aReopenedStoreKeepsTunnelsKeysAndReservations() throws Exception {
    EspSaStore store = openStore();
    StoredEspTunnel t = tunnel(HOME, 0x1001, 0x2001, CARE_OF, 41_000, files.now());
    store.put("gw1", t);
    store.put("gw1", tunnel(OTHER_HOME, 0x1002, 0x2002, CARE_OF, 0, files.now()));
    store.remove("gw1", OTHER_HOME);
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 3072);
    store.reserve("gw1", HOME, Direction.INBOUND, 0x1001, 2048);
    store.release("gw1", HOME, Direction.INBOUND, 0x1001, 1024);
    files.close();

    EspSaStore reopened = openStore();
    assertThat(reopened.tunnels("gw1")).containsExactly(t);
    assertThat(reopened.reserved("gw1", HOME, Direction.OUTBOUND, 0x2001)).isEqualTo(3072);
    assertThat(reopened.reserved("gw1", HOME, Direction.INBOUND, 0x1001)).isEqualTo(1024);
    // Key material sits in a file only the appliance's user may read.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.path())))
        .isEqualTo("rw-------");
  }

  @Test
  void aReservationReachesTheFileFromTheWriterWithoutATunnelChange() {
    StateFile file = files.open();
    PersistentEspSaStore store = files.track(new PersistentEspSaStore(file, files.clock));
    store.put("gw1", tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, files.now()));
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 5120);
    store.flush();

    byte[] written = file.map(PersistentEspSaStore.SEQUENCES).get("gw1 10.250.0.5 out 2001");
    assertThat(StateCodec.decodeLong(written)).isEqualTo(5120);
  }

  @Test
  void aTunnelWhoseLifetimeRanOutWhileClosedIsDropped() {
    EspSaStore store = openStore();
    store.put("gw1", tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, files.now()));
    store.put(
        "gw1", tunnel(OTHER_HOME, 0x1002, 0x2002, CARE_OF, 0, files.now() + 600_000_000_000L));
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 1024);
    files.close();
    files.clock.advance(Duration.ofSeconds(3601));

    EspSaStore reopened = openStore();
    assertThat(reopened.tunnels("gw1"))
        .extracting(StoredEspTunnel::homeAddress)
        .containsExactly(OTHER_HOME);
    assertThat(reopened.reserved("gw1", HOME, Direction.OUTBOUND, 0x2001)).isZero();
  }

  @Test
  void anUnreadableRecordIsDroppedAndTheRestKept() {
    StateFile file = files.open();
    PersistentEspSaStore store = files.track(new PersistentEspSaStore(file, files.clock));
    store.put("gw1", tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, files.now()));
    file.change(
        () -> file.map(PersistentEspSaStore.TUNNELS).put("gw1 10.250.0.9", new byte[] {1, 2}));
    files.close();

    EspSaStore reopened = openStore();
    assertThat(reopened.tunnels("gw1"))
        .extracting(StoredEspTunnel::homeAddress)
        .containsExactly(HOME);
  }
}
