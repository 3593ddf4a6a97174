package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.SiteRoutes;
import io.mvpn.aodv.pki.DirectoryCertificateSource;
import io.mvpn.aodv.pki.DnsCertificateSource;
import io.mvpn.aodv.pki.PkiSigning;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.diameter.nasreq.HelloAaClient;
import io.mvpn.ike.pki.Credential;
import io.mvpn.msm.SiteAuthority;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c50-56 in virtual time: a node enters acme's site with its certificate on the hello; the
 * sink checks it against the MSM's CA and CRL and the signature itself, the MSM authorises the
 * member the certificate names, and the node takes the routes only from a sink whose own
 * certificate is from the same CA. Every refusal is counted by reason and installs nothing.
 */
class PkiHelloScenarioTest {

  private final PkiSiteWorld w = new PkiSiteWorld();

  @Test
  void aMemberWithAValidCertificateGetsItsRoutesFromASinkItCanCheck() {
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(100);

    assertThat(w.node().siteRoutes())
        .containsExactly(
            new SiteRoutes.Route(Prefix.DEFAULT_ROUTE, w.mesh.addr("h"), 10),
            new SiteRoutes.Route(Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1));
    SiteNode alice = w.sink().siteNodes().get(0);
    assertThat(alice.identity()).isEqualTo(PkiSiteWorld.ALICE);
    assertThat(alice.state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(alice.filterRules()).contains("permit in ip from 10.1.0.3 to 10.1.0.0/16");
    assertThat(w.sinkHasRouteToNode()).isTrue();
    assertThat(w.sink().counter(AodvCounter.HELLO_PKI_RECEIVED)).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
    assertThat(w.node().counter(AodvCounter.SINK_REFUSED)).isZero();
    assertThat(w.acme.admitted()).isEqualTo(1);

    w.mesh.send("n", "h", 7);
    w.mesh.runFor(500);
    assertThat(w.mesh.received.get("h")).containsExactly(7);
  }

  @Test
  void overDiameterTheMsmAuthorisesTheMemberTheSinkAuthenticatedByItsCertificate() {
    SiteWorld site = new SiteWorld();
    PkiSiteWorld pki = new PkiSiteWorld(site);
    int before = site.diameter.wire.size();
    pki.node().enterSiteWithCertificate("to-s");
    site.mesh.runFor(100);

    assertThat(pki.node().siteRoutes()).hasSize(2);
    assertThat(site.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(site.diameter.wire.size()).as("an AA-Request and its answer").isGreaterThan(before);
    assertThat(site.acme.admitted()).isEqualTo(1);
  }

  @Test
  void aRevokedCertificateIsRefusedAndNothingIsInstalled() {
    w.nodeUses(w.aliceRevoked, null);
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_REVOKED);
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    w.nodeUses(w.aliceFromGlobex, null);
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_UNKNOWN_ISSUER);
  }

  @Test
  void aCertificateOfTheSameCaNamingAHostOfAnotherRealmIsRefusedByTheSink() {
    // The CA serves globex's members too: one of them must not enter acme's site as a member.
    w.nodeUses(w.issue(w.acmeCa, "alice.globex.example", "n"), null);
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_FOREIGN_REALM);
  }

  @Test
  void anExpiredCertificateIsRefused() {
    w.nodeUses(w.aliceExpired, null);
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_EXPIRED);
  }

  @Test
  void aHelloSignedByAnotherKeyThanItsCertificatesIsRefused() throws Exception {
    // alice's certificate, signed with the key of alice's revoked one: a stolen certificate.
    Credential thief = new Credential(w.aliceRevoked.privateKey(), w.alice.chain());
    w.mesh.hearAt("s", "n", w.mesh.addr("n"), hello(thief, 1, 11));
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_BAD_SIGNATURE);
  }

  @Test
  void aHelloFromAnAddressTheCertificateDoesNotNameIsRefused() throws Exception {
    RouteReply hello =
        PkiSigning.sign(
            RouteReply.hello(w.mesh.addr("h"), 0, 1000, 2, false),
            PkiCertificate.of(w.alice.certificate().getEncoded()),
            w.alice,
            millis(),
            5);
    w.mesh.hearAt("s", "n", w.mesh.addr("h"), hello);
    w.mesh.runFor(1_000);

    assertThat(w.sink().counter(AodvCounter.PKI_REFUSED_WRONG_ADDRESS)).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isZero();
  }

  @Test
  void aReplayedHelloIsRefusedWithoutAskingTheMsm() throws Exception {
    RouteReply hello = hello(w.alice, 1, 42);
    w.mesh.hearAt("s", "n", w.mesh.addr("n"), hello);
    w.mesh.runFor(100);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
    List<String> routesBefore = w.sink().routes().stream().map(Object::toString).toList();

    w.mesh.hearAt("s", "n", w.mesh.addr("n"), hello); // the same bytes, as a recording sends them
    w.mesh.runFor(100);

    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_REPLAYED)).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.AUTH_REQUESTS)).isEqualTo(1);
    assertThat(w.acme.admitted()).isEqualTo(1);
    assertThat(w.sink().routes().stream().map(Object::toString).toList()).isEqualTo(routesBefore);
  }

  @Test
  void aHelloTwoSinksOfOneSiteHearIsADuplicateAtTheSecondWhichInstallsNothingAndRefusesNothing()
      throws Exception {
    SiteWorld site = new SiteWorld(List.of("s2"), List.of("s2-h", "s2-n"), Set.of());
    PkiSiteWorld pki = new PkiSiteWorld(site);
    MobilityRouter second = site.mesh.router("s2");
    second.setSitePolicy(
        new SitePolicy(
            new HelloAaClient(site.sinkNode::send, "sink." + SiteWorld.ACME, SiteWorld.ACME, 2),
            SiteWorld.ACME,
            site.mesh.addr("h"),
            Set.of("to-n")));
    second.setPkiPolicy(
        pki.policy(pki.issueSink(pki.acmeCa, "sink2.acme.example", "s2"), null, null));
    RouteReply hello =
        PkiSigning.sign(
            RouteReply.hello(site.mesh.addr("n"), 1, 1000, 2, false),
            PkiCertificate.of(pki.alice.certificate().getEncoded()),
            pki.alice,
            PkiSiteWorld.T0.toEpochMilli() + site.mesh.time.nanoTime() / 1_000_000L,
            42);
    site.mesh.hearAt("s", "n", site.mesh.addr("n"), hello);
    site.mesh.runFor(100);
    assertThat(site.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);

    // The broadcast hello (TTL 1) heard at s2 as well, or captured at s and replayed there.
    site.mesh.hearAt("s2", "n", site.mesh.addr("n"), hello);
    site.mesh.runFor(100);

    assertThat(second.counter(AodvCounter.AUTH_REQUESTS)).as("new to s2's own cache").isOne();
    assertThat(second.counter(AodvCounter.AUTH_DUPLICATE)).isOne();
    assertThat(second.counter(AodvCounter.AUTH_REFUSED)).isZero();
    assertThat(second.counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(second.siteNodes()).as("nothing held for or against the node at s2").isEmpty();
    assertThat(second.routes().stream().anyMatch(r -> r.destination().equals(site.mesh.addr("n"))))
        .as("a route at s2 to the node")
        .isFalse();
    assertThat(site.sink().siteNodes())
        .singleElement()
        .satisfies(n -> assertThat(n.state()).isEqualTo(SiteNode.State.MEMBER));
    assertThat(site.acme.refused(SiteAuthority.Refusal.REPLAYED)).isZero();
    assertThat(site.acme.duplicates()).isOne();
    assertThat(site.acme.admitted()).isEqualTo(1);
  }

  @Test
  void aHelloOlderThanTheWindowIsRefusedAsStale() throws Exception {
    w.mesh.runFor(PkiPolicy.TIMESTAMP_WINDOW_MILLIS + 1_000);
    RouteReply old = hello(w.alice, 1, 9, PkiSiteWorld.T0.toEpochMilli() + 500);
    w.mesh.hearAt("s", "n", w.mesh.addr("n"), old);
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_STALE);
  }

  @Test
  void theNodeRefusesASinkWhoseCertificateIsNotFromItsMsmsCa() {
    assertTheNodeRefusesASinkUsing(w.issueSink(w.globexCa, "sink.acme.example", "s"));
  }

  @Test
  void theNodeRefusesAnotherMembersCertificateAsItsSink() {
    // Of acme's CA and at the sink's address, but without the sink role: a member's certificate.
    assertTheNodeRefusesASinkUsing(w.issue(w.acmeCa, "bob.acme.example", "s"));
  }

  /** The sink admits the node, whose Site Routes are signed with {@code sinkCredential}. */
  private void assertTheNodeRefusesASinkUsing(Credential sinkCredential) {
    w.sinkUses(sinkCredential, null);
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(1_000);

    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).as("the sink took the node").isOne();
    assertThat(w.node().counter(AodvCounter.SINK_REFUSED)).isEqualTo(1);
    assertThat(w.node().counter(AodvCounter.SITE_ROUTES_RECEIVED)).isZero();
    assertThat(w.node().siteRoutes()).isEmpty();
  }

  @Test
  void aSinkFetchesACertificateTheHelloOnlyRefersToFromTheMsmsDns() throws Exception {
    MsmDns dns = new MsmDns(w.mesh.time);
    dns.publish("alice.certs.acme.example.", w.alice.certificate().getEncoded());
    w.sinkUses(w.sink, new DnsCertificateSource(dns));
    w.nodeUses(w.alice, "alice.certs.acme.example.");
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(100);

    assertThat(dns.queries).containsExactly("alice.certs.acme.example./CERT");
    assertThat(w.node().siteRoutes()).hasSize(2);
    assertThat(w.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.MEMBER);
  }

  @Test
  void aReferenceTheMsmsDnsHasNoRecordForIsRefused() {
    MsmDns dns = new MsmDns(w.mesh.time);
    w.sinkUses(w.sink, new DnsCertificateSource(dns));
    w.nodeUses(w.alice, "alice.certs.acme.example.");
    w.node().enterSiteWithCertificate("to-s");
    w.mesh.runFor(1_000);

    assertThat(dns.queries).hasSize(1);
    assertRefusedWithNothingInstalled(AodvCounter.PKI_REFUSED_NOT_FOUND);
  }

  @Test
  void overDiameterASinkFetchesACertificateTheHelloOnlyRefersToFromTheMsm() throws Exception {
    SiteWorld site = new SiteWorld();
    PkiSiteWorld pki = new PkiSiteWorld(site);
    byte[] aliceDer = pki.alice.certificate().getEncoded();
    byte[] revokedDer = pki.aliceRevoked.certificate().getEncoded();
    site.acme.setCertificates(
        (name, answer) ->
            answer.accept(
                name.equals("alice.acme.example") ? List.of(revokedDer, aliceDer) : List.of()));
    pki.sinkUses(pki.sink, msmOver(site));
    pki.nodeUses(pki.alice, "alice.acme.example.");
    pki.node().enterSiteWithCertificate("to-s");
    site.mesh.runFor(100);

    assertThat(certificateRequests(site)).as("AUTHENTICATE_ONLY AA-Requests").isEqualTo(1);
    assertThat(pki.node().siteRoutes()).hasSize(2);
    assertThat(site.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(site.acme.admitted()).isEqualTo(1);
  }

  @Test
  void overDiameterAReferenceTheMsmHasNoCertificateForIsRefusedAndNothingIsInstalled() {
    SiteWorld site = new SiteWorld();
    PkiSiteWorld pki = new PkiSiteWorld(site);
    site.acme.setCertificates((name, answer) -> answer.accept(List.of()));
    pki.sinkUses(pki.sink, msmOver(site));
    pki.nodeUses(pki.alice, "alice.acme.example.");
    pki.node().enterSiteWithCertificate("to-s");
    site.mesh.runFor(1_000);

    assertThat(certificateRequests(site)).isEqualTo(1);
    assertThat(site.sink().counter(AodvCounter.PKI_REFUSED_NOT_FOUND)).isEqualTo(1);
    assertThat(site.sink().counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(site.sink().siteNodes()).isEmpty();
    assertThat(site.sinkHasRouteTo("n")).isFalse();
    assertThat(site.acme.admitted()).isZero();
  }

  /** The sink's way to the MSM of its realm for certificates, over its Diameter node (c56). */
  private static DirectoryCertificateSource msmOver(SiteWorld site) {
    return new DirectoryCertificateSource(
        new HelloAaClient(site.sinkNode::send, "sink." + SiteWorld.ACME, SiteWorld.ACME, 3)
            ::certificates);
  }

  private static long certificateRequests(SiteWorld site) {
    return site.diameter.wire.stream()
        .filter(m -> m.isRequest() && m.commandCode() == 265)
        .filter(
            m ->
                m.find(io.mvpn.diameter.message.AvpCode.AUTH_REQUEST_TYPE)
                    .map(a -> a.data()[3] == 1)
                    .orElse(false))
        .count();
  }

  private long millis() {
    return PkiSiteWorld.T0.toEpochMilli() + w.mesh.time.nanoTime() / 1_000_000L;
  }

  private RouteReply hello(Credential as, int seq, long nonce) throws Exception {
    return hello(as, seq, nonce, millis());
  }

  private RouteReply hello(Credential as, int seq, long nonce, long timestamp) throws Exception {
    return PkiSigning.sign(
        RouteReply.hello(w.mesh.addr("n"), seq, 1000, 2, false),
        PkiCertificate.of(as.certificate().getEncoded()),
        as,
        timestamp,
        nonce);
  }

  private void assertRefusedWithNothingInstalled(AodvCounter reason) {
    assertThat(w.sink().counter(reason)).as(reason.name()).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED)).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.AUTH_REQUESTS)).as("the MSM asked").isZero();
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(w.sinkHasRouteToNode()).as("a route to the refused node").isFalse();
    assertThat(w.sink().siteNodes()).isEmpty();
    assertThat(w.node().siteRoutes()).isEmpty();
    w.mesh.send("n", "h", 5);
    w.mesh.runFor(5_000);
    assertThat(w.mesh.received.get("h")).isEmpty();
  }
}
