package io.mvpn.packet.ipip;

import static io.mvpn.packet.MalformedPacketException.Reason.NOT_IPIP;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * IP in IP encapsulation (RFC 2003): an outer IPv4 header, protocol 4, in front of the inner
 * datagram. The outer header copies the inner TOS and Don't Fragment bit (§3.1); its identification
 * is the caller's (the tunnel entry point numbers its own datagrams).
 */
public final class IpInIp {

  private IpInIp() {}

  /**
   * A new buffer: the outer header, then the inner datagram copied once (the inner buffer is
   * neither consumed nor released).
   */
  public static ByteBuf encapsulate(
      ByteBufAllocator alloc,
      int outerSource,
      int outerDestination,
      Ipv4Packet inner,
      int outerTtl,
      int identification) {
    Ipv4Builder outer =
        Ipv4Builder.create()
            .source(outerSource)
            .destination(outerDestination)
            .protocol(IpProtocol.IPIP)
            .ttl(outerTtl)
            .tos(inner.tos())
            .dontFragment(inner.dontFragment())
            .identification(identification);
    ByteBuf out = alloc.buffer(outer.headerLength() + inner.totalLength());
    outer.writeHeader(out, inner.totalLength());
    out.writeBytes(inner.buffer(), inner.offset(), inner.totalLength());
    return out;
  }

  /** The inner datagram, validated, as a view into the outer packet's buffer. */
  public static Ipv4Packet decapsulate(Ipv4Packet outer) throws MalformedPacketException {
    if (outer.protocol() != IpProtocol.IPIP) {
      throw new MalformedPacketException(
          NOT_IPIP, "outer protocol " + outer.protocol() + ", not 4");
    }
    if (outer.isFragment()) {
      throw new IllegalArgumentException("a fragment: reassemble before decapsulating");
    }
    return Ipv4Packet.parse(outer.payload());
  }
}
