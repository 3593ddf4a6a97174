package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.nasreq.HelloAaClient;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.nasreq.Nasreq;
import io.mvpn.diameter.peer.DiameterNode;
import io.mvpn.diameter.peer.MemoryNetwork;
import io.mvpn.diameter.peer.NodeSettings;
import io.mvpn.diameter.peer.Peer;
import io.mvpn.diameter.peer.PeerConfig;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seed 002's site security in one virtual-time run: an AODV site of acme (sink s, the security
 * gateway and foreign agent h, an entering member n and a visitor v of globex on access links of
 * s), the sink's Diameter node, acme's MSM (which relays for other realms) and globex's MSM, all
 * Diameter messages crossing as bytes with 2 ms each way.
 */
final class SiteWorld {

  static final String ACME = "acme.example";
  static final String GLOBEX = "globex.example";
  static final String ALICE = "alice@" + ACME;
  static final String BOB = "bob@" + GLOBEX;
  static final int SPI = 0x100;
  static final byte[] ALICE_KEY = key("alice's hello key");
  static final byte[] BOB_KEY = key("bob's hello key");

  /** Bob's address in his home network, inside his tunnel to the foreign agent (c48). */
  static final Ipv4Address BOB_HOME = Ipv4Address.parse("10.2.0.7");

  final MeshLab mesh;
  final InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
  final SiteAuthority acme = new SiteAuthority(directory);
  final SiteAuthority globex = new SiteAuthority(directory);
  final MemoryNetwork diameter;
  final DiameterNode sinkNode;
  final DiameterNode acmeMsm;
  final DiameterNode globexMsm;

  /** A tunnelled datagram as the foreign agent received it: outer and inner source. */
  record Tunnelled(Ipv4Address outerSource, Ipv4Address innerSource) {}

  final List<Tunnelled> atForeignAgent = new ArrayList<>();

  SiteWorld() {
    this(List.of(), List.of(), Set.of());
  }

  /** The site with more nodes and links after the four above; {@code probes} run no router. */
  SiteWorld(List<String> moreNodes, List<String> moreLinks, Set<String> probes) {
    List<String> names = new ArrayList<>(List.of("s", "h", "n", "v"));
    names.addAll(moreNodes);
    List<String> links = new ArrayList<>(List.of("s-h", "s-n", "s-v"));
    links.addAll(moreLinks);
    mesh = new MeshLab(names, links, AodvParameters.defaults(), probes);
    diameter = new MemoryNetwork(mesh.time);
    MemberId alice = new MemberId(MvpnId.of("acme"), mesh.addr("n"));
    MemberId bob = new MemberId(MvpnId.of("globex"), BOB_HOME);
    directory.putMember(
        new Member(alice, "alice.acme.example", Ipv4Address.parse("198.51.100.10")));
    directory.putMember(new Member(bob, "bob.globex.example", Ipv4Address.parse("198.51.100.20")));
    acme.addSite(
        new SiteAuthority.Site(
            MvpnId.of("acme"), ACME, Prefix.parse("10.1.0.0/16"), mesh.addr("h")));
    acme.addNode(new SiteAuthority.NodeKey(ALICE, alice, SPI, ALICE_KEY));
    globex.addSite(
        new SiteAuthority.Site(
            MvpnId.of("globex"),
            GLOBEX,
            Prefix.parse("10.2.0.0/16"),
            Ipv4Address.parse("10.2.0.1")));
    globex.addNode(new SiteAuthority.NodeKey(BOB, bob, SPI, BOB_KEY));

    sinkNode = node(1, "sink." + ACME, ACME, false);
    globexMsm = node(3, "msm." + GLOBEX, GLOBEX, false);
    globexMsm.register(Nasreq.APPLICATION_ID, new HelloAaServer(globex));
    globexMsm.addPeer(new PeerConfig("msm." + ACME, ACME, null));
    sinkNode.addPeer(new PeerConfig("msm." + ACME, ACME, address(2)));
    acmeMsm = startAcmeMsm();
    sinkNode.start();
    globexMsm.start();

    mesh.router("s")
        .setSitePolicy(
            new SitePolicy(
                new HelloAaClient(sinkNode::send, "sink." + ACME, ACME, 1),
                ACME,
                mesh.addr("h"),
                Set.of("to-n", "to-v")));
    mesh.lab
        .vrf("h", "mesh")
        .registerProtocol(
            4,
            (vrf, in, ip) -> {
              try {
                atForeignAgent.add(
                    new Tunnelled(ip.sourceAddress(), IpInIp.decapsulate(ip).sourceAddress()));
              } catch (io.mvpn.packet.MalformedPacketException e) {
                throw new AssertionError(e);
              }
            });
    mesh.runFor(1_000); // the Diameter peers open
  }

  /**
   * acme's MSM as a process of its own on 10.0.0.2, relaying for other realms: at the start, and
   * again after a crash. What it answers with (the hello keys, the sites) is acme's {@link
   * SiteAuthority} over the directory, which outlives the process.
   */
  DiameterNode startAcmeMsm() {
    DiameterNode msm = node(2, "msm." + ACME, ACME, true);
    msm.register(Nasreq.APPLICATION_ID, new HelloAaServer(acme));
    msm.addPeer(new PeerConfig("sink." + ACME, ACME, null));
    msm.addPeer(new PeerConfig("msm." + GLOBEX, GLOBEX, address(3)));
    msm.start();
    return msm;
  }

  /** Virtual nanos from {@code sent} until {@code node} holds site routes (bounded: 1 s). */
  long runUntilSiteRoutes(String node, long sent) {
    for (int i = 0; i < 1_000 && mesh.router(node).siteRoutes().isEmpty(); i++) {
      mesh.runFor(1);
    }
    if (mesh.router(node).siteRoutes().isEmpty()) {
      throw new AssertionError("no site routes at " + node + " within a second");
    }
    return mesh.time.nanoTime() - sent;
  }

  /** The sink's Diameter peer that is acme's MSM. */
  Peer sinkToMsm() {
    return sinkNode.peer("msm." + ACME);
  }

  private DiameterNode node(int n, String host, String realm, boolean relay) {
    Capabilities id =
        new Capabilities(host, realm, List.of(ip(n)), 0, "mvpn", 1, 7, Set.of(), Set.of());
    DiameterNode[] node = new DiameterNode[1];
    node[0] =
        new DiameterNode(
            mesh.time,
            NodeSettings.of(id).withRelay(relay),
            (remote, listener) -> diameter.transportFor(node[0]).connect(remote, listener),
            new Random(n));
    diameter.listen(address(n), node[0]);
    return node[0];
  }

  private static InetSocketAddress address(int n) {
    return new InetSocketAddress(ip(n), 3868);
  }

  private static InetAddress ip(int n) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] key(String seed) {
    byte[] k = new byte[32];
    byte[] s = seed.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (s[i % s.length] + i);
    }
    return k;
  }

  MobilityRouter sink() {
    return mesh.router("s");
  }

  /** The sink's routes to {@code node}, of any state. */
  boolean sinkHasRouteTo(String node) {
    return sink().routes().stream().anyMatch(r -> r.destination().equals(mesh.addr(node)));
  }

  /** Bob's datagram from his home address, tunnelled IP-in-IP from his visited address (c48). */
  void tunnelFromVisitor(Ipv4Address outerDestination, Ipv4Address innerDestination, int seq) {
    Vrf v = mesh.lab.vrf("v", "mesh");
    ByteBuf payload = Unpooled.buffer(4).writeInt(seq);
    ByteBuf inner =
        UdpDatagram.build(
            v.alloc(), BOB_HOME.toInt(), innerDestination.toInt(), 9000, 9000, payload, 64);
    try {
      Ipv4Packet parsed = Ipv4Packet.parse(inner);
      v.send(
          IpInIp.encapsulate(
              v.alloc(), mesh.addr("v").toInt(), outerDestination.toInt(), parsed, 64, seq));
    } catch (io.mvpn.packet.MalformedPacketException e) {
      throw new AssertionError(e);
    } finally {
      inner.release();
      payload.release();
    }
  }
}
