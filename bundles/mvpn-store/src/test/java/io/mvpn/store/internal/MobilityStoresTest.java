package io.mvpn.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.store.StoreBackend;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MobilityStoresTest {

  static final NaptMapping NAPT_MAPPING =
      new NaptMapping(
          17,
          Ipv4Address.parse("203.0.113.1"),
          40000,
          new NaptInside(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5"), 5353),
          0);

  @TempDir Path dir;

  @Test
  void theStateFileLivesInKarafsDataDirectory() {
    String before = System.getProperty("karaf.data");
    try {
      System.setProperty("karaf.data", "/opt/mvpn/data");
      assertThat(MobilityStores.resolve("${karaf.data}/mvpn/state.mv.db"))
          .isEqualTo(Path.of("/opt/mvpn/data/mvpn/state.mv.db"));
      System.clearProperty("karaf.data");
      assertThat(MobilityStores.resolve("${karaf.data}/mvpn/state.mv.db"))
          .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "mvpn-data/mvpn/state.mv.db"));
      assertThat(MobilityStores.resolve("/srv/state.mv.db")).isEqualTo(Path.of("/srv/state.mv.db"));
    } finally {
      if (before == null) {
        System.clearProperty("karaf.data");
      } else {
        System.setProperty("karaf.data", before);
      }
    }
  }

  @Test
  void theTypeIsPersistentOrMemoryAndNothingElse() {
    assertThat(StoreBackend.Type.parse(" Persistent ")).isEqualTo(StoreBackend.Type.PERSISTENT);
    assertThat(StoreBackend.Type.parse("memory")).isEqualTo(StoreBackend.Type.MEMORY);
    assertThatThrownBy(() -> StoreBackend.Type.parse("disk"))
        .hasMessage("store type 'disk' is neither 'persistent' nor 'memory'");
  }

  @Test
  void aMemoryBackendHasNoFileAndAPersistentOneKeepsItsStoresInItsFile() {
    try (StoreBackend memory = StoreBackend.inMemory()) {
      assertThat(memory.path()).isNull();
      assertThat(memory.bindings()).isNotNull();
      assertThat(memory.visitors()).isNotNull();
      assertThat(memory.counters()).isNotNull();
      assertThat(memory.espSas()).isNotNull();
      assertThat(memory.naptMappings()).isNotNull();
      assertThat(memory.workgroups().directory()).isNotNull();
      assertThat(memory.workgroups().sas()).isNotNull();
    }
    Path file = dir.resolve("mvpn/state.mv.db");
    try (StoreBackend persistent = StoreBackend.persistent(file, Clock.systemUTC())) {
      assertThat(persistent.type()).isEqualTo(StoreBackend.Type.PERSISTENT);
      assertThat(persistent.path()).isEqualTo(file);
      assertThat(file).exists();
      persistent.naptMappings().put(NAPT_MAPPING);
      persistent.workgroups().directory().addWorkgroup("bridge");
    }
    try (StoreBackend reopened = StoreBackend.persistent(file, Clock.systemUTC())) {
      assertThat(reopened.naptMappings().mappings(NAPT_MAPPING.publicAddress()))
          .containsExactly(NAPT_MAPPING);
      assertThat(reopened.workgroups().directory().workgroup("bridge")).isPresent();
    }
  }
}
