package io.mvpn.ike.pki;

import io.mvpn.api.Ipv4Address;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for one mobile VPN: a self-signed root that issues end-entity
 * certificates to mobile nodes and security gateways, revokes them by serial number and publishes a
 * CRL. Every time is given by the caller (no hidden clock), so what it issues is reproducible in
 * tests. Keys and certificates live in a {@link CertificateStore}.
 *
 * <p>End-entity certificates carry subjectAltName entries for the holder's IPv4 addresses (a
 * gateway's public address, seed 002 claim 10) and DNS names (a node's FQDN), and key usage
 * digitalSignature only: they sign IKE AUTH payloads, nothing else (RFC 4945 §5.1.3.2).
 *
 * <p>Signing and key generation use the JDK's default providers; Bouncy Castle builds the ASN.1.
 */
public final class CertificateAuthority {

  /**
   * What an end-entity certificate says about its holder; {@code policies} are certificate policy
   * OIDs (RFC 5280 §4.2.1.4), the roles the CA grants it, e.g. {@link CertificatePolicy#AODV_SINK}.
   */
  public record Subject(
      String commonName,
      List<Ipv4Address> addresses,
      List<String> dnsNames,
      List<String> policies) {

    public Subject {
      Objects.requireNonNull(commonName, "commonName");
      addresses = List.copyOf(addresses);
      dnsNames = List.copyOf(dnsNames);
      policies = List.copyOf(policies);
    }

    /** A holder with no role beyond its names. */
    public Subject(String commonName, List<Ipv4Address> addresses, List<String> dnsNames) {
      this(commonName, addresses, dnsNames, List.of());
    }

    /** The same holder, granted the role of {@code policyOid} as well. */
    public Subject withPolicy(String policyOid) {
      List<String> more = new ArrayList<>(policies);
      more.add(policyOid);
      return new Subject(commonName, addresses, dnsNames, more);
    }

    /** A mobile node known by its FQDN. */
    public static Subject node(String fqdn) {
      return new Subject(fqdn, List.of(), List.of(fqdn));
    }

    /** A security gateway known by its public address (and optionally a DNS name). */
    public static Subject gateway(String commonName, Ipv4Address publicAddress, String... dns) {
      return new Subject(commonName, List.of(publicAddress), List.of(dns));
    }
  }

  /** Microsoft's "IP security IKE intermediate" purpose (1.3.6.1.5.5.8.2.2). */
  private static final KeyPurposeId IKE_INTERMEDIATE =
      KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.5.5.8.2.2"));

  private final CertificateStore store;
  private final SecureRandom random;
  private final Credential authority;
  private final KeyType keyType;

  private CertificateAuthority(CertificateStore store, SecureRandom random, Credential authority) {
    this.store = store;
    this.random = random;
    this.authority = authority;
    this.keyType = KeyType.of(authority.privateKey());
  }

  /**
   * A new self-signed root named {@code CN=commonName}, valid from {@code notBefore} to {@code
   * notAfter}, kept in {@code store}.
   */
  public static CertificateAuthority create(
      String commonName,
      KeyType keyType,
      Instant notBefore,
      Instant notAfter,
      CertificateStore store,
      SecureRandom random) {
    if (store.authority().isPresent()) {
      throw new IllegalStateException("the store already holds a CA");
    }
    KeyPair keys = keyType.generate(random);
    X500Name name = name(commonName);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  store.nextSerial(),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  name,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = certificate(builder.build(signer(keyType, keys.getPrivate())));
      Credential credential = Credential.of(keys.getPrivate(), certificate);
      store.authority(credential);
      return new CertificateAuthority(store, random, credential);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create CA " + commonName, e);
    }
  }

  /** The CA whose key and certificate {@code store} already holds. */
  public static CertificateAuthority load(CertificateStore store, SecureRandom random) {
    return new CertificateAuthority(
        store,
        random,
        store.authority().orElseThrow(() -> new IllegalStateException("no CA in the store")));
  }

  /**
   * Windows' IKEv2 client takes only a gateway certificate for server authentication (or IKE
   * intermediate) and offers only a machine certificate for client authentication; strongSwan and
   * the appliance do not look at the extension. A gateway, known by its address, also initiates.
   */
  private static ExtendedKeyUsage extendedKeyUsage(Subject subject) {
    if (subject.addresses().isEmpty()) {
      return new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
    }
    return new ExtendedKeyUsage(
        new KeyPurposeId[] {
          KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth, IKE_INTERMEDIATE
        });
  }

  /** The root certificate: the trust anchor peers configure. */
  public X509Certificate certificate() {
    return authority.certificate();
  }

  /**
   * Issues a certificate with a fresh key pair of {@code type}; the credential holds the new key
   * and the certificate.
   */
  public Credential issue(Subject subject, KeyType type, Instant notBefore, Instant notAfter) {
    KeyPair keys = type.generate(random);
    X509Certificate certificate = issue(subject, keys.getPublic(), notBefore, notAfter, keys);
    return Credential.of(keys.getPrivate(), certificate);
  }

  /** Issues a certificate for a public key whose private half the holder keeps. */
  public X509Certificate issue(
      Subject subject, PublicKey publicKey, Instant notBefore, Instant notAfter) {
    return issue(subject, publicKey, notBefore, notAfter, null);
  }

  private X509Certificate issue(
      Subject subject, PublicKey publicKey, Instant notBefore, Instant notAfter, KeyPair keys) {
    if (!notBefore.isBefore(notAfter)) {
      throw new IllegalArgumentException("validity " + notBefore + " to " + notAfter);
    }
    List<GeneralName> names = new ArrayList<>();
    for (Ipv4Address address : subject.addresses()) {
      names.add(new GeneralName(GeneralName.iPAddress, address.toString()));
    }
    for (String dns : subject.dnsNames()) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  authority.certificate(),
                  store.nextSerial(),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  name(subject.commonName()),
                  publicKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(subject))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(publicKey))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(authority.certificate()));
      if (!subject.policies().isEmpty()) {
        builder.addExtension(
            Extension.certificatePolicies, false, CertificatePolicy.encode(subject.policies()));
      }
      if (!names.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      X509Certificate certificate =
          certificate(builder.build(signer(keyType, authority.privateKey())));
      store.add(new CertificateStore.Issued(certificate, keys == null ? null : keys.getPrivate()));
      return certificate;
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue for " + subject, e);
    }
  }

  /** Revokes the certificate with {@code serial} from {@code at} on; it appears in later CRLs. */
  public void revoke(BigInteger serial, Instant at) {
    boolean ours = store.issued().stream().anyMatch(i -> i.serial().equals(serial));
    if (!ours) {
      throw new IllegalArgumentException("serial " + serial + " was not issued here");
    }
    store.revoke(serial, at);
  }

  /** A CRL listing every revoked serial, issued at {@code thisUpdate}. */
  public X509CRL crl(Instant thisUpdate, Instant nextUpdate) {
    X509v2CRLBuilder builder =
        new X509v2CRLBuilder(
            X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded()),
            Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    for (Map.Entry<BigInteger, Instant> revoked : store.revoked().entrySet()) {
      builder.addCRLEntry(revoked.getKey(), Date.from(revoked.getValue()), CRLReason.unspecified);
    }
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(authority.certificate()));
      X509CRLHolder holder = builder.build(signer(keyType, authority.privateKey()));
      return new JcaX509CRLConverter().getCRL(holder);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a CRL", e);
    }
  }

  /** The certificates issued so far, oldest first (the root not included). */
  public List<X509Certificate> issued() {
    List<X509Certificate> all = new ArrayList<>();
    for (CertificateStore.Issued issued : store.issued()) {
      all.add(issued.certificate());
    }
    return all;
  }

  /** The serials revoked so far. */
  public List<BigInteger> revoked() {
    return List.copyOf(store.revoked().keySet());
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static ContentSigner signer(KeyType type, PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(type.signatureAlgorithm()).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(type.signatureAlgorithm() + " unavailable", e);
    }
  }

  private static X509Certificate certificate(X509CertificateHolder holder)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }
}
