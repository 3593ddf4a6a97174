package io.mvpn.packet.icmp;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_ICMP_CHECKSUM;
import static io.mvpn.packet.MalformedPacketException.Reason.TRUNCATED;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/** A validated view of an ICMP message (RFC 792) inside an IPv4 packet; no copies. */
public final class IcmpMessage {

  public static final int HEADER_LENGTH = 8;

  private final Ipv4Packet ip;
  private final ByteBuf buf;
  private final int start;
  private final int length;

  private IcmpMessage(Ipv4Packet ip) {
    this.ip = ip;
    this.buf = ip.buffer();
    this.start = ip.payloadOffset();
    this.length = ip.payloadLength();
  }

  /** Checks the length and the checksum over the whole message. */
  public static IcmpMessage parse(Ipv4Packet ip) throws MalformedPacketException {
    ip.requireWhole(IpProtocol.ICMP, "ICMP");
    if (ip.payloadLength() < HEADER_LENGTH) {
      throw new MalformedPacketException(
          TRUNCATED, "ICMP header needs 8 bytes, got " + ip.payloadLength());
    }
    if (!InternetChecksum.verify(ip.buffer(), ip.payloadOffset(), ip.payloadLength())) {
      throw new MalformedPacketException(
          BAD_ICMP_CHECKSUM,
          String.format(
              "ICMP checksum 0x%04x is wrong",
              ip.buffer().getUnsignedShort(ip.payloadOffset() + 2)));
    }
    return new IcmpMessage(ip);
  }

  public Ipv4Packet ip() {
    return ip;
  }

  public int type() {
    return buf.getUnsignedByte(start);
  }

  public int code() {
    return buf.getUnsignedByte(start + 1);
  }

  public int checksum() {
    return buf.getUnsignedShort(start + 2);
  }

  /** The 4 bytes after the checksum, whose meaning depends on the type. */
  public int restOfHeader() {
    return buf.getInt(start + 4);
  }

  /** Echo request and reply: the identifier. */
  public int identifier() {
    return buf.getUnsignedShort(start + 4);
  }

  /** Echo request and reply: the sequence number. */
  public int sequence() {
    return buf.getUnsignedShort(start + 6);
  }

  /** Destination unreachable, code 4: the next-hop MTU (RFC 1191). */
  public int nextHopMtu() {
    return buf.getUnsignedShort(start + 6);
  }

  public int length() {
    return length;
  }

  /** Everything after the 8-byte header (echo data, or the quoted datagram of an error). */
  public ByteBuf body() {
    return buf.slice(start + HEADER_LENGTH, length - HEADER_LENGTH);
  }

  /** Index of the body's first byte in the IP packet's buffer. */
  public int bodyOffset() {
    return start + HEADER_LENGTH;
  }

  @Override
  public String toString() {
    return "ICMP "
        + ip.sourceAddress()
        + " > "
        + ip.destinationAddress()
        + " type "
        + type()
        + " code "
        + code();
  }
}
