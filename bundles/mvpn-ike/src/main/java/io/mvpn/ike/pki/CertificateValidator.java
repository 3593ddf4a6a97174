package io.mvpn.ike.pki;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * PKIX path validation (RFC 5280 §6) of a peer's chain against the CAs we trust, at a given time,
 * with revocation from the CRLs we hold. The JDK's {@link CertPathValidator} does the work (its
 * default providers suffice); the outcome is a {@link Result}, never an exception, so the IKE code
 * maps each failure to AUTHENTICATION_FAILED and can say why.
 *
 * <p>Revocation is checked when CRLs are given: then every certificate in the path must be covered
 * by a current CRL from its issuer, and one that is not gives {@link Status#REVOCATION_UNKNOWN}.
 * Without CRLs nothing is checked for revocation. CRLs are never fetched from the network.
 *
 * <p>Outside CAs ({@link #alsoTrusting}) are anchors of their own, tried when no CA of ours issued
 * the chain, and without revocation checking: we hold no CRL of theirs.
 */
public final class CertificateValidator {

  /** Why a chain was refused, or {@link #OK}. */
  public enum Status {
    OK,
    /** No trusted CA issued the chain. */
    UNKNOWN_CA,
    /** A certificate's notAfter is before the validation time. */
    EXPIRED,
    /** A certificate's notBefore is after the validation time. */
    NOT_YET_VALID,
    /** A certificate's serial is on its issuer's CRL. */
    REVOKED,
    /** A certificate's signature does not verify with its issuer's key. */
    BAD_SIGNATURE,
    /** CRLs are in use but none covers a certificate of the chain. */
    REVOCATION_UNKNOWN,
    /** Anything else PKIX refuses: key usage, basic constraints, names, an empty chain. */
    INVALID
  }

  /** The outcome; {@code detail} says what failed, for logs. */
  public record Result(Status status, String detail) {

    public Result {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(detail, "detail");
    }

    public boolean ok() {
      return status == Status.OK;
    }

    static Result of(Status status, String detail) {
      return new Result(status, detail == null ? status.name() : detail);
    }
  }

  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> trusted;
  private final List<X509CRL> crls;
  private final CertificateValidator outside; // null: no outside CAs

  /**
   * @param trusted the CA certificates we accept as trust anchors
   * @param crls their CRLs; empty to check no revocation
   */
  public CertificateValidator(List<X509Certificate> trusted, List<X509CRL> crls) {
    this(trusted, crls, null);
  }

  private CertificateValidator(
      List<X509Certificate> trusted, List<X509CRL> crls, CertificateValidator outside) {
    this.trusted = List.copyOf(trusted);
    this.crls = List.copyOf(crls);
    this.outside = outside;
    if (this.trusted.isEmpty()) {
      throw new IllegalArgumentException("no trusted CA");
    }
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate ca : this.trusted) {
      set.add(new TrustAnchor(ca, null));
    }
    anchors = Set.copyOf(set);
  }

  /** With the CA certificates given and no revocation checking. */
  public static CertificateValidator trusting(X509Certificate... trusted) {
    return new CertificateValidator(List.of(trusted), List.of());
  }

  /** The same trust anchors with {@code newCrls} in place of the CRLs held so far. */
  public CertificateValidator withCrls(List<X509CRL> newCrls) {
    return new CertificateValidator(trusted, newCrls, outside);
  }

  /**
   * These CAs and, for a chain none of them issued, {@code outsideCas} too, with no revocation
   * checking for the latter. None given: this validator as it is.
   */
  public CertificateValidator alsoTrusting(List<X509Certificate> outsideCas) {
    if (outsideCas.isEmpty()) {
      return this;
    }
    List<X509Certificate> all = new ArrayList<>(outsideCas);
    if (outside != null) {
      all.addAll(0, outside.trusted);
    }
    return new CertificateValidator(trusted, crls, new CertificateValidator(all, List.of()));
  }

  /** Every CA we trust, ours first, then the outside ones (a CERTREQ names them all). */
  public List<X509Certificate> trusted() {
    if (outside == null) {
      return trusted;
    }
    List<X509Certificate> all = new ArrayList<>(trusted);
    all.addAll(outside.trusted);
    return List.copyOf(all);
  }

  /** The outside CAs, trusted beside ours without revocation checking. */
  public List<X509Certificate> outsideCas() {
    return outside == null ? List.of() : outside.trusted;
  }

  /**
   * Validates {@code chain}, end entity first, each certificate issued by the next, the last one
   * issued by a trusted CA (the trusted CA itself may be sent too; it is dropped).
   */
  public Result validate(List<X509Certificate> chain, Instant at) {
    Result result = validateHere(chain, at);
    if (result.status() == Status.UNKNOWN_CA && outside != null) {
      return outside.validateHere(chain, at);
    }
    return result;
  }

  private Result validateHere(List<X509Certificate> chain, Instant at) {
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && trusted.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    if (path.isEmpty()) {
      return Result.of(Status.INVALID, "no certificate");
    }
    try {
      CertPath certPath = PkiInstances.x509().generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setDate(Date.from(at));
      parameters.setRevocationEnabled(!crls.isEmpty());
      if (!crls.isEmpty()) {
        parameters.addCertStore(
            CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
      }
      PkiInstances.pkix().validate(certPath, parameters);
      return Result.of(Status.OK, "OK");
    } catch (CertPathValidatorException e) {
      Status status = status(e);
      if (status == Status.UNKNOWN_CA) {
        // Name the issuer: what an operator needs to decide whether to trust it.
        return Result.of(
            status,
            "issuer \""
                + path.get(path.size() - 1).getIssuerX500Principal().getName()
                + "\" is not a trusted CA");
      }
      return Result.of(status, e.getMessage());
    } catch (InvalidAlgorithmParameterException e) {
      return Result.of(Status.INVALID, e.getMessage());
    } catch (GeneralSecurityException e) {
      return Result.of(Status.INVALID, e.toString());
    }
  }

  private static Status status(CertPathValidatorException e) {
    CertPathValidatorException.Reason reason = e.getReason();
    if (reason == PKIXReason.NO_TRUST_ANCHOR) {
      return Status.UNKNOWN_CA;
    }
    if (reason instanceof CertPathValidatorException.BasicReason) {
      switch ((CertPathValidatorException.BasicReason) reason) {
        case EXPIRED:
          return Status.EXPIRED;
        case NOT_YET_VALID:
          return Status.NOT_YET_VALID;
        case REVOKED:
          return Status.REVOKED;
        case INVALID_SIGNATURE:
          return Status.BAD_SIGNATURE;
        case UNDETERMINED_REVOCATION_STATUS:
          return Status.REVOCATION_UNKNOWN;
        default:
          return Status.INVALID;
      }
    }
    return Status.INVALID;
  }
}
