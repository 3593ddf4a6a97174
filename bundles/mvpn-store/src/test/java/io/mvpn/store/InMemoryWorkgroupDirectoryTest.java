package io.mvpn.store;

import io.mvpn.api.workgroup.WorkgroupService;

class InMemoryWorkgroupDirectoryTest extends WorkgroupDirectoryContract {

  @Override
  WorkgroupService directory() {
    return new InMemoryWorkgroupDirectory();
  }
}
