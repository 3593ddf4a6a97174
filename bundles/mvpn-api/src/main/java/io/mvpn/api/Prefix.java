package io.mvpn.api;

/**
 * An IPv4 prefix such as {@code 10.1.0.0/16}. Host bits must be zero: {@code 10.1.0.5/16} in a
 * configuration is far more often a typo than an intent, so it is refused rather than masked.
 */
public final class Prefix implements Comparable<Prefix> {

  public static final Prefix DEFAULT_ROUTE = new Prefix(0, 0);

  private final int network;
  private final int length;

  private Prefix(int network, int length) {
    this.network = network;
    this.length = length;
  }

  public static Prefix of(Ipv4Address network, int length) {
    return of(network.toInt(), length);
  }

  public static Prefix of(int network, int length) {
    if (length < 0 || length > 32) {
      throw new AddressFormatException("prefix length must be 0-32, not " + length);
    }
    if ((network & ~mask(length)) != 0) {
      throw new AddressFormatException(
          "host bits set in " + Ipv4Address.toString(network) + "/" + length);
    }
    return new Prefix(network, length);
  }

  /** Parses {@code a.b.c.d/len}; a bare address is a /32. */
  public static Prefix parse(String text) {
    if (text == null) {
      throw new AddressFormatException("empty prefix");
    }
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    if (slash < 0) {
      return of(Ipv4Address.parseToInt(trimmed), 32);
    }
    String len = trimmed.substring(slash + 1);
    if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
      throw new AddressFormatException("not an IPv4 prefix: '" + text + "'");
    }
    return of(Ipv4Address.parseToInt(trimmed.substring(0, slash)), Integer.parseInt(len));
  }

  /** The netmask of a prefix length, as an int: 24 gives 0xFFFFFF00. */
  public static int mask(int length) {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  public Ipv4Address network() {
    return Ipv4Address.of(network);
  }

  public int networkInt() {
    return network;
  }

  public int length() {
    return length;
  }

  public boolean contains(int address) {
    return (address & mask(length)) == network;
  }

  public boolean contains(Ipv4Address address) {
    return contains(address.toInt());
  }

  /** True if some address lies in both prefixes, that is, one contains the other. */
  public boolean overlaps(Prefix other) {
    int shorter = Math.min(length, other.length);
    return (network & mask(shorter)) == (other.network & mask(shorter));
  }

  @Override
  public int compareTo(Prefix other) {
    int c = Integer.compareUnsigned(network, other.network);
    return c != 0 ? c : Integer.compare(length, other.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prefix other && other.network == network && other.length == length;
  }

  @Override
  public int hashCode() {
    return 31 * network + length;
  }

  @Override
  public String toString() {
    return Ipv4Address.toString(network) + "/" + length;
  }
}
