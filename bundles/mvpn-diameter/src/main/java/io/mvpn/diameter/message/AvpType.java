package io.mvpn.diameter.message;

/**
 * Data formats of AVPs (RFC 6733 §4.2, §4.3), each with the payload length it allows: a wrong
 * length is 5014 INVALID_AVP_LENGTH (§7.1.5).
 */
public enum AvpType {
  OCTET_STRING(0, Integer.MAX_VALUE),
  INTEGER32(4, 4),
  INTEGER64(8, 8),
  UNSIGNED32(4, 4),
  UNSIGNED64(8, 8),
  /** Derived from Integer32 (§4.3.1). */
  ENUMERATED(4, 4),
  /** NTP seconds, four octets (§4.3.1). */
  TIME(4, 4),
  UTF8_STRING(0, Integer.MAX_VALUE),
  /** An FQDN, at least one octet. */
  DIAMETER_IDENTITY(1, Integer.MAX_VALUE),
  /** Address family (2 octets) and address: 6 octets for IPv4, 18 for IPv6. */
  ADDRESS(6, 18),
  /** An IPFilterRule (§4.3.1), as UTF-8 text. */
  IP_FILTER_RULE(1, Integer.MAX_VALUE),
  GROUPED(0, Integer.MAX_VALUE);

  private final int minLength;
  private final int maxLength;

  AvpType(int minLength, int maxLength) {
    this.minLength = minLength;
    this.maxLength = maxLength;
  }

  /** Whether a payload of {@code length} octets fits this type. */
  public boolean allowsLength(int length) {
    if (this == ADDRESS) {
      return length == 6 || length == 18;
    }
    return length >= minLength && length <= maxLength;
  }
}
