package io.mvpn.api.keys;

import java.util.List;
import javax.crypto.SecretKey;

/**
 * The appliance's secret keys (MN-HA, FA-HA, SIU, IKE pre-shared keys), each under an alias, kept
 * in one keystore file instead of the configuration files that use them. A configuration names a
 * key as {@code keystore:ALIAS}; the function looks it up when it activates.
 */
public interface KeyService {

  /**
   * The key under this alias.
   *
   * @throws UnknownKeyException when the keystore holds no key under it
   * @throws KeystoreException when the keystore cannot be read (a wrong password, say)
   */
  SecretKey key(String alias);

  /** Every stored key's alias, algorithm and length, by alias; never the key itself. */
  List<StoredKey> list();

  /** Stores these bytes under the alias, replacing any key it held. */
  StoredKey add(String alias, byte[] key);

  /** Stores a fresh random key of this many bits (a multiple of 8) under the alias. */
  StoredKey generate(String alias, int bits);

  /** Forgets the key under the alias; false when there was none. */
  boolean remove(String alias);
}
