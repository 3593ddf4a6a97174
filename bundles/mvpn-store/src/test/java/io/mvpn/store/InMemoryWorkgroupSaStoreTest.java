package io.mvpn.store;

import io.mvpn.api.workgroup.WorkgroupSaStore;

class InMemoryWorkgroupSaStoreTest extends WorkgroupSaStoreContract {

  @Override
  WorkgroupSaStore store() {
    return new InMemoryWorkgroupSaStore();
  }
}
