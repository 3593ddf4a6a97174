package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What every {@link WorkgroupSaStore} does, in memory or in the state file. */
abstract class WorkgroupSaStoreContract {

  static final Ipv4Address ACME_GW = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address INITECH_GW = Ipv4Address.parse("198.51.100.30");
  static final MemberId ALICE = new MemberId(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5"));
  static final MemberId CAROL = new MemberId(MvpnId.of("initech"), Ipv4Address.parse("10.9.0.9"));
  static final long INSTALLED = 1_796_461_200_000_000_000L; // 2026-12-05T09:00:00Z

  abstract WorkgroupSaStore store();

  static StoredWorkgroupSa sa(Ipv4Address tunnelSource, MemberId party, int spi, long installed) {
    byte[] material = new byte[36];
    Arrays.fill(material, (byte) spi);
    return new StoredWorkgroupSa(
        tunnelSource,
        party,
        EspSaKeys.aesGcm(spi, material, false),
        64,
        SaLifetime.seconds(3000, 3600),
        installed);
  }

  @Test
  void aStoredSaComesBackWithItsPartyKeysAndLifetime() {
    WorkgroupSaStore store = store();
    StoredWorkgroupSa alice = sa(ACME_GW, ALICE, 0xc0010001, INSTALLED);
    store.put("wg-globex", alice);

    assertThat(store.sas("wg-globex")).containsExactly(alice);
    StoredWorkgroupSa back = store.sas("wg-globex").get(0);
    assertThat(back.party()).isEqualTo(ALICE);
    assertThat(back.keys().keyAndSalt()).isEqualTo(alice.keys().keyAndSalt());
    assertThat(back.expiresAtUnixNanos()).isEqualTo(INSTALLED + 3600_000_000_000L);
    assertThat(store.sas("wg-acme")).isEmpty();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void theSameSpiUnderTwoTunnelSourcesIsTwoSas() {
    WorkgroupSaStore store = store();
    store.put("wg-globex", sa(ACME_GW, ALICE, 0xc0010001, INSTALLED));
    store.put("wg-globex", sa(INITECH_GW, CAROL, 0xc0010001, INSTALLED));
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 1024);

    assertThat(store.sas("wg-globex")).extracting(StoredWorkgroupSa::party).contains(ALICE, CAROL);
    assertThat(store.reserved("wg-globex", INITECH_GW, 0xc0010001)).isZero();
    assertThat(store.remove("wg-globex", INITECH_GW, 0xc0010001).party()).isEqualTo(CAROL);
    assertThat(store.sas("wg-globex")).extracting(StoredWorkgroupSa::party).containsExactly(ALICE);
    assertThat(store.reserved("wg-globex", ACME_GW, 0xc0010001)).isEqualTo(1024);
  }

  @Test
  void aReservationOnlyRisesAndAReleaseLowersItToWhatWasAccepted() {
    WorkgroupSaStore store = store();
    store.put("wg-globex", sa(ACME_GW, ALICE, 0xc0010001, INSTALLED));
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 2048);
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 512);
    store.flush();
    assertThat(store.reserved("wg-globex", ACME_GW, 0xc0010001)).isEqualTo(2048);

    store.release("wg-globex", ACME_GW, 0xc0010001, 1500);
    store.flush();
    assertThat(store.reserved("wg-globex", ACME_GW, 0xc0010001)).isEqualTo(1500);
  }

  @Test
  void aRemovedSaTakesItsReservationWithIt() {
    WorkgroupSaStore store = store();
    store.put("wg-globex", sa(ACME_GW, ALICE, 0xc0010001, INSTALLED));
    store.reserve("wg-globex", ACME_GW, 0xc0010001, 1024);

    assertThat(store.remove("wg-globex", ACME_GW, 0xc0010001)).isNotNull();
    assertThat(store.remove("wg-globex", ACME_GW, 0xc0010001)).isNull();
    assertThat(store.reserved("wg-globex", ACME_GW, 0xc0010001)).isZero();
    assertThat(store.size()).isZero();
  }
}
