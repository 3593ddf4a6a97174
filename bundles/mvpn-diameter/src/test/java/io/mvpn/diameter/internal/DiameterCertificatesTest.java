package io.mvpn.diameter.internal;

import static io.mvpn.diameter.internal.DiameterNodeInstanceTest.awaitOpen;
import static io.mvpn.diameter.internal.DiameterNodeInstanceTest.config;
import static io.mvpn.diameter.internal.DiameterNodeInstanceTest.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.msm.WorkgroupSetup;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c50-56 between the components as the shipped cfg examples make them (the MSM's node per
 * realm with {@code serveHellos}, a sink's node per site), over loopback TCP: a sink's node is the
 * node authority its router fetches certificates from and has certified nodes authorised by, and
 * the MSM answers only a sink of the member's own site realm.
 */
class DiameterCertificatesTest {

  private static final String SETUP =
      "members:\n"
          + "  - {tenant: acme, address: 10.1.0.6, fqdn: bob.acme.example, gateway: 198.51.100.10}\n"
          + "  - {tenant: globex, address: 10.1.0.9, fqdn: eve.globex.example,"
          + " gateway: 198.51.100.20}\n"
          + "workgroups: []\n"
          + "sites:\n"
          + "  - {tenant: acme, realm: acme.example, homeRange: 10.1.0.0/16, gateway: 10.1.0.1}\n"
          + "  - {tenant: globex, realm: globex.example, homeRange: 10.1.0.0/16,"
          + " gateway: 10.1.0.1}\n";

  /** A certificate's DER as the appliance CA's directory would hand it out (its bytes only). */
  private static final byte[] BOBS = {0x30, 0x03, 0x02, 0x01, 0x07};

  private final InMemoryWorkgroupDirectory members = new InMemoryWorkgroupDirectory();
  private final SiteAuthority msm = new SiteAuthority(members);
  private final List<DiameterNodeInstance> started = new ArrayList<>();
  private DiameterNodeInstance acmeSink;
  private DiameterNodeInstance globexSink;

  @BeforeEach
  void start() throws Exception {
    WorkgroupSetup setup = WorkgroupSetup.parse(SETUP);
    setup.applyTo(members, null);
    setup.applyTo(msm);
    // The MSM's directory: the appliance CA's certificates by DNS name (mvpn-keying in the
    // appliance).
    msm.setCertificates(
        (name, answer) ->
            answer.accept(
                CertificateDirectory.normalise(name).equals("bob.acme.example")
                    ? List.of(BOBS)
                    : List.of()));
    int acmePort = freePort();
    int globexPort = freePort();
    msmNode("msm.acme.example", "acme.example", acmePort, "sink.acme.example/acme.example");
    msmNode(
        "msm.globex.example", "globex.example", globexPort, "sink.globex.example/globex.example");
    acmeSink =
        node(
            config(
                "sink.acme.example",
                "acme.example",
                "",
                "msm.acme.example/acme.example@127.0.0.1:" + acmePort));
    globexSink =
        node(
            config(
                "sink.globex.example",
                "globex.example",
                "",
                "msm.globex.example/globex.example@127.0.0.1:" + globexPort));
    awaitOpen(acmeSink);
    awaitOpen(globexSink);
  }

  @AfterEach
  void stop() {
    started.forEach(DiameterNodeInstance::deactivate);
  }

  @Test
  void aSinksNodeFetchesTheCertificateTheMsmsDirectoryHoldsForAMemberOfItsRealm() throws Exception {
    assertThat(fetch(acmeSink, "Bob.Acme.Example.")).containsExactly(BOBS);
    assertThat(fetch(acmeSink, "nobody.acme.example")).isEmpty();
    assertThat(msm.refused(SiteAuthority.Refusal.FOREIGN_SITE)).isZero();
  }

  @Test
  void aSinkOfAnotherRealmGetsNoCertificateAndTheMsmCountsTheForeignSite() throws Exception {
    assertThat(fetch(globexSink, "bob.acme.example")).isEmpty();
    assertThat(msm.refused(SiteAuthority.Refusal.FOREIGN_SITE)).isEqualTo(1);
  }

  @Test
  void aCertifiedNodeIsAuthorisedAcrossDiameterForASinkOfItsOwnRealmOnly() throws Exception {
    Authorization home = authorize(acmeSink, certified("acme.example", 7));
    Authorization foreign = authorize(globexSink, certified("globex.example", 8));

    assertThat(home.isAdmitted()).isTrue();
    assertThat(home.routes()).hasSize(2);
    assertThat(foreign.outcome()).isEqualTo(Authorization.Outcome.REJECTED);
    assertThat(foreign.routes()).isEmpty();
    assertThat(msm.refused(SiteAuthority.Refusal.FOREIGN_SITE)).isEqualTo(1);
    assertThat(msm.admitted()).isEqualTo(1);
  }

  @Test
  void aStoppedSinksNodeFetchesNothingAndAuthorisesNoOne() throws Exception {
    acmeSink.deactivate();
    started.remove(acmeSink);

    assertThat(fetch(acmeSink, "bob.acme.example")).isEmpty();
    assertThat(authorize(acmeSink, certified("acme.example", 9)).outcome())
        .isEqualTo(Authorization.Outcome.UNREACHABLE);
  }

  private void msmNode(String host, String realm, int port, String peers) throws Exception {
    DiameterNodeInstance n = new DiameterNodeInstance();
    n.msm = msm;
    n.activate(config(host, realm, "127.0.0.1:" + port, peers, true));
    started.add(n);
  }

  private DiameterNodeInstance node(DiameterNodeInstance.Config config) throws Exception {
    DiameterNodeInstance n = new DiameterNodeInstance();
    n.activate(config);
    started.add(n);
    return n;
  }

  /** What the sink's router asks its bound authority for ({@code pkiCertificatesFromMsm}). */
  private static List<byte[]> fetch(NodeAuthority sink, String dnsName) throws Exception {
    CompletableFuture<List<byte[]>> got = new CompletableFuture<>();
    sink.certificates(dnsName, got::complete);
    return got.get(10, TimeUnit.SECONDS);
  }

  private static Authorization authorize(NodeAuthority sink, CertifiedNode node) throws Exception {
    CompletableFuture<Authorization> got = new CompletableFuture<>();
    sink.authorizeCertified(node, got::complete);
    return got.get(10, TimeUnit.SECONDS);
  }

  /** Bob, certified by the MSM's CA, entering a site of {@code siteRealm}. */
  private static CertifiedNode certified(String siteRealm, long timestamp) {
    return new CertifiedNode(
        "bob.acme.example",
        Ipv4Address.parse("10.1.0.6"),
        timestamp,
        timestamp * 31 + 1,
        "ab12",
        siteRealm);
  }
}
