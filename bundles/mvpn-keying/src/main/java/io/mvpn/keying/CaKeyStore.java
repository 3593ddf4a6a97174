package io.mvpn.keying;

import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The appliance CA's {@link CertificateStore} on disk, so the root, and every client credential
 * exported from it, outlives a restart: one PKCS#12 key store ({@code ca.p12}: the root's key and
 * certificate under {@code authority}, each issued certificate under {@code issued-SERIAL}, with
 * its key when the CA generated it) and the revocations beside it ({@code ca-revoked.properties},
 * serial = instant). Both files are 0600 and replaced whole on each change (written aside, then
 * moved over), so a crash leaves the old or the new state, never half of one. Serials continue
 * after the highest one in the store. Not thread-safe (the CA serializes its calls).
 */
final class CaKeyStore implements CertificateStore {

  static final String AUTHORITY = "authority";
  private static final String ISSUED = "issued-";

  private final Path file;
  private final Path revokedFile;
  private final char[] password;
  private Credential authority;
  private final Map<BigInteger, Issued> issued = new TreeMap<>();
  private final Map<BigInteger, Instant> revoked = new LinkedHashMap<>();

  /** The store at {@code file}, loaded if it exists (created on the first change otherwise). */
  static CaKeyStore open(Path file, char[] password) {
    CaKeyStore store = new CaKeyStore(file, password);
    try {
      if (Files.exists(file)) {
        store.load();
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the CA store " + file + ": " + e, e);
    }
    return store;
  }

  private CaKeyStore(Path file, char[] password) {
    this.file = file;
    this.revokedFile = file.resolveSibling("ca-revoked.properties");
    this.password = password.clone();
  }

  private void load() throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    for (String alias : Collections.list(ks.aliases())) {
      X509Certificate certificate = (X509Certificate) ks.getCertificate(alias);
      Key key = ks.isKeyEntry(alias) ? ks.getKey(alias, password) : null;
      if (alias.equals(AUTHORITY)) {
        authority = Credential.of((PrivateKey) key, certificate);
      } else if (alias.startsWith(ISSUED)) {
        issued.put(certificate.getSerialNumber(), new Issued(certificate, (PrivateKey) key));
      }
    }
    if (Files.exists(revokedFile)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(revokedFile)) {
        p.load(in);
      }
      List<Map.Entry<BigInteger, Instant>> entries = new ArrayList<>();
      p.forEach(
          (k, v) -> entries.add(Map.entry(new BigInteger((String) k), Instant.parse((String) v))));
      entries.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
      entries.forEach(e -> revoked.put(e.getKey(), e.getValue()));
    }
  }

  @Override
  public Optional<Credential> authority() {
    return Optional.ofNullable(authority);
  }

  @Override
  public void authority(Credential credential) {
    authority = credential;
    save();
  }

  @Override
  public BigInteger nextSerial() {
    BigInteger highest =
        authority == null ? BigInteger.ZERO : authority.certificate().getSerialNumber();
    for (BigInteger serial : issued.keySet()) {
      highest = highest.max(serial);
    }
    return highest.add(BigInteger.ONE);
  }

  @Override
  public void add(Issued certificate) {
    issued.put(certificate.serial(), certificate);
    save();
  }

  @Override
  public List<Issued> issued() {
    return List.copyOf(issued.values());
  }

  @Override
  public void revoke(BigInteger serial, Instant at) {
    if (revoked.putIfAbsent(serial, at) == null) {
      saveRevoked();
    }
  }

  @Override
  public Map<BigInteger, Instant> revoked() {
    return new LinkedHashMap<>(revoked);
  }

  private void save() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      if (authority != null) {
        ks.setKeyEntry(
            AUTHORITY,
            authority.privateKey(),
            password,
            new Certificate[] {authority.certificate()});
      }
      for (Issued i : issued.values()) {
        String alias = ISSUED + i.serial();
        if (i.privateKey() == null) {
          ks.setCertificateEntry(alias, i.certificate());
        } else {
          Certificate[] chain = {i.certificate(), authority.certificate()};
          ks.setKeyEntry(alias, i.privateKey(), password, chain);
        }
      }
      replace(file, out -> ks.store(out, password));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the CA store " + file + ": " + e, e);
    }
  }

  private void saveRevoked() {
    Properties p = new Properties();
    revoked.forEach((serial, at) -> p.setProperty(serial.toString(), at.toString()));
    try {
      replace(revokedFile, out -> p.store(out, "serials the appliance CA revoked, and when"));
    } catch (IOException | GeneralSecurityException e) {
      throw new UncheckedIOException(new IOException("cannot write " + revokedFile, e));
    }
  }

  private interface Writer {
    void write(OutputStream out) throws IOException, GeneralSecurityException;
  }

  /** Writes a 0600 file beside {@code target}, then moves it over. */
  private static void replace(Path target, Writer writer)
      throws IOException, GeneralSecurityException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir,
            target.getFileName().toString(),
            ".new",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(temp)) {
      writer.write(out);
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
