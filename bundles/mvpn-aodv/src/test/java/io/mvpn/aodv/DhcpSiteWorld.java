package io.mvpn.aodv;

import io.mvpn.aodv.dhcp.DhcpFormatException;
import io.mvpn.aodv.dhcp.DhcpHello;
import io.mvpn.aodv.dhcp.DhcpMessage;
import io.mvpn.aodv.dhcp.DhcpOption;
import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.diameter.nasreq.HelloAaClient;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Acme's site of {@link SiteWorld} with a node d that speaks only DHCP on the sink's access link
 * s-d, and a node f beyond the security gateway h (s-h-f), which the sink finds by route discovery
 * only. Carol, d's user, is a member of acme whose key the MSM holds; d sends its DHCP messages as
 * raw UDP from 0.0.0.0 and takes the replies broadcast on its link.
 */
final class DhcpSiteWorld {

  static final String CAROL = "carol@" + SiteWorld.ACME;
  static final byte[] CAROL_KEY = SiteWorld.key("carol's hello key");
  static final byte[] MAC = HexFormat.of().parseHex("02000000000d");
  static final int LEASE_SECONDS = 600;

  final SiteWorld site;
  final MeshLab mesh;
  final List<DhcpMessage> repliesAtD = new ArrayList<>();
  final List<Integer> dataAtD = new ArrayList<>();
  private int xid = 0x1000;

  DhcpSiteWorld() {
    this(false);
  }

  /**
   * With {@code secondSink}, a second sink s2 of acme's site is on d's link too (its own link s2-d
   * here, onto which d repeats every broadcast it sends: {@link #sendToBoth}).
   */
  DhcpSiteWorld(boolean secondSink) {
    site =
        secondSink
            ? new SiteWorld(
                List.of("f", "d", "s2"), List.of("h-f", "s-d", "s2-d", "s2-h"), Set.of("d"))
            : new SiteWorld(List.of("f", "d"), List.of("h-f", "s-d"), Set.of("d"));
    mesh = site.mesh;
    MemberId carol = new MemberId(MvpnId.of("acme"), carolHome());
    site.directory.putMember(
        new Member(carol, "carol.acme.example", Ipv4Address.parse("198.51.100.30")));
    site.acme.addNode(new SiteAuthority.NodeKey(CAROL, carol, SiteWorld.SPI, CAROL_KEY));
    sink().setDhcpAccess(new DhcpAccess(Set.of("to-d"), 16, LEASE_SECONDS, List.of()));
    Vrf d = vrfOfD();
    d.bindUdp(
        DhcpMessage.CLIENT_PORT,
        (v, in, udp) -> {
          try {
            repliesAtD.add(DhcpMessage.parse(udp.payload()));
          } catch (DhcpFormatException e) {
            throw new AssertionError(e);
          }
        });
    d.bindUdp(9000, (v, in, udp) -> dataAtD.add(udp.payload().getInt(udp.payload().readerIndex())));
    // Once it has its lease, d sends everything to its router, the sink.
    d.addRoute(new Route(Prefix.DEFAULT_ROUTE, mesh.addr("s"), linkOfD(), Route.Origin.STATIC));
  }

  MobilityRouter sink() {
    return site.sink();
  }

  /** s2 as a DHCP sink of acme's site on its link to d, asking through the site's Diameter node. */
  MobilityRouter secondSink() {
    MobilityRouter s2 = mesh.router("s2");
    s2.setSitePolicy(
        new SitePolicy(
            new HelloAaClient(site.sinkNode::send, "sink." + SiteWorld.ACME, SiteWorld.ACME, 2),
            SiteWorld.ACME,
            mesh.addr("h"),
            Set.of("to-d")));
    s2.setDhcpAccess(new DhcpAccess(Set.of("to-d"), 16, LEASE_SECONDS, List.of()));
    return s2;
  }

  /** d's broadcast {@code m} as both sinks hear it: first s, then s2. */
  void sendToBoth(DhcpMessage m) {
    send(m);
    sendOn("to-s2", m);
  }

  /** d's broadcast {@code m} on its link {@code link} only. */
  void sendOn(String link, DhcpMessage m) {
    ByteBuf datagram = datagram(m, Ipv4Address.ANY, Ipv4Address.BROADCAST);
    vrfOfD().send(datagram, vrfOfD().getInterface(link), Ipv4Address.BROADCAST.toInt());
  }

  Ipv4Address carolHome() {
    return mesh.addr("d");
  }

  Vrf vrfOfD() {
    return mesh.lab.vrf("d", "mesh");
  }

  Interface linkOfD() {
    return vrfOfD().getInterface("to-s");
  }

  /** Carol's hello for her home address, signed with {@code key} at {@code timestamp}. */
  static HelloAuthentication hello(Ipv4Address address, byte[] key, long timestamp) {
    return DhcpHello.sign(address, MAC, CAROL, SiteWorld.SPI, timestamp, key);
  }

  /** A DISCOVER (or, with {@code serverId}, a SELECTING REQUEST) carrying {@code hello}. */
  DhcpMessage request(int type, HelloAuthentication hello, Ipv4Address serverId) {
    DhcpMessage.Builder b =
        new DhcpMessage.Builder(DhcpMessage.BOOTREQUEST)
            .xid(++xid)
            .chaddr(DhcpMessage.HTYPE_ETHERNET, MAC)
            .messageType(type)
            .address(DhcpOption.REQUESTED_ADDRESS, carolHome())
            .option(DhcpOption.PARAMETER_REQUEST_LIST, new byte[] {1, 3, 6, 51, 54});
    if (serverId != null) {
      b.address(DhcpOption.SERVER_IDENTIFIER, serverId);
    }
    if (hello != null) {
      b.option(DhcpOption.MVPN_HELLO, DhcpHello.toOption(hello));
    }
    return b.build();
  }

  /** Sends {@code m} from d as a client without an address: 0.0.0.0:68 to 255.255.255.255:67. */
  void send(DhcpMessage m) {
    send(m, Ipv4Address.ANY, Ipv4Address.BROADCAST);
  }

  void send(DhcpMessage m, Ipv4Address source, Ipv4Address destination) {
    vrfOfD().send(datagram(m, source, destination), linkOfD(), destination.toInt());
  }

  /** {@code m} in a UDP datagram from d's client port to the server port. */
  private ByteBuf datagram(DhcpMessage m, Ipv4Address source, Ipv4Address destination) {
    ByteBuf payload = Unpooled.wrappedBuffer(m.toBytes());
    ByteBuf datagram =
        UdpDatagram.build(
            vrfOfD().alloc(),
            source.toInt(),
            destination.toInt(),
            DhcpMessage.CLIENT_PORT,
            DhcpMessage.SERVER_PORT,
            payload,
            64);
    payload.release();
    return datagram;
  }

  /**
   * {@code m} as the sink hears it on its link to d from link-layer station {@code station}: a copy
   * of d's messages sent by another host on the link.
   */
  void sendFromStation(DhcpMessage m, int station) {
    ByteBuf datagram = datagram(m, Ipv4Address.ANY, Ipv4Address.BROADCAST);
    mesh.lab.iface("s", "to-d").receive(datagram, station);
  }

  /** d's RELEASE of the lease {@code ack} granted. */
  DhcpMessage release(DhcpMessage ack) {
    return new DhcpMessage.Builder(DhcpMessage.BOOTREQUEST)
        .xid(++xid)
        .chaddr(DhcpMessage.HTYPE_ETHERNET, MAC)
        .ciaddr(carolHome())
        .messageType(DhcpOption.RELEASE)
        .address(DhcpOption.SERVER_IDENTIFIER, ack.serverIdentifier())
        .build();
  }

  /** DISCOVER, then REQUEST of what was offered: the whole exchange of a client in INIT. */
  DhcpMessage lease(HelloAuthentication hello) {
    send(request(DhcpOption.DISCOVER, hello, null));
    mesh.runFor(100);
    DhcpMessage offer = lastReply();
    send(request(DhcpOption.REQUEST, hello, offer.serverIdentifier()));
    mesh.runFor(100);
    return lastReply();
  }

  DhcpMessage lastReply() {
    return repliesAtD.isEmpty() ? null : repliesAtD.get(repliesAtD.size() - 1);
  }

  /** A datagram from d (its own address) to {@code to}, UDP 9000, carrying {@code seq}. */
  void sendFromD(Ipv4Address to, int seq) {
    ByteBuf payload = Unpooled.buffer(4).writeInt(seq);
    vrfOfD().sendUdp(carolHome(), to, 9000, 9000, payload);
    payload.release();
  }

  long counter(AodvCounter c) {
    return sink().counter(c);
  }
}
