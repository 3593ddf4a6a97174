package io.mvpn.dns;

import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * How the workgroup zone presents itself.
 *
 * @param origin the zone's apex, absolute; member FQDNs below it are served
 * @param ttl TTL of A records and of the SOA, in seconds
 * @param negativeTtl SOA minimum: how long resolvers cache NXDOMAIN and NODATA (RFC 2308)
 * @param udpPayloadSize the EDNS0 UDP payload size this server advertises and accepts (RFC 6891)
 * @param primary the SOA MNAME
 * @param mailbox the SOA RNAME
 * @param serial the SOA serial
 */
public record ZoneSettings(
    Name origin,
    long ttl,
    long negativeTtl,
    int udpPayloadSize,
    Name primary,
    Name mailbox,
    long serial) {

  /** The zone of the workgroup system unless configured otherwise. */
  public static final String DEFAULT_ORIGIN = "wg.mvpn.example.";

  /** The DNS Flag Day 2020 recommendation: fits any path MTU of 1280 and more. */
  public static final int DEFAULT_UDP_PAYLOAD_SIZE = 1232;

  public ZoneSettings {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(mailbox, "mailbox");
    if (!origin.isAbsolute() || !primary.isAbsolute() || !mailbox.isAbsolute()) {
      throw new IllegalArgumentException("zone names must be absolute");
    }
    if (ttl < 0 || ttl > 0x7FFFFFFFL || negativeTtl < 0 || negativeTtl > 0x7FFFFFFFL) {
      throw new IllegalArgumentException("TTLs are 0 to 2^31-1 seconds");
    }
    if (udpPayloadSize < 512 || udpPayloadSize > 65535) {
      throw new IllegalArgumentException("UDP payload size is 512 to 65535, not " + udpPayloadSize);
    }
    if (serial < 0 || serial > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("serial is 32 bits");
    }
  }

  /** The defaults for {@code origin}: TTL 60 s, negative TTL 60 s, payload 1232, serial 1. */
  public static ZoneSettings of(String origin) {
    Name o = absolute(origin);
    try {
      return new ZoneSettings(
          o,
          60,
          60,
          DEFAULT_UDP_PAYLOAD_SIZE,
          o,
          Name.concatenate(Name.fromConstantString("hostmaster"), o),
          1);
    } catch (org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("zone name too long: " + origin, e);
    }
  }

  public static ZoneSettings defaults() {
    return of(DEFAULT_ORIGIN);
  }

  public ZoneSettings withTtl(long ttl, long negativeTtl) {
    return new ZoneSettings(origin, ttl, negativeTtl, udpPayloadSize, primary, mailbox, serial);
  }

  public ZoneSettings withUdpPayloadSize(int size) {
    return new ZoneSettings(origin, ttl, negativeTtl, size, primary, mailbox, serial);
  }

  static Name absolute(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad domain name '" + name + "'", e);
    }
  }
}
