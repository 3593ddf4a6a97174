package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.EspSaStore.Direction;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.ipsec.StoredEspTunnel;
import io.mvpn.api.ipsec.StoredEspTunnel.RetiringInbound;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link EspSaStore} does, in memory or in the state file. */
abstract class EspSaStoreContract {

  static final Ipv4Address HOME = Ipv4Address.parse("10.250.0.5");
  static final Ipv4Address OTHER_HOME = Ipv4Address.parse("10.250.0.6");
  static final Ipv4Address CARE_OF = Ipv4Address.parse("198.51.100.7");
  static final Ipv4Address NEW_CARE_OF = Ipv4Address.parse("198.51.100.99");
  static final long INSTALLED = 1_796_461_200_000_000_000L; // 2026-12-05T09:00:00Z

  abstract EspSaStore store();

  static EspSaKeys keys(int spi) {
    byte[] material = new byte[36];
    Arrays.fill(material, (byte) spi);
    return EspSaKeys.aesGcm(spi, material, true);
  }

  static StoredEspTunnel tunnel(
      Ipv4Address home, int inSpi, int outSpi, Ipv4Address peer, int peerPort, long installed) {
    return new StoredEspTunnel(
        new EspTunnel(
            home,
            keys(inSpi),
            keys(outSpi),
            peer,
            peerPort,
            4500,
            64,
            SaLifetime.seconds(3000, 3600)),
        installed,
        List.of());
  }

  @Test
  void aStoredTunnelComesBackWithItsKeysPortsAndLifetime() {
    EspSaStore store = store();
    StoredEspTunnel t = tunnel(HOME, 0x1001, 0x2001, CARE_OF, 41_000, INSTALLED);
    store.put("gw1", t);

    assertThat(store.tunnels("gw1")).containsExactly(t);
    StoredEspTunnel back = store.tunnels("gw1").get(0);
    assertThat(back.tunnel().outbound().keyAndSalt()).isEqualTo(keys(0x2001).keyAndSalt());
    assertThat(back.tunnel().peerUdpPort()).isEqualTo(41_000);
    assertThat(back.expiresAtUnixNanos()).isEqualTo(INSTALLED + 3600_000_000_000L);
    assertThat(store.tunnels("gw2")).isEmpty();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void aRepointedTunnelReplacesTheOneStoredForTheNode() {
    EspSaStore store = store();
    store.put("gw1", tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, INSTALLED));
    store.put("gw1", tunnel(OTHER_HOME, 0x1002, 0x2002, CARE_OF, 0, INSTALLED));
    StoredEspTunnel moved = tunnel(HOME, 0x1001, 0x2001, NEW_CARE_OF, 0, INSTALLED);
    store.put("gw1", moved);

    assertThat(store.tunnels("gw1")).hasSize(2).contains(moved);
    assertThat(store.tunnels("gw1").get(0).tunnel().peer()).isEqualTo(NEW_CARE_OF);
  }

  @Test
  void aReKeyedTunnelKeepsItsOldInboundSaAndThatSasReservation() {
    EspSaStore store = store();
    StoredEspTunnel first = tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, INSTALLED);
    store.put("gw1", first);
    store.reserve("gw1", HOME, Direction.INBOUND, 0x1001, 2048);
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 4096);
    RetiringInbound old =
        new RetiringInbound(first.tunnel().inbound(), 64, first.tunnel().lifetime(), INSTALLED);
    StoredEspTunnel rekeyed =
        new StoredEspTunnel(
            tunnel(HOME, 0x1003, 0x2003, CARE_OF, 0, INSTALLED + 5).tunnel(),
            INSTALLED + 5,
            List.of(old));
    store.put("gw1", rekeyed);

    assertThat(store.tunnels("gw1")).containsExactly(rekeyed);
    assertThat(store.reserved("gw1", HOME, Direction.INBOUND, 0x1001)).isEqualTo(2048);
    // The old outbound SA is gone: its numbers can never be used again.
    assertThat(store.reserved("gw1", HOME, Direction.OUTBOUND, 0x2001)).isZero();
  }

  @Test
  void aReservationOnlyRisesAndAReleaseLowersItToWhatWasUsed() {
    EspSaStore store = store();
    store.put("gw1", tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, INSTALLED));
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 2048);
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 512);
    store.flush();
    assertThat(store.reserved("gw1", HOME, Direction.OUTBOUND, 0x2001)).isEqualTo(2048);
    assertThat(store.reserved("gw1", HOME, Direction.INBOUND, 0x2001)).isZero();
    assertThat(store.reserved("gw1", OTHER_HOME, Direction.OUTBOUND, 0x2001)).isZero();

    store.release("gw1", HOME, Direction.OUTBOUND, 0x2001, 1500);
    store.flush();
    assertThat(store.reserved("gw1", HOME, Direction.OUTBOUND, 0x2001)).isEqualTo(1500);
  }

  @Test
  void aRemovedTunnelTakesItsReservationsWithIt() {
    EspSaStore store = store();
    StoredEspTunnel t = tunnel(HOME, 0x1001, 0x2001, CARE_OF, 0, INSTALLED);
    store.put("gw1", t);
    store.put("gw2", t);
    store.reserve("gw1", HOME, Direction.OUTBOUND, 0x2001, 1024);
    store.reserve("gw2", HOME, Direction.OUTBOUND, 0x2001, 1024);

    assertThat(store.remove("gw1", HOME)).isEqualTo(t);
    assertThat(store.remove("gw1", HOME)).isNull();
    assertThat(store.tunnels("gw1")).isEmpty();
    assertThat(store.reserved("gw1", HOME, Direction.OUTBOUND, 0x2001)).isZero();
    assertThat(store.tunnels("gw2")).containsExactly(t);
    assertThat(store.reserved("gw2", HOME, Direction.OUTBOUND, 0x2001)).isEqualTo(1024);
  }
}
