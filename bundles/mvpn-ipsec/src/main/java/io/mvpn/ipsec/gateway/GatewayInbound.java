package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.ipsec.esp.SecurityPolicy;
import io.mvpn.ipsec.esp.SecurityPolicyDatabase;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * The gateway's inbound path, on its thread: ESP from mobile nodes, raw or in UDP on port 4500,
 * looked up in the SAD and opened by the SA's owner ({@link EspOwners}); or opened already on the
 * TUN reader that read it ({@link ReaderEsp}). Either way what follows the opening runs here, in
 * {@link #opened}: the SA still the gateway's, the SA store told, the inner policy checked, the NAT
 * port moved, the inner datagram forwarded into the inside VRF.
 */
final class GatewayInbound {

  private final SecurityGateway gateway;
  private final Vrf outside;
  private final SecurityAssociationDatabase sad;
  private final SecurityPolicyDatabase spd;
  private final UnknownSpiLog unknownSpis;
  private final GatewayEvents events;
  private volatile Consumer<UdpDatagram> natTraversalIke;

  GatewayInbound(
      SecurityGateway gateway,
      Vrf outside,
      SecurityAssociationDatabase sad,
      SecurityPolicyDatabase spd,
      UnknownSpiLog unknownSpis,
      GatewayEvents events) {
    this.gateway = gateway;
    this.outside = outside;
    this.sad = sad;
    this.spd = spd;
    this.unknownSpis = unknownSpis;
    this.events = events;
  }

  void setNatTraversalIke(Consumer<UdpDatagram> handler) {
    this.natTraversalIke = handler;
  }

  void fromRawEsp(Ipv4Packet outer) {
    open(
        outer.destination(),
        outer.source(),
        null,
        outer.buffer(),
        outer.payloadOffset(),
        outer.payloadLength());
  }

  void fromUdp(UdpDatagram d) {
    ByteBuf payload = d.payload();
    switch (EspInUdp.classify(payload)) {
      case KEEPALIVE:
        gateway.count(GatewayCounter.KEEPALIVES_RECEIVED);
        return;
      case ESP:
        int at = payload.readerIndex();
        open(d.ip().destination(), d.ip().source(), d, payload, at, payload.readableBytes());
        return;
      case IKE:
        Consumer<UdpDatagram> ike = natTraversalIke;
        if (ike != null) { // its checksum verified (EspInUdpPort)
          ike.accept(d);
        } else {
          gateway.count(GatewayCounter.NAT_T_IKE_UNHANDLED);
        }
        return;
      default:
        gateway.count(GatewayCounter.NAT_T_RUNT);
        return;
    }
  }

  /** {@code udp}: the datagram of ESP in UDP, null for plain ESP. */
  private void open(
      int destination, int source, UdpDatagram udp, ByteBuf buf, int start, int length) {
    gateway.count(GatewayCounter.ESP_RECEIVED);
    if (length < 8) {
      gateway.refuse(EspException.Reason.TRUNCATED);
      return;
    }
    // The wildcard SA matches whatever the outer source is (c7).
    EspSecurityAssociation sa = sad.lookup(buf.getInt(start), destination, source);
    GatewayEntry e = sa == null ? null : gateway.entry(sa);
    if (e == null) {
      if (EspInUdpPort.corrupted(outside, udp)) {
        return; // a bit error in the SPI, not a node probing SPIs
      }
      gateway.count(GatewayCounter.UNKNOWN_SPI);
      unknownSpis.report(buf.getInt(start), Ipv4Address.of(source));
      events.unknownSpi(buf.getInt(start), Ipv4Address.of(source));
      return;
    }
    // The port is read now, while the datagram is the VRF's, and only if no bit error made it (the
    // ICV does not cover it); whether it moves the tunnel is decided once the packet is authentic.
    int natPort = udp != null && udp.checksumValid() ? udp.sourcePort() : -1;
    gateway
        .esp()
        .open(
            sa,
            buf,
            start,
            length,
            (in, x, newest) -> opened(sa, source, natPort, in, x, newest, OWNERS_NEWEST));
  }

  /**
   * A packet a TUN reader left unopened for this thread ({@link ReaderEsp}): as if the VRF had
   * delivered it. {@code udp}: its ESP-in-UDP datagram, null for plain ESP.
   */
  void leftToLoop(Ipv4Packet ip, UdpDatagram udp) {
    if (!gateway.running()) { // stopped while the packet was on its way from the reader
      return;
    }
    if (udp != null) {
      fromUdp(udp);
    } else {
      fromRawEsp(ip);
    }
  }

  /** {@code newest} as an SA's owner tells it: the window's top when it is told. */
  private static final long OWNERS_NEWEST = -1;

  /**
   * A packet a TUN reader opened ({@link ReaderEsp}): counted as received, then as any other.
   * {@code newest}: it moved the window's top to {@code number} (low 32 bits) on its reader; it is
   * still the newest only if no reader moved the top since, which is read only when the packet
   * would move a NAT port (the SA's top is written by the readers' cores).
   */
  void openedOnReader(
      EspSecurityAssociation sa,
      int source,
      int natPort,
      ByteBuf inner,
      EspException refused,
      boolean newest,
      int number) {
    if (!gateway.running()) { // stopped while the packet was on its way from the reader
      ReferenceCountUtil.release(inner);
      return;
    }
    gateway.count(GatewayCounter.ESP_RECEIVED);
    opened(sa, source, natPort, inner, refused, newest, number & 0xFFFFFFFFL);
  }

  /** After the SA's owner (or a reader) opened the packet: on the gateway's thread. */
  private void opened(
      EspSecurityAssociation sa,
      int source,
      int natPort,
      ByteBuf inner,
      EspException refused,
      boolean newest,
      long number) {
    if (refused != null) {
      gateway.refuse(refused.reason());
      events.espRefused(source, refused);
      return;
    }
    GatewayEntry e = gateway.entry(sa); // a re-key may have moved the SA to a new entry meanwhile
    if (e == null) { // removed while an owner opened it
      gateway.count(GatewayCounter.UNKNOWN_SPI);
      ReferenceCountUtil.release(inner);
      return;
    }
    gateway.used(sa); // authentic: the window has moved, whatever the packet turns out to be
    if (inner == null) {
      return; // dummy packet (RFC 4303 §2.6)
    }
    // RFC 4301 §5.2: the inner datagram must match the policy of the SA it came through.
    SecurityPolicy policy = null;
    Interface tunnels = gateway.tunnelInterface();
    try {
      policy = spd.match(Ipv4Packet.parse(inner), false);
    } catch (MalformedPacketException x) {
      tunnels.vrf().counters().onMalformed(x.reason());
    }
    if (policy == null || policy.outboundSa() != e.tunnel.outbound()) {
      gateway.count(GatewayCounter.INBOUND_SELECTOR_MISS);
      inner.release();
      return;
    }
    gateway.count(GatewayCounter.ESP_ACCEPTED);
    if (newest && natPortMoved(e.tunnel, source, natPort) && stillNewest(sa, number)) {
      // Only the newest packet moves the port: the UDP header is outside the ICV, so an older
      // one resent from elsewhere must not.
      e.tunnel.outbound().setUdpPorts(e.tunnel.outbound().udpSourcePort(), natPort);
      gateway.count(GatewayCounter.NAT_PORT_MOVED);
      gateway.saved(e.tunnel, e.retiring);
    }
    tunnels.receive(inner);
  }

  /**
   * Whether a reader's newest packet is still the window's top: packets of two readers could
   * otherwise move a NAT port there and back.
   */
  private static boolean stillNewest(EspSecurityAssociation sa, long number) {
    return number == OWNERS_NEWEST || (int) sa.sequence() == (int) number;
  }

  /**
   * The node's NAT gave its mapping another port (it timed out, or the NAT restarted):
   * authenticated and not replayed, its ESP may move ours to that port (RFC 3948 §4, RFC 7296
   * §2.23). A new address is the Mobile IP registration's business (seed 001), not this. Checked
   * against the tunnel as it is when the packet comes back opened: packets that were in flight
   * together move it once, and not back from where an update re-pointed it meanwhile.
   */
  private static boolean natPortMoved(MobileTunnel tunnel, int source, int port) {
    EspSecurityAssociation out = tunnel.outbound();
    return port > 0
        && tunnel.udpEncapsulated()
        && out.tunnelDestination().toInt() == source
        && out.udpDestinationPort() != port;
  }
}
