package io.mvpn.api.testing;

import io.mvpn.api.keys.KeyService;
import io.mvpn.api.keys.StoredKey;
import io.mvpn.api.keys.UnknownKeyException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** A key service over a map, for tests of the functions that look their keys up in one. */
public class MapKeyService implements KeyService {

  private final Map<String, byte[]> keys = new TreeMap<>();

  @Override
  public SecretKey key(String alias) {
    byte[] key = keys.get(alias);
    if (key == null) {
      throw new UnknownKeyException(alias);
    }
    return new SecretKeySpec(key, "HmacSHA256");
  }

  @Override
  public List<StoredKey> list() {
    return keys.entrySet().stream()
        .map(e -> new StoredKey(e.getKey(), "HmacSHA256", e.getValue().length * 8))
        .toList();
  }

  @Override
  public StoredKey add(String alias, byte[] key) {
    keys.put(alias, key.clone());
    return new StoredKey(alias, "HmacSHA256", key.length * 8);
  }

  @Override
  public StoredKey generate(String alias, int bits) {
    byte[] key = new byte[bits / 8];
    new SecureRandom().nextBytes(key);
    return add(alias, key);
  }

  @Override
  public boolean remove(String alias) {
    return keys.remove(alias) != null;
  }
}
