package io.mvpn.ike.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One Traffic Selector of a TS payload (RFC 7296 §3.13.1):
 *
 * <pre>
 * 0 TS Type | 1 IP Protocol ID (0 any) | 2 Selector Length (2)
 * 4 Start Port (2) | 6 End Port (2) | 8 Starting Address | Ending Address
 * </pre>
 *
 * Type 7 (IPv4 range) is 16 bytes, type 8 (IPv6 range) 40 bytes. Any port is 0-65535; OPAQUE is
 * 65535-0; for ICMP the ports carry type and code. A selector of another type (TS_FC_ADDR_RANGE,
 * TS_SECLABEL) is kept as it came: byte 1 in {@code ipProtocol}, the bytes after the Selector
 * Length in {@code startAddress}, ports 0 and an empty {@code endAddress}.
 *
 * @param type {@link #TS_IPV4_ADDR_RANGE}, {@link #TS_IPV6_ADDR_RANGE} or another
 * @param ipProtocol the IP protocol number, 0 for any
 * @param startPort 0 to 65535
 * @param endPort 0 to 65535
 * @param startAddress 4 or 16 bytes for the range types
 * @param endAddress 4 or 16 bytes for the range types
 */
public record TrafficSelector(
    int type, int ipProtocol, int startPort, int endPort, Octets startAddress, Octets endAddress) {

  public static final int TS_IPV4_ADDR_RANGE = 7;
  public static final int TS_IPV6_ADDR_RANGE = 8;

  public static final int IPV4_LENGTH = 16;
  public static final int IPV6_LENGTH = 40;

  /** Type, protocol and Selector Length. */
  public static final int HEADER_LENGTH = 4;

  public static final int ANY_PROTOCOL = 0;

  public TrafficSelector {
    IkeHeader.checkByte("TS type", type);
    IkeHeader.checkByte("IP protocol", ipProtocol);
    IkeHeader.checkShort("start port", startPort);
    IkeHeader.checkShort("end port", endPort);
    Objects.requireNonNull(startAddress, "startAddress");
    Objects.requireNonNull(endAddress, "endAddress");
    int size = addressSize(type);
    if (size != 0
        ? startAddress.length() != size || endAddress.length() != size
        : startPort != 0 || endPort != 0 || !endAddress.isEmpty()) {
      throw new IllegalArgumentException(
          "TS type " + type + " with addresses " + startAddress + "-" + endAddress);
    }
    IkeHeader.checkShort("selector length", HEADER_LENGTH + startAddress.length());
  }

  /** An IPv4 range: protocol (0 any), ports and addresses. */
  public static TrafficSelector ipv4(
      int ipProtocol, int startPort, int endPort, Ipv4Address start, Ipv4Address end) {
    return new TrafficSelector(
        TS_IPV4_ADDR_RANGE,
        ipProtocol,
        startPort,
        endPort,
        Octets.wrap(start.toBytes()),
        Octets.wrap(end.toBytes()));
  }

  /** An IPv4 range over all protocols and ports. */
  public static TrafficSelector ipv4(Ipv4Address start, Ipv4Address end) {
    return ipv4(ANY_PROTOCOL, 0, 0xFFFF, start, end);
  }

  /** The addresses of a prefix, over all protocols and ports. */
  public static TrafficSelector ipv4(io.mvpn.api.Prefix prefix) {
    int start = prefix.networkInt();
    return ipv4(
        Ipv4Address.of(start), Ipv4Address.of(start | ~io.mvpn.api.Prefix.mask(prefix.length())));
  }

  public boolean isIpv4() {
    return type == TS_IPV4_ADDR_RANGE;
  }

  /** The starting address of an IPv4 range. */
  public Ipv4Address startIpv4() {
    return Ipv4Address.of(ipv4Bytes(startAddress));
  }

  /** The ending address of an IPv4 range. */
  public Ipv4Address endIpv4() {
    return Ipv4Address.of(ipv4Bytes(endAddress));
  }

  private byte[] ipv4Bytes(Octets address) {
    if (!isIpv4()) {
      throw new IllegalStateException("TS type " + type + " is not an IPv4 range");
    }
    return address.toByteArray();
  }

  public int encodedLength() {
    int size = addressSize(type);
    return size == 0 ? HEADER_LENGTH + startAddress.length() : HEADER_LENGTH + 4 + 2 * size;
  }

  /** 4, 16, or 0 for a type without a known layout. */
  private static int addressSize(int type) {
    switch (type) {
      case TS_IPV4_ADDR_RANGE:
        return 4;
      case TS_IPV6_ADDR_RANGE:
        return 16;
      default:
        return 0;
    }
  }

  /** The selector at {@code at}, which must fit before {@code end}. */
  static TrafficSelector parse(ByteBuf buf, int at, int end) throws IkeFormatException {
    if (end - at < HEADER_LENGTH) {
      throw IkeFormatException.syntax("traffic selector cut after " + (end - at) + " bytes");
    }
    int type = buf.getUnsignedByte(at);
    int protocol = buf.getUnsignedByte(at + 1);
    int len = buf.getUnsignedShort(at + 2);
    if (len < HEADER_LENGTH || len > end - at) {
      throw IkeFormatException.syntax(
          "traffic selector length " + len + ", " + (end - at) + " left");
    }
    int size = addressSize(type);
    if (size == 0) {
      return new TrafficSelector(
          type,
          protocol,
          0,
          0,
          Octets.copyOf(buf, at + HEADER_LENGTH, len - HEADER_LENGTH),
          Octets.EMPTY);
    }
    if (len != HEADER_LENGTH + 4 + 2 * size) {
      throw IkeFormatException.syntax("TS type " + type + " of " + len + " bytes");
    }
    return new TrafficSelector(
        type,
        protocol,
        buf.getUnsignedShort(at + 4),
        buf.getUnsignedShort(at + 6),
        Octets.copyOf(buf, at + 8, size),
        Octets.copyOf(buf, at + 8 + size, size));
  }

  void writeTo(ByteBuf out) {
    out.writeByte(type);
    out.writeByte(ipProtocol);
    out.writeShort(encodedLength());
    if (addressSize(type) != 0) {
      out.writeShort(startPort);
      out.writeShort(endPort);
    }
    startAddress.writeTo(out);
    endAddress.writeTo(out);
  }

  @Override
  public String toString() {
    String range =
        isIpv4()
            ? startIpv4() + "-" + endIpv4()
            : type == TS_IPV6_ADDR_RANGE ? startAddress + "-" + endAddress : "type " + type;
    return range
        + (ipProtocol == 0 ? "" : " proto " + ipProtocol)
        + (startPort == 0 && endPort == 0xFFFF ? "" : " ports " + startPort + "-" + endPort);
  }
}
