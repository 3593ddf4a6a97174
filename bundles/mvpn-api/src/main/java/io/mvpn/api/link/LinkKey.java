package io.mvpn.api.link;

import java.util.Arrays;
import java.util.Objects;

/**
 * A key layer 2 established for a node on an access link: who the node said it was (its network
 * access identifier), which station of the link it spoke from, the key layer 3 may use (never the
 * one that protected the handshake itself) and until when, on the scheduler's clock.
 *
 * @param identity the node's network access identifier, e.g. {@code alice@acme.example}
 * @param station the link-layer station the handshake ran with
 * @param expiresAtNanos scheduler time after which the key must no longer be used
 */
public record LinkKey(String identity, int station, byte[] key, long expiresAtNanos) {

  public LinkKey {
    Objects.requireNonNull(identity, "identity");
    if (key == null || key.length < 16) {
      throw new IllegalArgumentException("a link key has at least 16 bytes");
    }
    key = key.clone();
  }

  /** A copy of the key bytes. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  public boolean validAt(long nanoTime) {
    return nanoTime < expiresAtNanos;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkKey k
        && identity.equals(k.identity)
        && station == k.station
        && expiresAtNanos == k.expiresAtNanos
        && Arrays.equals(key, k.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(identity, station, expiresAtNanos, Arrays.hashCode(key));
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "LinkKey[" + identity + " station " + station + " until " + expiresAtNanos + "]";
  }
}
