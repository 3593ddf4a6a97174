package io.mvpn.ipsec.gateway;

import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.store.InMemoryEspSaStore;
import java.time.Clock;

class InMemoryGatewayRestoreTest extends GatewayRestoreContract {

  @Override
  EspSaStore openStore(Clock clock) {
    return new InMemoryEspSaStore();
  }

  @Override
  EspSaStore reopenStore(EspSaStore store, Clock clock) {
    return store;
  }
}
