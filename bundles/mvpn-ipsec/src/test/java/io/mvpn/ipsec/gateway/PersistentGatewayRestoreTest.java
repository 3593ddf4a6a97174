package io.mvpn.ipsec.gateway;

import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.store.PersistentEspSaStore;
import io.mvpn.store.StateFile;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The store in a state file, closed and opened again between the gateway's instances. */
class PersistentGatewayRestoreTest extends GatewayRestoreContract {

  @TempDir Path dir;

  private StateFile file;

  @Override
  EspSaStore openStore(Clock clock) {
    file = StateFile.open(dir.resolve("state.mv.db"), clock);
    return new PersistentEspSaStore(file, clock);
  }

  @Override
  EspSaStore reopenStore(EspSaStore store, Clock clock) {
    close(store);
    return openStore(clock);
  }

  @AfterEach
  void closeStore() {
    close(store);
  }

  private void close(EspSaStore store) {
    ((PersistentEspSaStore) store).close();
    file.close();
  }
}
