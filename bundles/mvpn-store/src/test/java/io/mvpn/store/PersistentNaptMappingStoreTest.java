package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.api.napt.NaptMappingStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentNaptMappingStoreTest extends NaptMappingStoreContract {

  @TempDir Path dir;

  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  private PersistentNaptMappingStore openStore() {
    return new PersistentNaptMappingStore(files.open());
  }

  @AfterEach
  void close() {
    files.close();
  }

  @Override
  NaptMappingStore store() {
    return openStore();
  }

  @Test
  void aReopenedStoreKeepsEveryFlowsPublicPortAndTcpState() {
    NaptMappingStore store = openStore();
    NaptMapping udp = mapping(UDP, 40000, ACME, 5353);
    NaptMapping tcp =
        new NaptMapping(
            TCP,
            PUBLIC,
            65535,
            new NaptInside(GLOBEX, FIVE, 43512),
            NaptMapping.SYN_OUT | NaptMapping.SYN_IN | NaptMapping.FIN_OUT);
    store.put(udp);
    store.put(tcp);
    store.put(mapping(UDP, 40001, GLOBEX, 7000));
    store.remove(PUBLIC, UDP, 40001);
    files.close();

    NaptMappingStore reopened = openStore();
    assertThat(reopened.mappings(PUBLIC)).containsExactlyInAnyOrder(udp, tcp);
    assertThat(reopened.size()).isEqualTo(2);
  }

  @Test
  void mappingsCarryNoTimeSoTheyAreKeptHoweverLongTheFileWasClosed() {
    openStore().put(mapping(UDP, 40000, ACME, 5353));
    files.close();
    // Days beyond any idle timeout: the NAPT that takes the mapping over ends it after a fresh one.
    files.clock.advance(Duration.ofDays(3));
    assertThat(openStore().mappings(PUBLIC)).containsExactly(mapping(UDP, 40000, ACME, 5353));
  }

  @Test
  void anUnreadableRecordIsDroppedAndTheRestKept() {
    StateFile file = files.open();
    new PersistentNaptMappingStore(file).put(mapping(UDP, 40000, ACME, 5353));
    file.change(
        () -> {
          // A record from a later format, and one cut short.
          file.map(PersistentNaptMappingStore.MAPPINGS).put("203.0.113.1 17 40002", new byte[] {2});
          file.map(PersistentNaptMappingStore.MAPPINGS).put("203.0.113.1 17 40003", new byte[] {1});
        });
    files.close();

    assertThat(openStore().mappings(PUBLIC)).containsExactly(mapping(UDP, 40000, ACME, 5353));
    files.close();
    assertThat(files.open().map(PersistentNaptMappingStore.MAPPINGS)).hasSize(1);
  }

  @Test
  void naptMappingsShareTheFileWithTheMobilityState() {
    StateFile file = files.open();
    new PersistentNaptMappingStore(file).put(mapping(TCP, 40000, ACME, 43512));
    new PersistentBindingStore(file, files.clock)
        .put(BindingStoreContract.binding(BindingStoreContract.ACME, "203.0.113.1"));
    files.close();
    StateFile again = files.open();
    assertThat(new PersistentNaptMappingStore(again).size()).isEqualTo(1);
    assertThat(new PersistentBindingStore(again, files.clock).size()).isEqualTo(1);
  }
}
