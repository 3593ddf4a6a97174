package io.mvpn.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's home realm is private: a datagram for an address of it that no route inside the tenant
 * covers (the site interface restarting, a node without a binding) falls to the tenant's default
 * route, the NAPT's link, and must stop there rather than go out translated onto the public side.
 * acme's realm is 10.1.0.0/16, its site only 10.1.0.0/24, so 10.1.7.7 is such an address.
 */
class OwnRealmFenceTest {

  static final Ipv4Address PUBLIC = Ipv4Address.parse("203.0.113.1");
  static final MvpnId ACME = MvpnId.of("acme");
  static final Ipv4Address NODE = Ipv4Address.parse("10.1.0.5");

  Lab lab;
  ApplianceNapt napt;
  Vrf node;
  final List<String> unreachables = new ArrayList<>();

  @BeforeEach
  void build() {
    TopologyBuilder b = new TopologyBuilder(2026);
    b.segment("acme-lan", "1ms");
    b.segment("internet", "1ms");
    b.node("appliance")
        .vrf("backbone")
        .iface("wan", "internet", "198.51.100.1/24")
        .vrf("acme")
        .iface("acme-lan", "acme-lan", "10.1.0.1/24");
    b.node("mn")
        .vrf("main")
        .iface("eth0", "acme-lan", "10.1.0.5/24")
        .route("0.0.0.0/0", "10.1.0.1");
    b.node("server").vrf("main").iface("eth0", "internet", "198.51.100.53/24");
    lab = Lab.virtual(b.build());
    napt =
        new ApplianceNapt(
            lab.vrf("appliance", "backbone"),
            PUBLIC,
            40000,
            40015,
            NaptTimeouts.udp(Duration.ofSeconds(60)));
    napt.attach(ACME, lab.vrf("appliance", "acme"));
    napt.gateway.fence(ACME, List.of(Prefix.parse("10.1.0.0/16")));
    node = lab.vrf("mn", "main");
    node.registerIcmp(
        IcmpType.DESTINATION_UNREACHABLE,
        (v, in, ip) -> {
          try {
            IcmpMessage m = IcmpMessage.parse(ip);
            unreachables.add(Ipv4Address.of(ip.source()) + " code " + m.code());
          } catch (MalformedPacketException e) {
            throw new AssertionError(e);
          }
        });
  }

  void send(Ipv4Address to) {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4});
    node.sendUdp(NODE, to, 5000, 7, payload);
    payload.release();
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
  }

  @Test
  void aDatagramForTheTenantsOwnRealmIsNotTranslatedButRefusedAsNetUnreachable() {
    send(Ipv4Address.parse("10.1.7.7"));

    assertThat(napt.mappings()).isEmpty();
    assertThat(napt.translated()).isZero();
    assertThat(napt.gateway.toOwnRealm()).isEqualTo(1);
    assertThat(unreachables).containsExactly(PUBLIC + " code " + IcmpType.UNREACHABLE_NET);
  }

  @Test
  void theSameNodeStillReachesThePublicSideThroughTheNapt() {
    send(Ipv4Address.parse("198.51.100.53"));

    assertThat(napt.translated()).isEqualTo(1);
    assertThat(napt.mappings()).hasSize(1);
    assertThat(napt.gateway.toOwnRealm()).isZero();
    assertThat(unreachables).isEmpty();
  }

  @Test
  void anotherTenantsFenceDoesNotStopThisOne() {
    napt.gateway.fence(ACME, List.of());
    napt.gateway.fence(MvpnId.of("globex"), List.of(Prefix.parse("10.1.0.0/16")));

    send(Ipv4Address.parse("10.1.7.7"));

    assertThat(napt.translated()).isEqualTo(1);
    assertThat(napt.gateway.toOwnRealm()).isZero();
  }
}
