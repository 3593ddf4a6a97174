package io.mvpn.workgroup;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 002's mobile workgroup in virtual time: acme and globex both on 10.1.0.0/16, initech on
 * 10.9.0.0/16, each behind its own security gateway on the backbone 198.51.100.0/24; one workgroup
 * "bridge" holding acme's 10.1.0.5, globex's 10.1.0.5 and initech's 10.9.0.9, and acme's 10.1.0.6
 * in none. Every host answers UDP port 7000 by noting what it got. The tests key the SAs.
 */
final class WorkgroupWorld {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final Ipv4Address ACME_GW = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GLOBEX_GW = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address INITECH_GW = Ipv4Address.parse("198.51.100.30");
  static final MemberId A5 = new MemberId(ACME, Ipv4Address.parse("10.1.0.5"));
  static final MemberId A6 = new MemberId(ACME, Ipv4Address.parse("10.1.0.6"));
  static final MemberId G5 = new MemberId(GLOBEX, Ipv4Address.parse("10.1.0.5"));
  static final MemberId I9 = new MemberId(INITECH, Ipv4Address.parse("10.9.0.9"));
  static final Map<MvpnId, Ipv4Address> GATEWAYS =
      Map.of(ACME, ACME_GW, GLOBEX, GLOBEX_GW, INITECH, INITECH_GW);
  static final Map<MemberId, String> HOSTS = Map.of(A5, "a5", A6, "a6", G5, "g5", I9, "i9");
  static final Map<MemberId, String> FQDNS =
      Map.of(
          A5, "alice.acme.wg.mvpn.example",
          A6, "eve.acme.wg.mvpn.example",
          G5, "bob.globex.wg.mvpn.example",
          I9, "carol.initech.wg.mvpn.example");

  final InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
  final Map<MvpnId, WorkgroupGateway> gateways = new HashMap<>();
  final Map<MemberId, WorkgroupParty> parties = new HashMap<>();
  final Map<String, List<String>> received = new HashMap<>();
  final Lab lab;

  WorkgroupWorld() {
    for (Map.Entry<MemberId, String> m : FQDNS.entrySet()) {
      directory.putMember(new Member(m.getKey(), m.getValue(), GATEWAYS.get(m.getKey().tenant())));
    }
    directory.addWorkgroup("bridge");
    for (MemberId m : List.of(A5, G5, I9)) {
      directory.join("bridge", m);
    }
    TopologyBuilder b = new TopologyBuilder(2026).segment("backbone", "5ms");
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      b.segment(t + "-lan", "1ms")
          .node("gw-" + t)
          .vrf("inside")
          .iface("lan", t + "-lan", lanPrefix(t) + ".1/16")
          .vrf("outside")
          .iface("b0", "backbone", GATEWAYS.get(t) + "/24");
    }
    for (Map.Entry<MemberId, String> h : HOSTS.entrySet()) {
      MemberId m = h.getKey();
      b.node(h.getValue())
          .vrf("main")
          .iface("eth0", m.tenant() + "-lan", m.privateAddress() + "/16")
          .route("0.0.0.0/0", lanPrefix(m.tenant()) + ".1");
    }
    b.node("attacker").vrf("main").iface("eth0", "backbone", "198.51.100.66/24");
    lab = Lab.virtual(b.build());
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      WorkgroupGateway g =
          new WorkgroupGateway(
              GATEWAYS.get(t),
              lab.vrf("gw-" + t, "inside"),
              lab.vrf("gw-" + t, "outside"),
              new WorkgroupFilter(t, directory));
      g.start();
      GATEWAYS.values().forEach(g::addPeerGateway);
      gateways.put(t, g);
    }
    for (Map.Entry<MemberId, String> h : HOSTS.entrySet()) {
      String name = h.getValue();
      Vrf vrf = lab.vrf(name, "main");
      parties.put(h.getKey(), new WorkgroupParty(h.getKey(), vrf));
      List<String> got = new ArrayList<>();
      received.put(name, got);
      vrf.bindUdp(
          7000,
          (v, in, d) ->
              got.add(
                  Ipv4Address.of(d.ip().source())
                      + " "
                      + d.payload().toString(StandardCharsets.US_ASCII)));
    }
  }

  static String lanPrefix(MvpnId tenant) {
    return tenant.equals(INITECH) ? "10.9.0" : "10.1.0";
  }

  Vrf hostVrf(MemberId m) {
    return lab.vrf(HOSTS.get(m), "main");
  }

  Member member(MemberId m) {
    return directory.member(m).orElseThrow();
  }

  /** Sends a UDP datagram to port 7000 through the party's SA and lets 100 ms pass. */
  void send(MemberId from, MemberId to, String text, Ipv4Address innerSource) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    ByteBuf datagram =
        UdpDatagram.build(
            hostVrf(from).alloc(),
            innerSource.toInt(),
            to.privateAddress().toInt(),
            7000,
            7000,
            payload,
            64);
    payload.release();
    parties.get(from).send(to, datagram);
    run(100);
  }

  void send(MemberId from, MemberId to, String text) {
    send(from, to, text, from.privateAddress());
  }

  void run(long millis) {
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + millis * 1_000_000L);
  }

  long count(MvpnId at, WorkgroupCounter c) {
    return gateways.get(at).counter(c);
  }
}
