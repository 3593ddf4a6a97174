package io.mvpn.store;

import io.mvpn.api.history.HistoryStore;

class InMemoryHistoryStoreTest extends HistoryStoreContract {

  @Override
  HistoryStore store() {
    return new InMemoryHistoryStore();
  }
}
