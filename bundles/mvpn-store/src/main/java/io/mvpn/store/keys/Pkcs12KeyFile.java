package io.mvpn.store.keys;

import io.mvpn.api.keys.KeystoreException;
import io.mvpn.api.keys.StoredKey;
import io.mvpn.api.keys.UnknownKeyException;
import io.mvpn.api.keys.WrongKeystorePasswordException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The appliance's secret keys in one PKCS#12 file (the JDK's "PKCS12" keystore, one SecretKeyEntry
 * per alias, every entry under the file's password), created 0600 on first use. Each change is
 * written to a temporary file beside it and moved into place, so a crash leaves either the old file
 * or the new one. A plain class: {@link KeyManager} offers it as the service.
 */
public final class Pkcs12KeyFile {

  /** The algorithm recorded with every key: the JDK's PKCS#12 protects secret keys of it. */
  static final String ALGORITHM = "HmacSHA256";

  /** Aliases as a cfg file can write them after {@code keystore:}: no spaces, commas or '='. */
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

  private final Path file;
  private final char[] password;
  private final KeyStore store;
  private final SecureRandom random = new SecureRandom();

  private Pkcs12KeyFile(Path file, char[] password, KeyStore store) {
    this.file = file;
    this.password = password;
    this.store = store;
  }

  /**
   * Opens the keystore file, or creates it (with these first keys, alias to bytes) when it does not
   * exist yet.
   *
   * @throws WrongKeystorePasswordException when the file does not open with the password
   * @throws KeystoreException when it cannot be read or created at all
   */
  public static Pkcs12KeyFile open(Path file, char[] password, Map<String, byte[]> firstKeys) {
    if (password.length == 0) {
      throw new KeystoreException("no keystore password is configured");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          store.load(in, password);
        } catch (IOException e) {
          if (e.getCause() instanceof UnrecoverableKeyException) {
            throw new WrongKeystorePasswordException(file.toString());
          }
          throw new KeystoreException(
              "the keystore " + file + " cannot be read: " + e.getMessage());
        }
        return new Pkcs12KeyFile(file, password.clone(), store);
      }
      store.load(null, null);
      Pkcs12KeyFile created = new Pkcs12KeyFile(file, password.clone(), store);
      for (Map.Entry<String, byte[]> first : firstKeys.entrySet()) {
        created.put(first.getKey(), first.getValue());
      }
      created.save();
      return created;
    } catch (GeneralSecurityException | IOException e) {
      throw new KeystoreException("the keystore " + file + ": " + e.getMessage());
    }
  }

  public Path file() {
    return file;
  }

  public synchronized SecretKey key(String alias) {
    try {
      Key key = store.isKeyEntry(alias) ? store.getKey(alias, password) : null;
      if (!(key instanceof SecretKey secret)) {
        throw new UnknownKeyException(alias);
      }
      return secret;
    } catch (GeneralSecurityException e) {
      throw new KeystoreException("key '" + alias + "' cannot be read: " + e.getMessage());
    }
  }

  public synchronized List<StoredKey> list() {
    List<StoredKey> keys = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.getKey(alias, password) instanceof SecretKey secret) {
          keys.add(new StoredKey(alias, secret.getAlgorithm(), secret.getEncoded().length * 8));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new KeystoreException("the keystore " + file + ": " + e.getMessage());
    }
    keys.sort((a, b) -> a.alias().compareTo(b.alias()));
    return keys;
  }

  public synchronized StoredKey add(String alias, byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("a key needs at least one byte");
    }
    put(alias, key);
    save();
    return new StoredKey(alias, ALGORITHM, key.length * 8);
  }

  public synchronized StoredKey generate(String alias, int bits) {
    if (bits < 64 || bits > 4096 || bits % 8 != 0) {
      throw new IllegalArgumentException("a random key has 64 to 4096 bits, whole bytes: " + bits);
    }
    byte[] key = new byte[bits / 8];
    random.nextBytes(key);
    return add(alias, key);
  }

  public synchronized boolean remove(String alias) {
    try {
      if (!store.containsAlias(alias)) {
        return false;
      }
      store.deleteEntry(alias);
    } catch (GeneralSecurityException e) {
      throw new KeystoreException("key '" + alias + "' cannot be removed: " + e.getMessage());
    }
    save();
    return true;
  }

  private void put(String alias, byte[] key) {
    if (!ALIAS.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "alias '" + alias + "': letters, digits and . _ @ : - only, at most 128");
    }
    try {
      store.setEntry(
          alias,
          new KeyStore.SecretKeyEntry(new SecretKeySpec(key, ALGORITHM)),
          new KeyStore.PasswordProtection(password));
    } catch (GeneralSecurityException e) {
      throw new KeystoreException("key '" + alias + "' cannot be stored: " + e.getMessage());
    }
  }

  private void save() {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path next = dir.resolve(file.getFileName() + ".new");
      Files.deleteIfExists(next);
      createOwnerOnly(next);
      try (OutputStream out = Files.newOutputStream(next)) {
        store.store(out, password);
      }
      try {
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new KeystoreException("the keystore " + file + " cannot be written: " + e.getMessage());
    }
  }

  /** Readable by the appliance's user only, from the first byte on. */
  private static void createOwnerOnly(Path path) throws IOException {
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(path); // not a POSIX file system: its own access rules apply
    }
  }
}
