package io.mvpn.ipsec.gateway;

import static io.mvpn.ipsec.gateway.SecurityGatewayTunnelsTest.GW;
import static io.mvpn.ipsec.gateway.SecurityGatewayTunnelsTest.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.lab.Lab;
import io.mvpn.net.Interface;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of a security gateway's network entry points with real SAs: raw ESP
 * (protocol 50), UDP 4500 (ESP in UDP, keepalives, IKE marker) and Security Information Updates.
 * The first input byte picks the entry point, the rest is the payload. Nothing may escape the
 * gateway, and input that does not authenticate (checked with a twin of each inbound SA and the
 * home agent's key) must leave the tunnels, SAs, policies, routes and non-drop counters as they
 * were.
 */
class SecurityGatewayFuzzTest {

  static final Ipv4Address HOME_GCM = Ipv4Address.parse("10.250.0.5");
  static final Ipv4Address HOME_CBC = Ipv4Address.parse("10.250.0.6");
  static final Ipv4Address HOME_AGENT = Ipv4Address.parse("10.1.0.2");
  static final int SPI_GCM = 0x2001;
  static final int SPI_CBC = 0x2003;

  /** The HA-gateway association the corpus's update seeds are signed with. */
  static final MobilitySecurityAssociation HA_KEY =
      new MobilitySecurityAssociation(
          0x300,
          MobilitySecurityAssociation.Algorithm.HMAC_SHA256,
          "ha-sgw key of the fuzz corpus".getBytes(StandardCharsets.US_ASCII));

  private static final GatewayCounter[] STATE_COUNTERS = {
    GatewayCounter.ESP_ACCEPTED,
    GatewayCounter.ESP_SENT,
    GatewayCounter.NAT_PORT_MOVED,
    GatewayCounter.SIU_APPLIED
  };

  private static Rig rig;

  /** One gateway for the whole run (setting one up per input would dwarf the parsing). */
  private static final class Rig {
    final Lab lab = SecurityGatewayTunnelsTest.gatewayLab(1500);
    final SecurityGateway gateway;
    final Interface outside = lab.vrf("gw", "outside").getInterface("o0");
    final Interface inside = lab.vrf("gw", "inside").getInterface("lan");
    final List<EspSecurityAssociation> twins = new ArrayList<>();

    Rig() {
      gateway =
          new SecurityGateway(
              new SecurityGateway.Config(
                  GW, SecurityInformationUpdate.DEFAULT_PORT, Map.of(HOME_AGENT, HA_KEY), 7),
              lab.vrf("gw", "outside"),
              lab.vrf("gw", "inside"),
              0);
      gateway.start();
      install(Algorithm.AES_GCM_16, HOME_GCM, SPI_GCM);
      install(Algorithm.AES_CBC_HMAC_SHA2_256_128, HOME_CBC, SPI_CBC);
    }

    private void install(Algorithm algorithm, Ipv4Address home, int spi) {
      gateway.addTunnel(
          new MobileTunnel(
              home,
              inboundSa(algorithm, spi),
              SecurityGatewayTunnelsTest.nodeSa(
                  algorithm,
                  spi + 1,
                  Direction.OUTBOUND,
                  GW,
                  NODE,
                  SecurityGatewayTunnelsTest.keymat(algorithm, spi + 1),
                  0),
              false));
      twins.add(inboundSa(algorithm, spi));
    }
  }

  /** The gateway's inbound SA of a tunnel (wildcard source); built twice, once as the twin. */
  static EspSecurityAssociation inboundSa(Algorithm algorithm, int spi) {
    return SecurityGatewayTunnelsTest.nodeSa(
        algorithm,
        spi,
        Direction.INBOUND,
        NODE,
        GW,
        SecurityGatewayTunnelsTest.keymat(algorithm, spi),
        64);
  }

  /** The mobile node's outbound SA toward a tunnel: what the corpus's ESP seeds are sealed with. */
  static EspSecurityAssociation nodeSealer(Algorithm algorithm, int spi) {
    return SecurityGatewayTunnelsTest.nodeSa(
        algorithm,
        spi,
        Direction.OUTBOUND,
        NODE,
        GW,
        SecurityGatewayTunnelsTest.keymat(algorithm, spi),
        0);
  }

  @FuzzTest(maxDuration = "30m")
  void espAndUpdatesChangeNothingUnlessTheyAuthenticate(byte[] data) {
    if (rig == null) {
      rig = new Rig();
    }
    if (data.length == 0) {
      return;
    }
    byte[] payload = Arrays.copyOfRange(data, 1, data.length);
    boolean authentic;
    ByteBuf datagram;
    Interface ingress;
    switch (data[0] & 3) {
      case 0 -> {
        authentic = twinOpens(payload);
        datagram =
            Ipv4Builder.create()
                .source(NODE)
                .destination(GW)
                .protocol(IpProtocol.ESP)
                .build(UnpooledByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(payload));
        ingress = rig.outside;
      }
      case 1 -> {
        authentic =
            EspInUdp.classify(Unpooled.wrappedBuffer(payload)) == EspInUdp.Kind.ESP
                && twinOpens(payload);
        datagram = udp(NODE, GW, 4500, EspInUdp.PORT, payload);
        ingress = rig.outside;
      }
      default -> {
        authentic = verifies(payload);
        datagram = udp(HOME_AGENT, GW, 434, SecurityInformationUpdate.DEFAULT_PORT, payload);
        ingress = rig.inside;
      }
    }
    String before = snapshot();
    ingress.receive(datagram);
    rig.lab
        .virtualTime()
        .runUntil(rig.lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
    if (!authentic) {
      assertThat(snapshot()).as("state after input that does not authenticate").isEqualTo(before);
    }
  }

  private static ByteBuf udp(Ipv4Address from, Ipv4Address to, int sport, int dport, byte[] body) {
    return UdpDatagram.build(
        UnpooledByteBufAllocator.DEFAULT,
        from.toInt(),
        to.toInt(),
        sport,
        dport,
        Unpooled.wrappedBuffer(body),
        64);
  }

  /** Whether the twin of the SA the SPI names accepts the packet (moving the twin as it goes). */
  private static boolean twinOpens(byte[] esp) {
    if (esp.length < 8) {
      return false;
    }
    int spi = Unpooled.wrappedBuffer(esp).getInt(0);
    for (EspSecurityAssociation twin : rig.twins) {
      if (twin.spi() == spi) {
        try {
          ByteBuf inner =
              twin.open(
                  UnpooledByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(esp), 0, esp.length);
          if (inner != null) {
            inner.release();
          }
          return true;
        } catch (EspException refused) {
          return false;
        }
      }
    }
    return false;
  }

  private static boolean verifies(byte[] update) {
    try {
      return SecurityInformationUpdate.parse(Unpooled.wrappedBuffer(update)).verify(HA_KEY);
    } catch (MalformedPacketException e) {
      return false;
    }
  }

  /** What an unauthenticated input must not change. */
  private static String snapshot() {
    StringBuilder s = new StringBuilder();
    for (MobileTunnel t : rig.gateway.tunnels()) {
      s.append(t.homeAddress())
          .append(" in ")
          .append(t.inbound().sequence())
          .append('/')
          .append(t.inbound().packets())
          .append('/')
          .append(t.inbound().bytes())
          .append(" out ")
          .append(t.outbound().tunnelDestination())
          .append(':')
          .append(t.outbound().udpDestinationPort())
          .append('/')
          .append(t.outbound().sequence())
          .append(t.udpEncapsulated())
          .append('\n');
    }
    for (GatewayCounter c : STATE_COUNTERS) {
      s.append(c).append('=').append(rig.gateway.counter(c)).append(' ');
    }
    s.append(rig.gateway.spd().toString()).append(rig.lab.vrf("gw", "inside").routes());
    return s.toString();
  }
}
