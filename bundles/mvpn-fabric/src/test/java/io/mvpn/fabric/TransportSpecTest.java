package io.mvpn.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport strings of interface configurations, as operators write them. */
class TransportSpecTest {

  @Test
  void aTunDeviceAloneGetsTheEthernetMtu() {
    assertThat(TransportSpec.parse("tun:mvpn0")).isEqualTo(new TransportSpec.Tun("mvpn0", 1500));
  }

  @Test
  void aTunDeviceTakesItsMtuAsAnOption() {
    assertThat(TransportSpec.parse(" tun:uplink.1,mtu=1400 "))
        .isEqualTo(new TransportSpec.Tun("uplink.1", 1400));
  }

  @Test
  void aTunDeviceNameLinuxWouldRefuseIsRejectedWithTheRule() {
    for (String spec : new String[] {"tun:", "tun:has space", "tun:a/b", "tun:sixteen-chars-xx"}) {
      assertThatThrownBy(() -> TransportSpec.parse(spec))
          .as(spec)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a Linux interface name");
    }
  }

  @Test
  void anMtuOutsideWhatIpv4AllowsIsRejected() {
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,mtu=67"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 68..65535");
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,mtu=65536"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 68..65535");
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,mtu=big"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mtu 'big'");
  }

  @Test
  void aTunSpecTurnsSegmentationOffloadOnOrOffAndLeavesItOnByDefault() {
    assertThat(TransportSpec.parse("tun:uplink,offload=off,mtu=1400"))
        .isEqualTo(new TransportSpec.Tun("uplink", 1400, 1, false));
    assertThat(TransportSpec.parse("tun:uplink,queues=2,offload=on"))
        .isEqualTo(new TransportSpec.Tun("uplink", 1500, 2, true));
    assertThat(((TransportSpec.Tun) TransportSpec.parse("tun:uplink")).offload())
        .isEqualTo(io.mvpn.net.transport.tun.TunTransport.DEFAULT_OFFLOAD);
    assertThatThrownBy(() -> TransportSpec.parse("tun:uplink,offload=yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offload 'yes' (on or off)");
  }

  @Test
  void aTunSpecNamesHowManyQueuesItReadsInAnyOrderOfItsOptions() {
    assertThat(TransportSpec.parse("tun:uplink,queues=4,mtu=1400"))
        .isEqualTo(new TransportSpec.Tun("uplink", 1400, 4));
    assertThat(TransportSpec.parse("tun:uplink,queues=2"))
        .isEqualTo(new TransportSpec.Tun("uplink", 1500, 2));
    for (String bad : new String[] {"0", "17", "two", "-1"}) {
      assertThatThrownBy(() -> TransportSpec.parse("tun:uplink,queues=" + bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("queues");
    }
  }

  @Test
  void anUnknownOrRepeatedTunOptionIsRejected() {
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,txqueuelen=4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "unknown option 'txqueuelen=4' (known: mtu=BYTES, queues=N, offload=on|off)");
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,queues=2,queues=4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queues given twice");
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option ''");
    assertThatThrownBy(() -> TransportSpec.parse("tun:mvpn0,mtu=1400,mtu=1300"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mtu given twice");
  }

  @Test
  void theOtherTransportsStillParse() {
    assertThat(TransportSpec.parse("mem:lan0")).isEqualTo(new TransportSpec.Memory("lan0"));
    assertThat(TransportSpec.parse("udp:127.0.0.1:4001->127.0.0.1:4002"))
        .isEqualTo(
            new TransportSpec.Udp(
                new InetSocketAddress("127.0.0.1", 4001),
                new InetSocketAddress("127.0.0.1", 4002)));
    assertThat(TransportSpec.parse("host:127.0.0.1:434=4341"))
        .isInstanceOfSatisfying(
            TransportSpec.Host.class, h -> assertThat(h.ports()).isEqualTo(Map.of(434, 4341)));
  }

  @Test
  void anUnknownSchemeNamesEveryTransportThatExists() {
    assertThatThrownBy(() -> TransportSpec.parse("vde:mvpn0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tun:DEVICE[,mtu=BYTES][,queues=N]")
        .hasMessageContaining("tap:DEVICE[,mtu=BYTES]")
        .hasMessageContaining("mem:NAME");
  }

  @Test
  void aTapDeviceTakesAnMtuButNoQueues() {
    assertThat(TransportSpec.parse("tap:vfa1")).isEqualTo(new TransportSpec.Tap("vfa1", 1500));
    assertThat(TransportSpec.parse("tap:vfa1,mtu=1400"))
        .isEqualTo(new TransportSpec.Tap("vfa1", 1400));
    assertThatThrownBy(() -> TransportSpec.parse("tap:vfa1,queues=2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'queues=2' (known: mtu=BYTES)");
    assertThatThrownBy(() -> TransportSpec.parse("tap:a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Linux interface name");
  }
}
