package io.mvpn.packet.icmp;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/** Builds complete IPv4/ICMP datagrams with both checksums filled in. */
public final class IcmpBuilder {

  /** TTL of the errors and replies this host originates (RFC 1122 default). */
  public static final int DEFAULT_TTL = 64;

  /** Bytes of the offending datagram's payload quoted in an error (RFC 792). */
  public static final int QUOTED_PAYLOAD = 8;

  private IcmpBuilder() {}

  public static ByteBuf echoRequest(
      ByteBufAllocator alloc,
      int source,
      int destination,
      int identifier,
      int sequence,
      ByteBuf payload,
      int ttl) {
    return message(
        alloc,
        Ipv4Builder.create().ttl(ttl),
        source,
        destination,
        IcmpType.ECHO_REQUEST,
        0,
        ((identifier & 0xFFFF) << 16) | (sequence & 0xFFFF),
        payload,
        payload.readerIndex(),
        payload.readableBytes());
  }

  /** The reply to an echo request: same identifier, sequence and data, from {@code source}. */
  public static ByteBuf echoReply(ByteBufAllocator alloc, IcmpMessage request, int source) {
    ByteBuf data = request.body();
    return message(
        alloc,
        Ipv4Builder.create().ttl(DEFAULT_TTL),
        source,
        request.ip().source(),
        IcmpType.ECHO_REPLY,
        0,
        request.restOfHeader(),
        data,
        data.readerIndex(),
        data.readableBytes());
  }

  /**
   * Destination unreachable, quoting the offending datagram's header and first 8 payload bytes,
   * sent back to its source. {@code nextHopMtu} is used with code 4 (RFC 1191), else 0.
   */
  public static ByteBuf destinationUnreachable(
      ByteBufAllocator alloc, int source, int code, Ipv4Packet offending, int nextHopMtu) {
    int rest = code == IcmpType.UNREACHABLE_FRAGMENTATION_NEEDED ? nextHopMtu & 0xFFFF : 0;
    return error(alloc, source, IcmpType.DESTINATION_UNREACHABLE, code, rest, offending);
  }

  public static ByteBuf timeExceeded(
      ByteBufAllocator alloc, int source, int code, Ipv4Packet offending) {
    return error(alloc, source, IcmpType.TIME_EXCEEDED, code, 0, offending);
  }

  private static ByteBuf error(
      ByteBufAllocator alloc, int source, int type, int code, int rest, Ipv4Packet offending) {
    int quoted = offending.headerLength() + Math.min(QUOTED_PAYLOAD, offending.payloadLength());
    return message(
        alloc,
        Ipv4Builder.create().ttl(DEFAULT_TTL),
        source,
        offending.source(),
        type,
        code,
        rest,
        offending.buffer(),
        offending.offset(),
        quoted);
  }

  /** A router (agent) advertisement; {@code extensions} follow the address entries verbatim. */
  public static ByteBuf routerAdvertisement(
      ByteBufAllocator alloc,
      int source,
      int destination,
      int lifetimeSeconds,
      List<RouterAdvertisement.Entry> entries,
      ByteBuf extensions,
      int ttl) {
    int extensionLength = extensions == null ? 0 : extensions.readableBytes();
    ByteBuf body = alloc.buffer(entries.size() * 8 + extensionLength);
    try {
      for (RouterAdvertisement.Entry e : entries) {
        body.writeInt(e.address().toInt());
        body.writeInt(e.preference());
      }
      if (extensions != null) {
        body.writeBytes(extensions, extensions.readerIndex(), extensionLength);
      }
      int rest = (entries.size() << 24) | (2 << 16) | (lifetimeSeconds & 0xFFFF);
      return message(
          alloc,
          Ipv4Builder.create().ttl(ttl),
          source,
          destination,
          IcmpType.ROUTER_ADVERTISEMENT,
          0,
          rest,
          body,
          0,
          body.readableBytes());
    } finally {
      body.release();
    }
  }

  public static ByteBuf routerSolicitation(
      ByteBufAllocator alloc, int source, int destination, int ttl) {
    return message(
        alloc,
        Ipv4Builder.create().ttl(ttl),
        source,
        destination,
        IcmpType.ROUTER_SOLICITATION,
        0,
        0,
        null,
        0,
        0);
  }

  /**
   * Whether a datagram may be answered with an ICMP error (RFC 1122 §3.2.2, RFC 1812 §4.3.2.7): not
   * an ICMP error itself, not a non-first fragment, not to a broadcast or multicast destination,
   * not from an address that names no single host.
   */
  public static boolean mayTriggerError(Ipv4Packet ip) {
    if (ip.fragmentOffset() != 0) {
      return false;
    }
    int destination = ip.destination();
    int source = ip.source();
    if (destination == -1 || isMulticast(destination)) {
      return false;
    }
    if (source == 0 || source == -1 || isMulticast(source) || (source >>> 24) == 127) {
      return false;
    }
    if (ip.protocol() == IpProtocol.ICMP && ip.payloadLength() >= 1) {
      int type = ip.buffer().getUnsignedByte(ip.payloadOffset());
      return !IcmpType.isError(type);
    }
    return true;
  }

  private static boolean isMulticast(int address) {
    return (address & 0xF0000000) == 0xE0000000;
  }

  private static ByteBuf message(
      ByteBufAllocator alloc,
      Ipv4Builder ip,
      int source,
      int destination,
      int type,
      int code,
      int rest,
      ByteBuf data,
      int dataOffset,
      int dataLength) {
    int length = IcmpMessage.HEADER_LENGTH + dataLength;
    ip.source(source).destination(destination).protocol(IpProtocol.ICMP);
    ByteBuf out = alloc.buffer(ip.headerLength() + length);
    ip.writeHeader(out, length);
    int start = out.writerIndex();
    out.writeByte(type);
    out.writeByte(code);
    out.writeShort(0);
    out.writeInt(rest);
    if (dataLength > 0) {
      out.writeBytes(data, dataOffset, dataLength);
    }
    out.setShort(start + 2, InternetChecksum.compute(out, start, length));
    return out;
  }
}
