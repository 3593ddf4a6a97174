package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.testing.RecordedMetrics;
import io.mvpn.ike.IkeService.IkeSaView;
import io.mvpn.ike.pki.CredentialFiles;
import io.mvpn.store.InMemoryCounterStore;
import java.lang.annotation.Annotation;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons on loopback, on ports of their own, as the appliance runs them. */
class IkeDaemonTest {

  @TempDir Path dir;

  private final ApplianceCa ca = new ApplianceCa();
  private IkeDaemon one;
  private IkeDaemon two;

  @AfterEach
  void stop() {
    if (one != null) {
      one.deactivate();
    }
    if (two != null) {
      two.deactivate();
    }
  }

  /** Daemons one and two with a pre-shared key, on loopback ports from {@code port} on. */
  private void pskDaemons(int port) throws Exception {
    ca.activate(caConfig());
    String psk = "psk=0x6d76706e2d6c6f6f706261636b2d736563726574";
    one =
        daemon(
            "one",
            port,
            port + 1,
            "two remote=127.0.0.1:"
                + (port + 2)
                + " id=one.test remoteId=two.test "
                + psk
                + " localTs=10.1.0.0/24 remoteTs=10.2.0.0/24");
    two =
        daemon(
            "two",
            port + 2,
            port + 3,
            "one remote=127.0.0.1:"
                + port
                + " id=two.test remoteId=one.test "
                + psk
                + " localTs=10.2.0.0/24 remoteTs=10.1.0.0/24");
  }

  @Test
  void pskDaemonsEstablishAndTerminate() throws Exception {
    pskDaemons(15100);
    long spi = one.initiate("two");
    await(() -> established(one) && established(two));
    IkeSaView sa = one.sas().get(0);
    assertThat(sa.spiI()).isEqualTo(spi);
    // Both ends name the same negotiated transforms, whatever the default suites are.
    assertThat(sa.algorithms()).matches("[A-Z0-9_]+(/[A-Z0-9_]+)+").contains("PRF_");
    assertThat(two.sas().get(0).algorithms()).isEqualTo(sa.algorithms());
    assertThat(sa.childSas().get(0).algorithms())
        .isEqualTo(two.sas().get(0).childSas().get(0).algorithms())
        .matches("[A-Z0-9_]+(/[A-Z0-9_]+)*")
        .endsWith("EXT_SEQ");
    assertThat(sa.childSas()).hasSize(1);
    assertThat(sa.childSas().get(0).localSelectors()).isEqualTo("10.1.0.0-10.1.0.255");
    assertThat(two.sas().get(0).childSas().get(0).outboundSpi())
        .isEqualTo(sa.childSas().get(0).inboundSpi());
    assertThat(one.terminate(spi)).isTrue();
    await(() -> one.sas().isEmpty() && two.sas().isEmpty());
  }

  /** {@code mvpn:ike rekey}: both daemons then show only the new IKE SA, with the same Child SA. */
  @Test
  void pskDaemonsRekeyTheIkeSa() throws Exception {
    pskDaemons(15120);
    long spi = one.initiate("two");
    await(() -> established(one) && established(two));
    IkeSaView before = one.sas().get(0);
    assertThat(one.rekey(spi)).isTrue();
    await(
        () ->
            one.sas().size() == 1
                && two.sas().size() == 1
                && one.sas().get(0).spiI() != before.spiI()
                && two.sas().get(0).spiI() == one.sas().get(0).spiI()
                && established(one)
                && established(two));
    IkeSaView after = one.sas().get(0);
    assertThat(after.spiR()).isNotEqualTo(before.spiR()).isEqualTo(two.sas().get(0).spiR());
    assertThat(after.initiator()).isTrue();
    assertThat(after.childSas()).isEqualTo(before.childSas());
    assertThat(one.rekey(0x1234)).isFalse();
    // The new SA is deleted like any other.
    assertThat(two.terminate(two.sas().get(0).localSpi())).isTrue();
    await(() -> one.sas().isEmpty() && two.sas().isEmpty());
  }

  @Test
  void certificateDaemonsEstablishWithTheApplianceCa() throws Exception {
    ca.activate(caConfig());
    one =
        daemon(
            "one",
            15110,
            15111,
            "two remote=127.0.0.1:15112 id=one.test remoteId=two.test" + " auth=cert");
    two = daemon("two", 15112, 15113, "one id=two.test remoteId=one.test auth=cert");
    one.initiate("two");
    await(() -> established(one) && established(two));
    assertThat(ca.issued()).hasSize(2);
  }

  @Test
  void caIssuesListsAndRevokes() throws Exception {
    ca.activate(caConfig());
    var c =
        ca.issue("gw1", List.of(io.mvpn.api.Ipv4Address.parse("192.0.2.1")), List.of("gw1.test"));
    BigInteger serial = c.certificate().getSerialNumber();
    assertThat(ca.issued())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.subjectAltNames()).contains("IP:192.0.2.1", "DNS:gw1.test");
              assertThat(i.revokedAt()).isNull();
            });
    assertThat(ca.credential("gw1")).isPresent();
    assertThat(ca.revoke(serial)).isTrue();
    assertThat(ca.revoke(BigInteger.valueOf(999999))).isFalse();
    assertThat(ca.issued().get(0).revokedAt()).isNotNull();
    assertThat(ca.crl().getRevokedCertificate(serial)).isNotNull();
    assertThat(ca.credential("gw1")).isEmpty();
  }

  /**
   * Daemon two's CA is not daemon one's: one's certificate is refused until two's trustedCas names
   * a file with one's CA, exported as an operator would.
   */
  @Test
  void aPeerCertifiedByAnOutsideCaEstablishesOnceItsCaIsTrusted() throws Exception {
    ca.activate(caConfig());
    ApplianceCa other = TestCas.activated();
    Path ours = caFile("ours.pem", ca);
    Path theirs = caFile("theirs.pem", other);
    one =
        daemon(
            "one",
            15120,
            15121,
            "two remote=127.0.0.1:15122 id=one.test remoteId=two.test auth=cert",
            ca,
            new String[] {theirs.toString()});
    two =
        daemon(
            "two",
            15122,
            15123,
            "one id=two.test remoteId=one.test auth=cert",
            other,
            new String[] {" " + ours + " "});
    one.initiate("two");
    await(() -> established(one) && established(two));
    assertThat(two.refusedPeers()).isEmpty();
  }

  @Test
  void aPeerCertifiedByAnUntrustedCaIsRefusedAndCountedByReason() throws Exception {
    ca.activate(caConfig());
    ApplianceCa other = TestCas.activated();
    one =
        daemon(
            "one",
            15130,
            15131,
            "two remote=127.0.0.1:15132 id=one.test remoteId=two.test auth=cert",
            ca,
            new String[] {caFile("theirs.pem", other).toString()});
    two =
        daemon(
            "two",
            15132,
            15133,
            "one id=two.test remoteId=one.test auth=cert",
            other,
            new String[0]);
    one.initiate("two");
    await(() -> !two.refusedPeers().isEmpty() && one.sas().isEmpty());
    assertThat(two.refusedPeers()).containsExactly(Map.entry("untrusted_chain/unknown_ca", 1L));
    assertThat(established(two)).isFalse();
    // The operator's monitoring sees the refusal with the notify it was answered with.
    RecordedMetrics metrics = new RecordedMetrics();
    two.collect(metrics);
    assertThat(metrics.samples())
        .contains(
            "mvpn_ike_sas[daemon, two]=0",
            "mvpn_ike_auth_failures[daemon, two, notify, AUTHENTICATION_FAILED, reason,"
                + " untrusted_chain/unknown_ca]=1");
  }

  /**
   * The daemon that follows another of the same name over the same counter store, as after a
   * bundle:update, goes on from its refusals and drops; the metrics show the totals.
   */
  @Test
  void aDaemonThatFollowsAnotherOverTheSameCounterStoreGoesOnFromItsCounts() throws Exception {
    ca.activate(caConfig());
    ApplianceCa other = TestCas.activated();
    CounterStore store = new InMemoryCounterStore();
    String twoPeers = "one id=two.test remoteId=one.test auth=cert";
    one =
        daemon(
            "one",
            15140,
            15141,
            "two remote=127.0.0.1:15142 id=one.test remoteId=two.test auth=cert",
            ca,
            new String[] {caFile("theirs.pem", other).toString()});
    two = daemon("two", 15142, 15143, twoPeers, other, new String[0], store);
    one.initiate("two");
    await(() -> !two.refusedPeers().isEmpty() && one.sas().isEmpty());
    sendGarbage(15142);
    await(() -> two.dropped().getOrDefault("malformed", 0L) == 1);
    two.deactivate();

    two = daemon("two", 15142, 15143, twoPeers, other, new String[0], store);
    assertThat(two.refusedPeers()).containsExactly(Map.entry("untrusted_chain/unknown_ca", 1L));
    one.initiate("two");
    await(() -> two.refusedPeers().get("untrusted_chain/unknown_ca") == 2 && one.sas().isEmpty());
    sendGarbage(15142);
    await(() -> two.dropped().getOrDefault("malformed", 0L) == 2);
    RecordedMetrics metrics = new RecordedMetrics();
    two.collect(metrics);
    assertThat(metrics.samples())
        .contains(
            "mvpn_ike_auth_failures[daemon, two, notify, AUTHENTICATION_FAILED, reason,"
                + " untrusted_chain/unknown_ca]=2",
            "mvpn_ike_dropped_messages[daemon, two, reason, malformed]=2");
    assertThat(store.snapshot("ike/two")).containsEntry("malformed", 2L);
    assertThat(store.snapshot("ike/one")).doesNotContainKey("malformed");
  }

  /** One datagram on loopback that is not an IKE message. */
  private static void sendGarbage(int port) throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] junk = {1, 2, 3};
      s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  @Test
  void aTrustedCasFileThatIsNotACaCertificateFailsTheConfiguration() throws Exception {
    ca.activate(caConfig());
    Path leaf = dir.resolve("leaf.pem");
    Files.writeString(
        leaf, CredentialFiles.pem(ca.issue("leaf", List.of(), List.of()).certificate()));

    assertThatThrownBy(() -> TrustedCas.load(new String[] {leaf.toString()}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CN=leaf")
        .hasMessageContaining("not a CA certificate");
    assertThatThrownBy(() -> TrustedCas.load(new String[] {dir.resolve("none.pem").toString()}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read");
    assertThat(TrustedCas.load(new String[] {caFile("a.pem", ca) + ", " + caFile("b.pem", ca)}))
        .containsExactly(ca.certificate(), ca.certificate());
    assertThat(TrustedCas.load(new String[0])).isEmpty();
  }

  private Path caFile(String name, ApplianceCa authority) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, CredentialFiles.pem(authority.certificate()));
    return file;
  }

  private static boolean established(IkeDaemon d) {
    return d.sas().stream().anyMatch(sa -> sa.state().equals("ESTABLISHED"));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).isLessThan(end);
      Thread.sleep(20);
    }
  }

  private IkeDaemon daemon(String name, int port, int natT, String peers) throws Exception {
    return daemon(name, port, natT, peers, ca, new String[0]);
  }

  private static IkeDaemon daemon(
      String name, int port, int natT, String peers, ApplianceCa ca, String[] trustedCas)
      throws Exception {
    return daemon(name, port, natT, peers, ca, trustedCas, null);
  }

  private static IkeDaemon daemon(
      String name,
      int port,
      int natT,
      String peers,
      ApplianceCa ca,
      String[] trustedCas,
      CounterStore counters)
      throws Exception {
    IkeDaemon d = new IkeDaemon();
    d.ca = ca;
    d.counters = counters;
    IkeDaemon.Config config = config(name, port, natT, peers, trustedCas);
    d.open(config, IkeDaemon.peerLines(config.peers(), new ConfiguredKeys(null)));
    return d;
  }

  /** A daemon's configuration on loopback. */
  static IkeDaemon.Config config(
      String name, int port, int natT, String peers, String[] trustedCas) {
    return new IkeDaemon.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return IkeDaemon.Config.class;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String address() {
        return "127.0.0.1";
      }

      @Override
      public int ikePort() {
        return port;
      }

      @Override
      public int natTPort() {
        return natT;
      }

      @Override
      public String id() {
        return "";
      }

      @Override
      public String[] peers() {
        return new String[] {peers};
      }

      @Override
      public int fragmentSize() {
        return io.mvpn.ike.sa.EngineSettings.DEFAULT_FRAGMENT_SIZE;
      }

      @Override
      public String[] trustedCas() {
        return trustedCas;
      }

      @Override
      public long retransmitMillis() {
        return 200;
      }

      @Override
      public int retransmitTries() {
        return 3;
      }

      @Override
      public long ikeRekeySeconds() {
        return 4 * 3600;
      }

      @Override
      public long childRekeySeconds() {
        return 3600;
      }

      @Override
      public long rekeyJitterSeconds() {
        return 360;
      }
    };
  }

  static ApplianceCa.Config caConfig() {
    return caConfig("memory");
  }

  /** A test CA's config with its store: "memory" or a file. */
  static ApplianceCa.Config caConfig(String store) {
    return new ApplianceCa.Config() {
      @Override
      public String store() {
        return store;
      }

      @Override
      public String storePassword() {
        return "test store";
      }

      @Override
      public Class<? extends Annotation> annotationType() {
        return ApplianceCa.Config.class;
      }

      @Override
      public String commonName() {
        return "test CA";
      }

      @Override
      public String keyType() {
        return "EC_P256";
      }

      @Override
      public int rootValidityDays() {
        return 30;
      }

      @Override
      public int validityDays() {
        return 1;
      }
    };
  }
}
