package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.SamPairStore;
import io.mvpn.api.ipsec.SamPairStore.StoredPair;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SA managers' pairs outlive the managers and the appliance, each manager's apart. */
class PersistentSamPairStoreTest {

  @TempDir Path dir;

  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
  }

  @AfterEach
  void close() {
    files.close();
  }

  private SamPairStore openStore() {
    return new PersistentSamPairStore(files.open(), files.clock);
  }

  private StoredPair pair(String first, String second, int spi, Duration lifetime) {
    long now = files.clock.millis();
    return new StoredPair(
        first,
        second,
        EspSaKeys.aesGcm(spi, new byte[36], false),
        new EspSaKeys(
            spi + 1,
            EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_256_128,
            new byte[16],
            new byte[0],
            new byte[32],
            true),
        now,
        now + lifetime.toMillis());
  }

  @Test
  void aReopenedStoreHandsEachManagerThePairsItKeptAndNotTheOnesItDropped() {
    SamPairStore store = openStore();
    StoredPair kept = pair("node01", "node02", 0x1000, Duration.ofHours(8));
    StoredPair dropped = pair("node01", "node03", 0x2000, Duration.ofHours(8));
    StoredPair otherTenants = pair("node01", "node02", 0x3000, Duration.ofHours(8));
    store.put("acme", kept);
    store.put("acme", dropped);
    store.put("globex", otherTenants);
    store.remove("acme", "node01", "node03");
    files.close();

    SamPairStore reopened = openStore();

    assertThat(reopened.pairs("acme")).containsExactly(kept);
    assertThat(reopened.pairs("globex")).containsExactly(otherTenants);
    assertThat(reopened.pairs("initech")).isEmpty();
  }

  @Test
  void aPairWhoseLifetimeRanOutWhileTheFileWasClosedIsGoneWhenItOpens() {
    SamPairStore store = openStore();
    StoredPair brief = pair("node01", "node02", 0x1000, Duration.ofMinutes(5));
    StoredPair lasting = pair("node01", "node03", 0x2000, Duration.ofHours(8));
    store.put("acme", brief);
    store.put("acme", lasting);
    files.close();
    files.clock.advance(Duration.ofMinutes(10));

    assertThat(openStore().pairs("acme")).containsExactly(lasting);
  }

  @Test
  void anUnreadableRecordCostsItsPairAndNothingElse() {
    StateFile file = files.open();
    StoredPair good = pair("node01", "node02", 0x1000, Duration.ofHours(8));
    SamPairStore store = new PersistentSamPairStore(file, files.clock);
    store.put("acme", good);
    file.change(
        () -> file.map(PersistentSamPairStore.PAIRS).put("acme node07 node08", new byte[3]));
    files.close();

    assertThat(openStore().pairs("acme")).containsExactly(good);
  }
}
