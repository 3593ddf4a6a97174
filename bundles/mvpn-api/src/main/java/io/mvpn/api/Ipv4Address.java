package io.mvpn.api;

/**
 * An IPv4 address held in one {@code int}, so that the forwarding path never touches {@link
 * java.net.InetAddress} (which may resolve names and allocates on every use).
 */
public final class Ipv4Address implements Comparable<Ipv4Address> {

  public static final Ipv4Address ANY = new Ipv4Address(0);
  public static final Ipv4Address BROADCAST = new Ipv4Address(0xFFFFFFFF);

  private final int value;

  private Ipv4Address(int value) {
    this.value = value;
  }

  /** The address whose 32 bits, most significant first, are {@code value}. */
  public static Ipv4Address of(int value) {
    return new Ipv4Address(value);
  }

  /** The address of four bytes in network order. */
  public static Ipv4Address of(byte[] octets) {
    if (octets == null || octets.length != 4) {
      throw new AddressFormatException("an IPv4 address has 4 octets");
    }
    return new Ipv4Address(
        (octets[0] & 0xFF) << 24
            | (octets[1] & 0xFF) << 16
            | (octets[2] & 0xFF) << 8
            | (octets[3] & 0xFF));
  }

  /**
   * Parses dotted-quad notation strictly: four decimal octets 0-255, no leading zeros (which some
   * parsers read as octal), no host names.
   */
  public static Ipv4Address parse(String text) {
    return new Ipv4Address(parseToInt(text));
  }

  static int parseToInt(String text) {
    if (text == null || text.isEmpty()) {
      throw new AddressFormatException("empty IPv4 address");
    }
    int result = 0;
    int octets = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int start = i;
      int octet = 0;
      while (i < n && text.charAt(i) != '.') {
        char c = text.charAt(i);
        if (c < '0' || c > '9' || i - start >= 3) {
          throw new AddressFormatException("not an IPv4 address: '" + text + "'");
        }
        octet = octet * 10 + (c - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
        throw new AddressFormatException("not an IPv4 address: '" + text + "'");
      }
      result = result << 8 | octet;
      octets++;
      if (i < n) {
        i++; // the dot
        if (i == n) {
          throw new AddressFormatException("not an IPv4 address: '" + text + "'");
        }
      }
    }
    if (octets != 4) {
      throw new AddressFormatException("not an IPv4 address: '" + text + "'");
    }
    return result;
  }

  public int toInt() {
    return value;
  }

  public byte[] toBytes() {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  public boolean isMulticast() {
    return (value >>> 28) == 0xE;
  }

  public boolean isLimitedBroadcast() {
    return value == 0xFFFFFFFF;
  }

  public boolean isLoopback() {
    return (value >>> 24) == 127;
  }

  @Override
  public int compareTo(Ipv4Address other) {
    return Integer.compareUnsigned(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4Address other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(value);
  }

  @Override
  public String toString() {
    return toString(value);
  }

  /** Dotted-quad text of a raw address, for logging without allocating an {@code Ipv4Address}. */
  public static String toString(int value) {
    return (value >>> 24)
        + "."
        + ((value >>> 16) & 0xFF)
        + "."
        + ((value >>> 8) & 0xFF)
        + "."
        + (value & 0xFF);
  }
}
