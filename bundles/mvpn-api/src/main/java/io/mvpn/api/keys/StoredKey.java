package io.mvpn.api.keys;

import java.util.Objects;

/**
 * What may be shown of a stored key: its alias, its algorithm as the keystore records it, and its
 * length. The key itself never leaves the {@link KeyService} this way.
 */
public record StoredKey(String alias, String algorithm, int bits) {

  public StoredKey {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(algorithm, "algorithm");
  }
}
