package io.mvpn.ike.pki;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link CertificateAuthority} keeps its own key and certificate, what it issued, which
 * serials it revoked and the next serial number. {@link #inMemory()} serves tests and a first
 * appliance; a persistent store implements the same interface.
 */
public interface CertificateStore {

  /** One certificate the CA issued; the private key if the CA generated it, else null. */
  record Issued(X509Certificate certificate, PrivateKey privateKey) {

    public Issued {
      Objects.requireNonNull(certificate, "certificate");
    }

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  /** The CA's own key and certificate, if it has been created. */
  Optional<Credential> authority();

  void authority(Credential credential);

  /** A serial number never handed out before by this store (RFC 5280 §4.1.2.2: positive). */
  BigInteger nextSerial();

  void add(Issued issued);

  /** What was issued, oldest first. */
  List<Issued> issued();

  /** Records that {@code serial} is revoked from {@code at} on; the first revocation stands. */
  void revoke(BigInteger serial, Instant at);

  /** Revoked serials and when, in the order they were revoked. */
  Map<BigInteger, Instant> revoked();

  /** A store that lives as long as the object does. Not thread-safe. */
  static CertificateStore inMemory() {
    return new CertificateStore() {
      private Credential authority;
      private BigInteger serial = BigInteger.ZERO;
      private final List<Issued> issued = new ArrayList<>();
      private final Map<BigInteger, Instant> revoked = new LinkedHashMap<>();

      @Override
      public Optional<Credential> authority() {
        return Optional.ofNullable(authority);
      }

      @Override
      public void authority(Credential credential) {
        authority = credential;
      }

      @Override
      public BigInteger nextSerial() {
        serial = serial.add(BigInteger.ONE);
        return serial;
      }

      @Override
      public void add(Issued certificate) {
        issued.add(certificate);
      }

      @Override
      public List<Issued> issued() {
        return List.copyOf(issued);
      }

      @Override
      public void revoke(BigInteger serialNumber, Instant at) {
        revoked.putIfAbsent(serialNumber, at);
      }

      @Override
      public Map<BigInteger, Instant> revoked() {
        return new LinkedHashMap<>(revoked);
      }
    };
  }
}
