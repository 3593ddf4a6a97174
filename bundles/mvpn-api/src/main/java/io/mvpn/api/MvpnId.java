package io.mvpn.api;

import java.util.regex.Pattern;

/**
 * The identifier of one M-VPN (a tenant), such as {@code acme}. It names configuration files
 * ({@code etc/io.mvpn.tenant-acme.cfg}) and appears in shell output, so it is kept to lower-case
 * letters, digits and inner dashes.
 */
public final class MvpnId implements Comparable<MvpnId> {

  private static final Pattern SYNTAX = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?");

  private final String value;

  private MvpnId(String value) {
    this.value = value;
  }

  public static MvpnId of(String value) {
    if (value == null || !SYNTAX.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "an M-VPN id is 1-32 lower-case letters, digits or inner dashes, not '" + value + "'");
    }
    return new MvpnId(value);
  }

  public String value() {
    return value;
  }

  @Override
  public int compareTo(MvpnId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MvpnId other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
