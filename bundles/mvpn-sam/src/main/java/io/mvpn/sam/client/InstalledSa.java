package io.mvpn.sam.client;

import io.mvpn.api.ipsec.EspSaKeys;

/**
 * An SA pair half a node holds with one peer: the SA it sends on and the one it receives on, until
 * {@code expiresAtUnixMillis}.
 */
public record InstalledSa(
    String peer, EspSaKeys outbound, EspSaKeys inbound, long expiresAtUnixMillis) {

  public boolean validAt(long unixMillis) {
    return unixMillis < expiresAtUnixMillis;
  }
}
