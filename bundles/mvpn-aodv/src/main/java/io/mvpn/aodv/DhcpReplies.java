package io.mvpn.aodv;

import io.mvpn.aodv.dhcp.DhcpMessage;
import io.mvpn.aodv.dhcp.DhcpOption;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.Interface;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The sink's DHCP answers (RFC 2131 §4.3, Table 3) and where they go (§4.1): OFFER and ACK name the
 * sink as server and router, with the node's own address, the subnet mask, the lease and its T1 and
 * T2; a NAK says only no. Replies go to a client that has an address (ciaddr) as unicast, to one
 * that asked for broadcast (or any NAK) as link broadcast, otherwise to its station, which is how a
 * server reaches a client without an address: by its hardware address.
 */
final class DhcpReplies {

  private static final int TTL = 64;
  private static final int LIMITED_BROADCAST = 0xFFFFFFFF;

  private final RouterContext ctx;
  private final DhcpAccess access;

  DhcpReplies(RouterContext ctx, DhcpAccess access) {
    this.ctx = ctx;
    this.access = access;
  }

  /** DHCPOFFER (to a DISCOVER) or DHCPACK (to a REQUEST) of {@code address}. */
  void grant(DhcpMessage request, int type, Ipv4Address address, Interface via, int station) {
    long lease = access.leaseSeconds();
    DhcpMessage.Builder b =
        answer(request, type, via)
            .yiaddr(address)
            .ciaddr(type == DhcpOption.ACK ? request.ciaddr() : Ipv4Address.ANY)
            .seconds(DhcpOption.LEASE_TIME, lease)
            .seconds(DhcpOption.RENEWAL_TIME, lease / 2)
            .seconds(DhcpOption.REBINDING_TIME, lease * 7 / 8)
            .address(DhcpOption.SUBNET_MASK, Ipv4Address.of(Prefix.mask(access.prefixLength())))
            .address(DhcpOption.ROUTER, via.address());
    if (!access.dnsServers().isEmpty()) {
      byte[] dns = new byte[4 * access.dnsServers().size()];
      for (int i = 0; i < access.dnsServers().size(); i++) {
        System.arraycopy(access.dnsServers().get(i).toBytes(), 0, dns, 4 * i, 4);
      }
      b.option(DhcpOption.DNS_SERVERS, dns);
    }
    send(b.build(), request, via, station, false);
  }

  /** DHCPNAK: the hello was refused; the client starts over (RFC 2131 §3.1 step 4). */
  void refuse(DhcpMessage request, Interface via, String why) {
    DhcpMessage nak =
        answer(request, DhcpOption.NAK, via)
            .option(DhcpOption.MESSAGE, why.getBytes(StandardCharsets.US_ASCII))
            .build();
    send(nak, request, via, Interface.NO_STATION, true);
  }

  private static DhcpMessage.Builder answer(DhcpMessage request, int type, Interface via) {
    return new DhcpMessage.Builder(DhcpMessage.BOOTREPLY)
        .xid(request.xid())
        .flags(request.flags())
        .giaddr(request.giaddr())
        .chaddr(request.htype(), request.chaddr())
        .messageType(type)
        .address(DhcpOption.SERVER_IDENTIFIER, via.address());
  }

  private void send(
      DhcpMessage reply, DhcpMessage request, Interface via, int station, boolean nak) {
    int ciaddr = request.ciaddr().toInt();
    boolean toClient = !nak && ciaddr != 0;
    boolean toStation = !nak && !toClient && !request.broadcast() && station >= 0;
    int destination = toClient ? ciaddr : toStation ? reply.yiaddr().toInt() : LIMITED_BROADCAST;
    ByteBuf payload = reply.encode(ctx.vrf.alloc());
    ByteBuf datagram;
    try {
      datagram =
          UdpDatagram.build(
              ctx.vrf.alloc(),
              via.address().toInt(),
              destination,
              DhcpMessage.SERVER_PORT,
              DhcpMessage.CLIENT_PORT,
              payload,
              TTL);
    } finally {
      payload.release();
    }
    if (toStation) {
      via.transmitToStation(datagram, station);
    } else {
      ctx.vrf.send(datagram, via, destination);
    }
  }
}
