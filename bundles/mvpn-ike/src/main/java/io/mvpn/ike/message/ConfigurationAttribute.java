package io.mvpn.ike.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One Configuration Attribute of a CP payload (RFC 7296 §3.15.1): R bit (reserved) and 15-bit
 * Attribute Type, Length (2), Value. A request carries empty values or hints; types this codec does
 * not interpret are kept.
 *
 * @param type the attribute type
 * @param value the value, empty in a request for a fresh value
 */
public record ConfigurationAttribute(int type, Octets value) {

  public static final int HEADER_LENGTH = 4;

  public static final int INTERNAL_IP4_ADDRESS = 1;
  public static final int INTERNAL_IP4_NETMASK = 2;
  public static final int INTERNAL_IP4_DNS = 3;
  public static final int INTERNAL_IP4_NBNS = 4;
  public static final int INTERNAL_IP4_DHCP = 6;
  public static final int APPLICATION_VERSION = 7;
  public static final int INTERNAL_IP6_ADDRESS = 8;
  public static final int INTERNAL_IP6_DNS = 10;
  public static final int INTERNAL_IP4_SUBNET = 13;
  public static final int SUPPORTED_ATTRIBUTES = 14;
  public static final int INTERNAL_IP6_SUBNET = 15;

  public ConfigurationAttribute {
    if (type < 0 || type > 0x7FFF) {
      throw new IllegalArgumentException("configuration attribute type " + type);
    }
    Objects.requireNonNull(value, "value");
    IkeHeader.checkShort("attribute length", value.length());
  }

  /** An attribute without a value: a request for one. */
  public static ConfigurationAttribute request(int type) {
    return new ConfigurationAttribute(type, Octets.EMPTY);
  }

  /** An attribute whose value is an IPv4 address (ADDRESS, NETMASK, DNS). */
  public static ConfigurationAttribute ipv4(int type, Ipv4Address address) {
    return new ConfigurationAttribute(type, Octets.wrap(address.toBytes()));
  }

  /** The value as an IPv4 address, or null when it is not 4 bytes. */
  public Ipv4Address ipv4Value() {
    return value.length() == 4 ? Ipv4Address.of(value.toByteArray()) : null;
  }

  public int encodedLength() {
    return HEADER_LENGTH + value.length();
  }

  /** The attribute at {@code at}, which must fit before {@code end}. */
  static ConfigurationAttribute parse(ByteBuf buf, int at, int end) throws IkeFormatException {
    if (end - at < HEADER_LENGTH) {
      throw IkeFormatException.syntax("configuration attribute cut after " + (end - at) + " bytes");
    }
    int type = buf.getUnsignedShort(at) & 0x7FFF;
    int length = buf.getUnsignedShort(at + 2);
    if (length > end - at - HEADER_LENGTH) {
      throw IkeFormatException.syntax(
          "configuration attribute " + type + " of " + length + " bytes runs past its payload");
    }
    return new ConfigurationAttribute(type, Octets.copyOf(buf, at + HEADER_LENGTH, length));
  }

  void writeTo(ByteBuf out) {
    out.writeShort(type);
    out.writeShort(value.length());
    value.writeTo(out);
  }

  @Override
  public String toString() {
    Ipv4Address a = type <= INTERNAL_IP4_DNS ? ipv4Value() : null;
    return "attr " + type + (a != null ? " " + a : value.isEmpty() ? "" : " " + value);
  }
}
