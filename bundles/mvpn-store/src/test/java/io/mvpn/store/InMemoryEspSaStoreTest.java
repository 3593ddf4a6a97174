package io.mvpn.store;

import io.mvpn.api.ipsec.EspSaStore;

class InMemoryEspSaStoreTest extends EspSaStoreContract {

  @Override
  EspSaStore store() {
    return new InMemoryEspSaStore();
  }
}
