package io.mvpn.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/**
 * ICMP through the NAPT (RFC 5508), rewritten in place: an echo's identifier stands for its port
 * (§3.1), and an error about a translated datagram goes back to the node that sent it (§7).
 */
final class IcmpTranslation {

  private IcmpTranslation() {}

  /**
   * An error about a datagram we translated: its quoted header names our public address and a port
   * of ours, so the mapping says whose it was. Returns that mapping, or null if the error is not
   * about a live one. The datagram is rewritten for the node: the private address and port in the
   * quoted header (with its IP checksum, and the quoted UDP checksum when there is one; TCP's lies
   * beyond the eight octets quoted), the node as destination, a new ICMP checksum. An error does
   * not keep a mapping alive.
   */
  static Mapping error(
      Ipv4Packet ip, IcmpMessage icmp, Ipv4Address publicAddress, MappingTable table, long now) {
    ByteBuf buf = ip.buffer();
    int quoted = icmp.bodyOffset();
    int available = icmp.length() - IcmpMessage.HEADER_LENGTH;
    int ihl = available < 1 ? 0 : (buf.getUnsignedByte(quoted) & 0x0F) * 4;
    if (available < 1
        || (buf.getUnsignedByte(quoted) >>> 4) != 4
        || ihl < Ipv4Packet.MIN_HEADER_LENGTH
        || available < ihl + 8
        || buf.getInt(quoted + 12) != publicAddress.toInt()) {
      return null;
    }
    int protocol = buf.getUnsignedByte(quoted + 9);
    if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP) {
      return null;
    }
    int transport = quoted + ihl;
    Mapping m = table.live(protocol, buf.getUnsignedShort(transport), now);
    if (m == null) {
      return null;
    }
    int node = m.inside.address().toInt();
    if (protocol == IpProtocol.UDP && buf.getUnsignedShort(transport + 6) != 0) {
      int checksum = buf.getUnsignedShort(transport + 6);
      checksum = InternetChecksum.adjust32(checksum, publicAddress.toInt(), node);
      checksum =
          InternetChecksum.adjust(checksum, buf.getUnsignedShort(transport), m.inside.port());
      buf.setShort(transport + 6, checksum == 0 ? 0xFFFF : checksum);
    }
    buf.setShort(transport, m.inside.port());
    buf.setInt(quoted + 12, node);
    buf.setShort(quoted + 10, 0);
    buf.setShort(quoted + 10, InternetChecksum.compute(buf, quoted, ihl));
    int icmpStart = ip.offset() + ip.headerLength();
    buf.setShort(icmpStart + 2, 0);
    buf.setShort(icmpStart + 2, InternetChecksum.compute(buf, icmpStart, icmp.length()));
    ip.setDestination(node);
    return m;
  }

  /**
   * An echo request or reply with one address ({@code source} or not) and its identifier replaced,
   * both checksums adjusted (RFC 1624).
   */
  static void echo(Ipv4Packet ip, int address, boolean source, int identifier) {
    ByteBuf buf = ip.buffer();
    int at = ip.offset() + ip.headerLength();
    int old = buf.getUnsignedShort(at + 4);
    buf.setShort(at + 4, identifier);
    buf.setShort(at + 2, InternetChecksum.adjust(buf.getUnsignedShort(at + 2), old, identifier));
    if (source) {
      ip.setSource(address);
    } else {
      ip.setDestination(address);
    }
  }

  /** A UDP datagram's source or destination address and port replaced, its checksum adjusted. */
  static void udp(Ipv4Packet ip, boolean source, int address, int port) {
    ByteBuf buf = ip.buffer();
    int udp = ip.offset() + ip.headerLength();
    int portAt = udp + (source ? 0 : 2);
    int oldAddress = source ? ip.source() : ip.destination();
    int oldPort = buf.getUnsignedShort(portAt);
    if (source) {
      ip.setSource(address);
    } else {
      ip.setDestination(address);
    }
    buf.setShort(portAt, port);
    int checksum = buf.getUnsignedShort(udp + 6);
    if (checksum != 0) {
      // RFC 768: a zero checksum means none was sent; a computed zero is sent as all ones.
      checksum = InternetChecksum.adjust32(checksum, oldAddress, address);
      checksum = InternetChecksum.adjust(checksum, oldPort, port);
      buf.setShort(udp + 6, checksum == 0 ? 0xFFFF : checksum);
    }
  }
}
