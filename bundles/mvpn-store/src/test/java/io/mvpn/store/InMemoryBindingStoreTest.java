package io.mvpn.store;

import io.mvpn.api.mobility.BindingStore;

class InMemoryBindingStoreTest extends BindingStoreContract {

  @Override
  BindingStore store() {
    return new InMemoryBindingStore();
  }
}
