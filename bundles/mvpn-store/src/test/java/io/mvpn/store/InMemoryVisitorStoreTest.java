package io.mvpn.store;

import io.mvpn.api.mobility.VisitorStore;

class InMemoryVisitorStoreTest extends VisitorStoreContract {

  @Override
  VisitorStore store() {
    return new InMemoryVisitorStore();
  }
}
