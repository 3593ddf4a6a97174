package io.mvpn.store;

import io.mvpn.api.napt.NaptMappingStore;

class InMemoryNaptMappingStoreTest extends NaptMappingStoreContract {

  @Override
  NaptMappingStore store() {
    return new InMemoryNaptMappingStore();
  }
}
