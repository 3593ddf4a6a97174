package io.mvpn.ike.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthenticator.Reason;
import io.mvpn.ike.pki.CertificateAuthenticator.Refusal;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.CertificateValidator.Status;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.CredentialFiles;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IKE_AUTH with X.509 certificates between mvpn's engine and strongSwan's charon over real UDP, set
 * up as {@link StrongSwanInteropTest} is. mvpn's CA ({@link CertificateAuthority}) issues both
 * ends' certificates; charon gets its key, its certificate, the CA and the CA's CRL as PEM in its
 * swanctl directories. mvpn proves itself with its gateway address (ID and subjectAltName IP
 * address), charon with its FQDN or address, each end checking the other's ID against the
 * certificate. RFC 7427 signatures with ECDSA P-256 and RSA keys, and RFC 7296 method 1 (RSA,
 * SHA-1) when charon announces no signature hashes. A certificate mvpn must not accept is refused
 * with AUTHENTICATION_FAILED, nothing installed, and the same engine then admits a good one.
 */
class StrongSwanCertificateInteropTest {

  static final String CHARON_ID = StrongSwanInteropTest.CHARON_ID;

  /** Certificates are valid from a day ago for a year; expired ones ended an hour ago. */
  static final Instant NOW = Instant.now();

  static final Instant FROM = NOW.minus(Duration.ofDays(1));
  static final Instant UNTIL = NOW.plus(Duration.ofDays(365));

  private final SecureRandom random = new SecureRandom();
  private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
  private NetNamespace ns;
  private Path dir;
  private UdpIkeRunner mvpn;
  private Charon charon;

  @BeforeAll
  static void requirements() throws Exception {
    StrongSwanInteropTest.requirements();
  }

  @BeforeEach
  void namespace(@TempDir Path tmp) throws Exception {
    dir = tmp;
    ns = new NetNamespace("mvpncrt");
  }

  /** Stops everything that started, whatever failed, and keeps charon's log. */
  @AfterEach
  void stop(TestInfo test) throws Exception {
    // A parameterized test's runs are told apart by their display names, "[1] ...".
    String run =
        test.getDisplayName().startsWith("[") ? test.getDisplayName().replaceAll("\\W+", "-") : "";
    StrongSwanInteropTest.stop(
        charon, mvpn, ns, "cert-" + test.getTestMethod().orElseThrow().getName() + run + ".log");
  }

  // ---- the PKI ---------------------------------------------------------------------------------

  /** mvpn's CA of one key type, and what it issued to both ends. */
  private final class Pki {
    final KeyType type;
    final CertificateAuthority ca;
    final Credential mvpnCredential;

    Pki(KeyType type) {
      this.type = type;
      ca =
          CertificateAuthority.create(
              "mvpn interop root",
              type,
              FROM,
              NOW.plus(Duration.ofDays(3650)),
              CertificateStore.inMemory(),
              random);
      mvpnCredential =
          ca.issue(
              Subject.gateway("mvpn gateway", Ipv4Address.parse(ns.rootAddress)),
              type,
              FROM,
              UNTIL);
    }

    /**
     * An RSA-4096 key and a certificate naming {@code subject} and 40 more hosts: with it IKE_AUTH
     * takes well over 1280 bytes.
     */
    Credential large(Subject subject) throws Exception {
      List<String> dns = new ArrayList<>(subject.dnsNames());
      for (int i = 0; i < 40; i++) {
        dns.add("host-" + i + ".fragments.example.net");
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(4096, random);
      KeyPair keys = generator.generateKeyPair();
      X509Certificate certificate =
          ca.issue(
              new Subject(subject.commonName(), subject.addresses(), dns),
              keys.getPublic(),
              FROM,
              UNTIL);
      return Credential.of(keys.getPrivate(), certificate);
    }

    /** charon's credential, known by its FQDN. */
    Credential charonByName() {
      return ca.issue(Subject.node(CHARON_ID), type, FROM, UNTIL);
    }

    /** charon's credential, known by its address in the namespace. */
    Credential charonByAddress() {
      return ca.issue(
          Subject.gateway("charon", Ipv4Address.parse(ns.nsAddress)), type, FROM, UNTIL);
    }

    CertificateValidator validator() {
      return CertificateValidator.trusting(ca.certificate());
    }

    /** mvpn's authenticator: its credential, this CA, refusals recorded. */
    CertificateAuthenticator authenticator() {
      return authenticator(mvpnCredential, validator());
    }

    CertificateAuthenticator authenticator(Credential credential, CertificateValidator trust) {
      return new CertificateAuthenticator(credential, trust, Instant::now)
          .withRefusalListener(refusals::add);
    }

    /** charon gets the CA certificate, and the CRL if there is one. */
    void installTrust(X509CRL crl) throws Exception {
      writePem(charon.swanctlDir().resolve("x509ca/ca.pem"), "CERTIFICATE", der(ca.certificate()));
      if (crl != null) {
        writePem(charon.swanctlDir().resolve("x509crl/ca.crl"), "X509 CRL", crl.getEncoded());
      }
    }
  }

  /** charon's key and certificate under {@code name} in its swanctl directories. */
  private void installCharonCredential(String name, Credential credential) throws Exception {
    writePem(
        charon.swanctlDir().resolve("private/" + name + ".key"),
        "PRIVATE KEY",
        credential.privateKey().getEncoded());
    writePem(
        charon.swanctlDir().resolve("x509/" + name + ".pem"),
        "CERTIFICATE",
        der(credential.certificate()));
  }

  static void writePem(Path file, String type, byte[] der) throws Exception {
    Files.createDirectories(file.getParent());
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n");
  }

  static byte[] der(X509Certificate certificate) throws Exception {
    return certificate.getEncoded();
  }

  // ---- the two ends --------------------------------------------------------------------------

  /** mvpn at the root end of the veth: its address as ID, {@code charonId} required of charon. */
  private void startMvpn(Identity charonId, CertificateAuthenticator authenticator)
      throws Exception {
    PeerConfig config =
        StrongSwanInteropTest.mvpnConfig(ns.rootAddress).withAuthenticator(authenticator);
    config =
        new PeerConfig(
            config.localId(),
            charonId,
            config.authenticator(),
            config.localSelectors(),
            config.remoteSelectors(),
            config.ike(),
            config.esp(),
            config.mobike());
    mvpn = new UdpIkeRunner(Ipv4Address.parse(ns.rootAddress), config);
    mvpn.hosts.add(StrongSwanInteropTest.MVPN_HOST);
  }

  /** charon's strongswan.conf settings for when {@link #load} first starts it. */
  private List<String> charonSettings = List.of();

  /** charon to be, with extra strongswan.conf settings; it starts with the first {@link #load}. */
  private void startCharon(String... settings) throws Exception {
    charon = new Charon(dir, ns.name);
    charonSettings = List.of(settings);
    Files.createDirectories(charon.swanctlDir());
  }

  /** Writes swanctl.conf for charon's certificate {@code certName} and ID, and loads it all. */
  private void load(String certName, String charonId) throws Exception {
    load("      certs = " + certName + ".pem", charonId, "");
  }

  /**
   * Writes swanctl.conf with charon's key and certificate in the PKCS#12 file {@code p12} (under
   * swanctl's pkcs12/ directory) opened with {@code password}, and loads it all: charon picks the
   * certificate by its ID, as a client given only the file would.
   */
  private void loadPkcs12(String p12, String password, String charonId) throws Exception {
    String secrets =
        String.join(
            "\n",
            "secrets {",
            "  pkcs12-charon {",
            "    file = " + p12,
            "    secret = \"" + password + "\"",
            "  }",
            "}");
    load("", charonId, secrets);
  }

  /** swanctl.conf with {@code certsLine} in charon's local section, then {@code secrets}. */
  private void load(String certsLine, String charonId, String secrets) throws Exception {
    String conf =
        String.join(
            "\n",
            "connections {",
            "  mvpn {",
            "    version = 2",
            "    local_addrs = " + ns.nsAddress,
            "    remote_addrs = " + ns.rootAddress,
            "    proposals = " + StrongSwanInteropTest.IKE_PROPOSALS,
            "    local {",
            "      auth = pubkey",
            certsLine,
            "      id = " + charonId,
            "    }",
            "    remote {",
            "      auth = pubkey",
            "      id = " + ns.rootAddress,
            "    }",
            "    children {",
            "      net {",
            "        local_ts = 10.1.0.0/24",
            "        remote_ts = 10.2.0.0/16",
            "        esp_proposals = " + StrongSwanInteropTest.ESP_PROPOSALS,
            "        mode = tunnel",
            "      }",
            "    }",
            "  }",
            "}",
            secrets,
            "");
    if (!charonRunning) {
      charon.start(conf, charonSettings);
      charon.routeTunnel("10.2.0.0/16", NetNamespace.INNER_ADDRESS);
      charonRunning = true;
    } else {
      Files.writeString(dir.resolve("swanctl.conf"), conf);
    }
    Charon.Result load = charon.swanctl(20, "--load-all");
    assertThat(load.exitCode()).as(load.output()).isZero();
  }

  private boolean charonRunning;

  /**
   * Both ends up, nothing initiated: mvpn with {@code authenticator}, requiring charon's ID; charon
   * with {@code settings} in strongswan.conf, trusting the CA (and holding {@code crl} if not
   * null), proving itself as {@code charonId} with {@code credential}.
   */
  private void start(
      Pki pki,
      CertificateAuthenticator authenticator,
      X509CRL crl,
      Credential credential,
      String charonId,
      String... settings)
      throws Exception {
    startMvpn(identity(charonId), authenticator);
    startCharon(settings);
    pki.installTrust(crl);
    installCharonCredential("charon", credential);
    load("charon", charonId);
  }

  /** An address as an IPv4 ID, anything else as an FQDN. */
  static Identity identity(String id) {
    return id.matches("[0-9.]+") ? Identity.ipv4(Ipv4Address.parse(id)) : Identity.fqdn(id);
  }

  // ---- both ends up ----------------------------------------------------------------------------

  @Test
  void charonInitiatesWithEcdsaCertificates() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    start(pki, pki.authenticator(), null, pki.charonByName(), CHARON_ID);

    IkeSa sa = charonInitiates();
    assertThat(mvpn.call(sa::remoteId)).isEqualTo(Identity.fqdn(CHARON_ID));
    // RFC 7427 both ways: charon names the ECDSA scheme it signed and verified with.
    assertCharonAuthenticated(CHARON_ID, "ECDSA_WITH_SHA256_DER", "ECDSA_WITH_SHA256_DER");
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  @Test
  void mvpnInitiatesWithEcdsaCertificates() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    start(pki, pki.authenticator(), null, pki.charonByName(), CHARON_ID);

    IkeSa sa = mvpnInitiates();
    assertThat(mvpn.call(sa::remoteId)).isEqualTo(Identity.fqdn(CHARON_ID));
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  @Test
  void charonInitiatesWithRsaCertificatesNamingItsAddress() throws Exception {
    Pki pki = new Pki(KeyType.RSA_2048);
    start(pki, pki.authenticator(), null, pki.charonByAddress(), ns.nsAddress);

    IkeSa sa = charonInitiates();
    assertThat(mvpn.call(sa::remoteId)).isEqualTo(identity(ns.nsAddress));
    assertCharonAuthenticated(ns.nsAddress, "RSA_EMSA_PKCS1_SHA2_256", "RSA_EMSA_PKCS1_SHA2_256");
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  @Test
  void mvpnInitiatesWithRsaCertificates() throws Exception {
    Pki pki = new Pki(KeyType.RSA_2048);
    start(pki, pki.authenticator(), null, pki.charonByName(), CHARON_ID);

    IkeSa sa = mvpnInitiates();
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  /** charon signs with RSASSA-PSS (its parameters in RFC 7427's AlgorithmIdentifier). */
  @Test
  void charonSignsWithRsaPss() throws Exception {
    Pki pki = new Pki(KeyType.RSA_2048);
    start(pki, pki.authenticator(), null, pki.charonByName(), CHARON_ID, "rsa_pss = yes");

    IkeSa sa = charonInitiates();
    assertCharonAuthenticated(CHARON_ID, "RSA_EMSA_PSS_SHA2_256", "RSA_EMSA_PKCS1_SHA2_256");
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  /**
   * Neither end announces RFC 7427 hashes (charon with signature_authentication off, mvpn with
   * none), so both sign with the method of their key type: 1, RSA with SHA-1 (RFC 7296 §3.8), or 9,
   * ECDSA with SHA-256 on P-256 (RFC 4754).
   */
  @ParameterizedTest
  @CsvSource({"RSA_2048, RSA signature", "EC_P256, ECDSA-256 signature"})
  void withoutRfc7427BothSignWithTheKeysOwnMethod(KeyType type, String method) throws Exception {
    Pki pki = new Pki(type);
    start(
        pki,
        pki.authenticator().withHashes(Set.of()),
        null,
        pki.charonByName(),
        CHARON_ID,
        "signature_authentication = no");

    IkeSa sa = charonInitiates();
    assertCharonAuthenticated(CHARON_ID, method, method);
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  /** A CA of one key type vouches for end entities of another; each end signs with its own. */
  @Test
  void mixedKeyTypes() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    Credential charonRsa = pki.ca.issue(Subject.node(CHARON_ID), KeyType.RSA_2048, FROM, UNTIL);
    start(pki, pki.authenticator(), null, charonRsa, CHARON_ID);

    IkeSa sa = mvpnInitiates();
    assertCharonAuthenticated(CHARON_ID, "RSA_EMSA_PKCS1_SHA2_256", "ECDSA_WITH_SHA256_DER");
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  // ---- credentials as the appliance exports them ----------------------------------------------

  /**
   * charon is given only what {@code mvpn:ca issue --p12} writes (its key, its certificate and the
   * CA in one PKCS#12 file, PBES2 with AES-256) and the CA: it establishes and carries traffic.
   */
  @Test
  void charonWithAPkcs12FileFromTheCaEstablishesAndCarriesTraffic() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    startMvpn(identity(CHARON_ID), pki.authenticator());
    startCharon();
    pki.installTrust(null);
    CredentialFiles.writePkcs12(
        charon.swanctlDir().resolve("pkcs12/charon.p12"),
        CHARON_ID,
        pki.charonByName(),
        pki.ca.certificate(),
        "interop pass".toCharArray());
    loadPkcs12("charon.p12", "interop pass", CHARON_ID);

    IkeSa sa = charonInitiates();
    assertThat(mvpn.call(sa::remoteId)).isEqualTo(Identity.fqdn(CHARON_ID));
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  /** mvpn trusts an outside CA beside its own: charon's certificate from it is accepted. */
  @Test
  void aCertificateFromATrustedOutsideCaEstablishes() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    Pki corporate = new Pki(KeyType.RSA_2048);
    CertificateValidator trust = pki.validator().alsoTrusting(List.of(corporate.ca.certificate()));
    start(
        pki,
        pki.authenticator(pki.mvpnCredential, trust),
        null,
        corporate.charonByName(),
        CHARON_ID);

    IkeSa sa = charonInitiates();
    assertThat(refusals).isEmpty();
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  // ---- IKE fragmentation (RFC 7383) -------------------------------------------------------------

  @Test
  void charonInitiatesWithIkeAuthInFragments() throws Exception {
    startWithLargeCertificates();

    IkeSa sa = charonInitiates();
    assertIkeAuthInFragmentsBothWays();
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  @Test
  void mvpnInitiatesWithIkeAuthInFragments() throws Exception {
    startWithLargeCertificates();

    IkeSa sa = mvpnInitiates();
    assertIkeAuthInFragmentsBothWays();
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  /** Both ends with RSA-4096 keys and certificates of 40-odd names: IKE_AUTH needs fragments. */
  private void startWithLargeCertificates() throws Exception {
    Pki pki = new Pki(KeyType.RSA_2048);
    Credential mvpnLarge =
        pki.large(Subject.gateway("mvpn gateway", Ipv4Address.parse(ns.rootAddress)));
    start(
        pki,
        pki.authenticator(mvpnLarge, pki.validator()),
        null,
        pki.large(Subject.node(CHARON_ID)),
        CHARON_ID);
  }

  /**
   * charon split its IKE_AUTH message and reassembled mvpn's; mvpn sent its own in more than one
   * datagram, none larger than 1280 bytes with IPv4 and UDP headers and the non-ESP marker, and
   * reassembled charon's.
   */
  private void assertIkeAuthInFragmentsBothWays() throws Exception {
    String log = charon.logText();
    assertThat(log)
        .contains("splitting IKE message")
        .contains("reassembled fragmented IKE message");
    assertThat(mvpn.call(() -> mvpn.engine().counters().reassembled())).isEqualTo(1);
    List<Integer> sizes = new ArrayList<>();
    Matcher m = Pattern.compile("^-> .* 35R? mid 1 (\\d+) B$").matcher("");
    for (String line : mvpn.trace) {
      if (m.reset(line).matches()) {
        sizes.add(Integer.parseInt(m.group(1)));
      }
    }
    assertThat(sizes).as(String.join("\n", mvpn.trace)).hasSizeGreaterThan(1);
    assertThat(sizes).allMatch(size -> size + 4 + 28 <= 1280);
  }

  // ---- charon refused --------------------------------------------------------------------------

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    Pki other = new Pki(KeyType.EC_P256);
    assertRefusedThenServed(
        pki, other.charonByName(), pki.authenticator(), Reason.UNTRUSTED_CHAIN, Status.UNKNOWN_CA);
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    Credential expired =
        pki.ca.issue(Subject.node(CHARON_ID), pki.type, FROM, NOW.minus(Duration.ofHours(1)));
    assertRefusedThenServed(
        pki, expired, pki.authenticator(), Reason.UNTRUSTED_CHAIN, Status.EXPIRED);
  }

  @Test
  void aRevokedCertificateIsRefused() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    Credential revoked = pki.charonByName();
    pki.ca.revoke(revoked.certificate().getSerialNumber(), NOW.minus(Duration.ofMinutes(5)));
    X509CRL crl = pki.ca.crl(NOW.minus(Duration.ofMinutes(1)), NOW.plus(Duration.ofDays(7)));
    CertificateValidator withCrl = pki.validator().withCrls(List.of(crl));
    assertRefusedThenServed(
        pki,
        revoked,
        pki.authenticator(pki.mvpnCredential, withCrl),
        Reason.UNTRUSTED_CHAIN,
        Status.REVOKED);
  }

  @Test
  void aCertificateThatDoesNotNameTheIdIsRefused() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    // Issued to mn2, but charon presents it as mn1.example.net.
    Credential other = pki.ca.issue(Subject.node("mn2.example.net"), pki.type, FROM, UNTIL);
    assertRefusedThenServed(pki, other, pki.authenticator(), Reason.ID_MISMATCH, Status.OK);
  }

  /**
   * charon initiates with {@code bad}: mvpn answers AUTHENTICATION_FAILED for {@code reason}, keeps
   * no SA and installs nothing, and charon reports the refusal. Then charon comes with a good
   * certificate and the same engine lets it in.
   */
  private void assertRefusedThenServed(
      Pki pki,
      Credential bad,
      CertificateAuthenticator mvpnAuthenticator,
      Reason reason,
      Status chain)
      throws Exception {
    start(pki, mvpnAuthenticator, null, bad, CHARON_ID);

    Charon.Result initiate = charon.swanctl(40, "--initiate", "--child", "net", "--timeout", "20");
    String context = initiate.output() + "\n" + String.join("\n", mvpn.trace);
    assertThat(initiate.exitCode()).as(context).isNotZero();
    assertThat(charon.logText())
        .as(context)
        .contains("received AUTHENTICATION_FAILED notify error");
    assertThat(refusals).as(context).hasSize(1);
    assertThat(refusals.get(0).reason()).as(refusals.toString()).isEqualTo(reason);
    assertThat(refusals.get(0).chain()).as(refusals.toString()).isEqualTo(chain);
    assertThat(mvpn.established).isEmpty();
    assertThat(mvpn.call(() -> mvpn.engine().sas())).isEmpty();
    assertThat(mvpn.call(mvpn.sad::all)).isEmpty();
    assertThat(charon.swanctl(20, "--list-sas").output()).doesNotContain("ESTABLISHED");

    installCharonCredential("good", pki.charonByName());
    load("good", CHARON_ID);
    IkeSa sa = charonInitiates();
    assertThat(mvpn.call(sa::remoteId)).isEqualTo(Identity.fqdn(CHARON_ID));
    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);
  }

  // ---- mvpn refused ----------------------------------------------------------------------------

  /** charon holds the CRL that revokes mvpn's certificate: it refuses mvpn's IKE_AUTH. */
  @Test
  void charonRefusesMvpnsRevokedCertificate() throws Exception {
    Pki pki = new Pki(KeyType.EC_P256);
    pki.ca.revoke(
        pki.mvpnCredential.certificate().getSerialNumber(), NOW.minus(Duration.ofMinutes(5)));
    X509CRL crl = pki.ca.crl(NOW.minus(Duration.ofMinutes(1)), NOW.plus(Duration.ofDays(7)));
    start(pki, pki.authenticator(), crl, pki.charonByName(), CHARON_ID);

    IkeSa sa =
        mvpn.call(() -> mvpn.engine().initiate(Endpoint.of(ns.nsAddress, Endpoint.IKE_PORT)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (mvpn.ended.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String context = charon.logText() + "\n" + String.join("\n", mvpn.trace);
    assertThat(mvpn.ended).as(context).containsExactly(sa);
    assertThat(mvpn.call(sa::failure)).as(context).isEqualTo(NotifyPayload.AUTHENTICATION_FAILED);
    assertThat(mvpn.established).isEmpty();
    assertThat(mvpn.call(mvpn.sad::all)).isEmpty();
    assertThat(charon.logText()).as(context).contains("certificate was revoked");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** charon's log names the scheme (or method) it signed with as {@code charonId}, and mvpn's. */
  private void assertCharonAuthenticated(String charonId, String signed, String verified) {
    assertThat(charon.logText())
        .contains("authentication of '" + charonId + "' (myself) with " + signed)
        .contains("authentication of '" + ns.rootAddress + "' with " + verified);
  }

  /** charon initiates; both ends have the IKE SA and its Child SA, with the same SPIs. */
  private IkeSa charonInitiates() throws Exception {
    Charon.Result initiate = charon.swanctl(40, "--initiate", "--child", "net", "--timeout", "20");
    IkeSa sa = mvpn.established.poll(5, TimeUnit.SECONDS);
    String listed = charon.swanctl(20, "--list-sas").output();
    String context =
        initiate.output()
            + "\n"
            + listed
            + "\n"
            + refusals
            + "\n"
            + String.join("\n", mvpn.trace)
            + "\n"
            + charon.logText();
    assertThat(initiate.exitCode()).as(context).isZero();
    assertThat(listed).as(context).contains("ESTABLISHED").contains("INSTALLED");
    assertThat(sa).as(context).isNotNull();
    StrongSwanInteropTest.assertSameSas(listed, sa, mvpn);
    return sa;
  }

  /** mvpn initiates; both ends have the IKE SA and its Child SA, with the same SPIs. */
  private IkeSa mvpnInitiates() throws Exception {
    mvpn.call(() -> mvpn.engine().initiate(Endpoint.of(ns.nsAddress, Endpoint.IKE_PORT)));
    IkeSa sa = mvpn.established.poll(20, TimeUnit.SECONDS);
    String listed = charon.swanctl(20, "--list-sas").output();
    String context =
        listed + "\n" + refusals + "\n" + String.join("\n", mvpn.trace) + "\n" + charon.logText();
    assertThat(sa).as(context).isNotNull();
    assertThat(mvpn.call(sa::childFailure)).as(context).isZero();
    assertThat(listed).as(context).contains("ESTABLISHED").contains("INSTALLED");
    StrongSwanInteropTest.assertSameSas(listed, sa, mvpn);
    return sa;
  }
}
