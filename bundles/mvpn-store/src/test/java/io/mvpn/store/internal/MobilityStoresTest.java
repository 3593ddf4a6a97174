package io.mvpn.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.store.StoreBackend;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MobilityStoresTest {

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
  void aMemoryBackendHasNoFileAndAPersistentOneHasItsFile() {
    try (StoreBackend memory = StoreBackend.inMemory()) {
      assertThat(memory.path()).isNull();
      assertThat(memory.bindings()).isNotNull();
      assertThat(memory.visitors()).isNotNull();
      assertThat(memory.counters()).isNotNull();
      assertThat(memory.espSas()).isNotNull();
    }
    Path file = dir.resolve("mvpn/state.mv.db");
    try (StoreBackend persistent = StoreBackend.persistent(file, Clock.systemUTC())) {
      assertThat(persistent.type()).isEqualTo(StoreBackend.Type.PERSISTENT);
      assertThat(persistent.path()).isEqualTo(file);
      assertThat(file).exists();
    }
  }
}
