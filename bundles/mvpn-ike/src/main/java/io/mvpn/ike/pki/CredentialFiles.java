package io.mvpn.ike.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Writes the appliance CA's certificate and issued credentials in the forms outside IPsec clients
 * load: PEM (RFC 7468; the key as unencrypted PKCS#8, "PRIVATE KEY") and PKCS#12 (RFC 7292) whose
 * key and certificates are protected with PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC, with an
 * HMAC-SHA256 MAC: what OpenSSL 3 and strongSwan read without the legacy provider. Every file is
 * created readable by its owner only (0600), before anything secret is written into it.
 */
public final class CredentialFiles {

  /** PBKDF2 iterations for the PKCS#12 key bag (OpenSSL 3's default is 2048; more is fine). */
  static final int PKCS12_ITERATIONS = 10_000;

  private static final String PKCS12_KEY_PROTECTION = "PBEWithHmacSHA256AndAES_256";

  private CredentialFiles() {}

  /** One certificate as a PEM block. */
  public static String pem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** A private key as an unencrypted PKCS#8 PEM block. */
  public static String pemPrivateKey(Credential credential) {
    if (!"PKCS#8".equals(credential.privateKey().getFormat())) {
      throw new IllegalStateException("key is " + credential.privateKey().getFormat());
    }
    return pem("PRIVATE KEY", credential.privateKey().getEncoded());
  }

  static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** The files {@link #writePem} writes. */
  public record PemFiles(Path certificate, Path privateKey, Path ca) {}

  /**
   * Writes {@code NAME.crt} (the end-entity certificate), {@code NAME.key} (its PKCS#8 key) and
   * {@code ca.crt} (the CA) into {@code dir}, creating it; an existing file is replaced.
   */
  public static PemFiles writePem(Path dir, String name, Credential credential, X509Certificate ca)
      throws IOException {
    Files.createDirectories(dir);
    PemFiles files =
        new PemFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"), dir.resolve("ca.crt"));
    writePrivate(
        files.certificate(), pem(credential.certificate()).getBytes(StandardCharsets.US_ASCII));
    writePrivate(files.privateKey(), pemPrivateKey(credential).getBytes(StandardCharsets.US_ASCII));
    writePrivate(files.ca(), pem(ca).getBytes(StandardCharsets.US_ASCII));
    return files;
  }

  /**
   * Writes a PKCS#12 file with one key entry named {@code name}: the key with its certificate and
   * the CA after it.
   */
  public static void writePkcs12(
      Path file, String name, Credential credential, X509Certificate ca, char[] password)
      throws IOException {
    if (password.length == 0) {
      throw new IllegalArgumentException("a PKCS#12 file needs a password");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      List<Certificate> chain = new ArrayList<>(credential.chain());
      if (!chain.contains(ca)) {
        chain.add(ca);
      }
      byte[] salt = new byte[16];
      new SecureRandom().nextBytes(salt);
      store.setEntry(
          name,
          new KeyStore.PrivateKeyEntry(credential.privateKey(), chain.toArray(new Certificate[0])),
          new KeyStore.PasswordProtection(
              password, PKCS12_KEY_PROTECTION, new PBEParameterSpec(salt, PKCS12_ITERATIONS)));
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      createPrivate(file);
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
        store.store(out, password);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write PKCS#12 " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code content} to a file that is 0600 before the first byte goes in. */
  public static void writePrivate(Path file, byte[] content) throws IOException {
    createPrivate(file);
    Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void createPrivate(Path file) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: the platform's own defaults
    }
  }
}
