package io.mvpn.store;

import io.mvpn.api.mobility.CounterStore;

class InMemoryCounterStoreTest extends CounterStoreContract {

  @Override
  CounterStore store() {
    return new InMemoryCounterStore();
  }
}
