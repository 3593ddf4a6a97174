package io.mvpn.aodv;

import static io.mvpn.aodv.MeshLab.MS;
import static io.mvpn.aodv.SiteWorld.ALICE;
import static io.mvpn.aodv.SiteWorld.ALICE_KEY;
import static io.mvpn.aodv.SiteWorld.BOB;
import static io.mvpn.aodv.SiteWorld.BOB_HOME;
import static io.mvpn.aodv.SiteWorld.BOB_KEY;
import static io.mvpn.aodv.SiteWorld.SPI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.SiteRoutes;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c40-49 in virtual time: a node entering acme's site with an authenticated hello is
 * checked by its home MSM over Diameter before anything of it is taken, then gets its routes and
 * workgroup filter; a visitor of globex, checked by its own MSM through acme's relaying MSM, gets
 * only the default route via the foreign agent and may only tunnel to it. Each refusal is counted
 * and leaves the sink's route table and filters as they were.
 */
class AuthenticatedHelloScenarioTest {

  /** The hello-to-routes budget: two radio hops (1 ms each), a Diameter round trip (10 ms). */
  static final long BUDGET_MS = 15;

  private final SiteWorld w = new SiteWorld();

  @Test
  void aMemberWithTheRightKeyGetsItsRoutesAndFilterWithinFifteenMilliseconds() {
    long sent = w.mesh.time.nanoTime();
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    long latency = runUntilRoutes("n", sent);

    assertThat(latency).isLessThanOrEqualTo(BUDGET_MS * MS);
    System.out.printf("hello-to-routes: %.1f ms of virtual time%n", latency / (double) MS);
    // c43: the site's default route toward the security gateway, the home range at a lower cost.
    assertThat(w.mesh.router("n").siteRoutes())
        .containsExactly(
            new SiteRoutes.Route(Prefix.DEFAULT_ROUTE, w.mesh.addr("h"), 10),
            new SiteRoutes.Route(Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1));
    SiteNode alice = w.sink().siteNodes().get(0);
    assertThat(alice.state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(alice.filterRules()).contains("permit in ip from 10.1.0.3 to 10.1.0.0/16");
    assertThat(w.sinkHasRouteTo("n")).isTrue();
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
    assertThat(w.acme.admitted()).isEqualTo(1);

    w.mesh.send("n", "h", 7); // inside the home range: the filter lets it through
    w.mesh.runFor(500);
    assertThat(w.mesh.received.get("h")).containsExactly(7);
    assertThat(w.sink().counter(AodvCounter.FILTER_DROPPED)).isZero();
  }

  /**
   * The PKI hello (c50-54) beside the HMAC one, over the same links and Diameter hops: the sink
   * checks the certificate and signature itself and asks acme's MSM only to authorise; the node
   * checks the sink's certificate before it takes the routes. Signing and checking take CPU time,
   * none of the scenario's virtual time.
   */
  @Test
  void aMemberWithACertificateGetsItsRoutesOverDiameterWithinTheSameBudget() {
    PkiSiteWorld pki = new PkiSiteWorld(w);
    long sent = w.mesh.time.nanoTime();
    pki.node().enterSiteWithCertificate("to-s");
    long latency = runUntilRoutes("n", sent);

    assertThat(latency).isLessThanOrEqualTo(BUDGET_MS * MS);
    System.out.printf("pki hello-to-routes: %.1f ms of virtual time%n", latency / (double) MS);
    assertThat(w.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(pki.node().counter(AodvCounter.SINK_REFUSED)).isZero();
    assertThat(w.acme.admitted()).isEqualTo(1);
  }

  @Test
  void aHelloSignedWithTheWrongKeyIsRefusedByTheMsmAndNothingIsInstalled() {
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, SiteWorld.key("not alice's key"));
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled("n", AodvCounter.AUTH_REFUSED_REJECTED);
    assertThat(w.acme.refused(SiteAuthority.Refusal.WRONG_AUTHENTICATOR)).isEqualTo(1);
  }

  @Test
  void aNodeTheMsmDoesNotKnowIsRefusedAndNothingIsInstalled() {
    w.mesh.router("n").enterSite("to-s", "mallory@" + SiteWorld.ACME, SPI, ALICE_KEY);
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled("n", AodvCounter.AUTH_REFUSED_REJECTED);
    assertThat(w.acme.refused(SiteAuthority.Refusal.UNKNOWN_NODE)).isEqualTo(1);
  }

  @Test
  void aReplayedHelloIsRefusedByTheSinkWithoutAskingTheMsm() {
    RouteReply hello =
        HelloAuthentication.sign(
            RouteReply.hello(w.mesh.addr("n"), 0, 1000, 2, false), ALICE, SPI, 42, ALICE_KEY);
    hearAtSink("n", hello);
    w.mesh.runFor(100);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
    int requests = w.diameter.wire.size();
    List<String> routesBefore = w.sink().routes().stream().map(Object::toString).toList();

    hearAtSink("n", hello); // the same bytes again, as a recording would send them
    w.mesh.runFor(100);

    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_REPLAYED)).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.AUTH_REQUESTS)).isEqualTo(1);
    assertThat(w.diameter.wire.size()).as("no Diameter round trip").isEqualTo(requests);
    assertThat(w.sink().routes().stream().map(Object::toString).toList()).isEqualTo(routesBefore);
  }

  @Test
  void aReplayedHelloOfARefusedNodeInstallsNothing() {
    RouteReply forged =
        HelloAuthentication.sign(
            RouteReply.hello(w.mesh.addr("n"), 0, 1000, 2, false), ALICE, SPI, 42, BOB_KEY);
    hearAtSink("n", forged);
    hearAtSink("n", forged);
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled("n", AodvCounter.AUTH_REFUSED_REJECTED);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_REPLAYED)).isEqualTo(1);
  }

  @Test
  void aForgedHelloWithAMembersAddressDoesNotCutTheMemberOff() {
    long sent = w.mesh.time.nanoTime();
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    runUntilRoutes("n", sent);

    // Anyone on the link can put alice's address on a hello with an identity of its own making.
    hearAtSink(
        "n",
        HelloAuthentication.sign(
            RouteReply.hello(w.mesh.addr("n"), 0, 1000, 2, false),
            "mallory@" + SiteWorld.ACME,
            SPI,
            7,
            BOB_KEY));
    w.mesh.runFor(1_000);

    assertThat(w.acme.refused(SiteAuthority.Refusal.UNKNOWN_NODE)).isEqualTo(1);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_REJECTED)).isEqualTo(1);
    assertThat(w.sinkHasRouteTo("n")).isTrue();
    w.mesh.send("n", "h", 11);
    w.mesh.runFor(500);
    assertThat(w.mesh.received.get("h")).containsExactly(11);
    assertThat(w.sink().counter(AodvCounter.FILTER_DROPPED)).isZero();
  }

  @Test
  void aSpoofedSourceOnAnAccessLinkIsDroppedWhileTheAdmittedNodesTrafficPasses() {
    long sent = w.mesh.time.nanoTime();
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    runUntilRoutes("n", sent);
    w.mesh.send("n", "h", 1);
    w.mesh.runFor(500);
    assertThat(w.mesh.received.get("h")).containsExactly(1);

    // From alice's link, a source nobody admitted: no filter of its own, so none to escape.
    ByteBuf payload = UnpooledByteBufAllocator.DEFAULT.buffer(4).writeInt(2);
    ByteBuf spoofed =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            Ipv4Address.parse("10.1.0.99").toInt(),
            w.mesh.addr("h").toInt(),
            9000,
            9000,
            payload,
            64);
    payload.release();
    w.mesh.lab.vrf("s", "mesh").getInterface("to-n").receive(spoofed);
    w.mesh.runFor(500);

    assertThat(w.mesh.received.get("h")).containsExactly(1);
    assertThat(w.sink().counter(AodvCounter.FILTER_DROPPED)).isEqualTo(1);
    w.mesh.send("n", "h", 3);
    w.mesh.runFor(500);
    assertThat(w.mesh.received.get("h")).containsExactly(1, 3);
  }

  @Test
  void aVisitorGetsOnlyTheDefaultRouteViaTheForeignAgentAndMayOnlyTunnelToIt() {
    long sent = w.mesh.time.nanoTime();
    w.mesh.router("v").enterSite("to-s", BOB, SPI, BOB_KEY);
    long latency = runUntilRoutes("v", sent);
    System.out.printf("visitor hello-to-routes: %.1f ms of virtual time%n", latency / (double) MS);

    // c46: the home MSM (globex, through acme's relay) said yes; the site gives the FA only.
    assertThat(w.globex.admitted()).isEqualTo(1);
    assertThat(w.acme.admitted()).isZero();
    assertThat(w.mesh.router("v").siteRoutes())
        .containsExactly(new SiteRoutes.Route(Prefix.DEFAULT_ROUTE, w.mesh.addr("h"), 1));
    assertThat(w.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.VISITOR);
    assertThat(w.sink().counter(AodvCounter.VISITORS_ADMITTED)).isEqualTo(1);

    // c47-49: home address inside, visited address outside, to the foreign agent: let through.
    w.tunnelFromVisitor(w.mesh.addr("h"), Ipv4Address.parse("10.2.0.1"), 1);
    w.mesh.runFor(500);
    assertThat(w.atForeignAgent)
        .containsExactly(new SiteWorld.Tunnelled(w.mesh.addr("v"), BOB_HOME));
    long dropped = w.sink().counter(AodvCounter.FILTER_DROPPED);
    assertThat(dropped).isZero();

    // Straight to a site host, bypassing the foreign agent: dropped and counted.
    w.mesh.send("v", "h", 9);
    w.mesh.runFor(500);
    assertThat(w.mesh.received.get("h")).isEmpty();
    assertThat(w.sink().counter(AodvCounter.FILTER_DROPPED)).isEqualTo(1);
  }

  @Test
  void aVisitorTheHomeMsmRefusesGetsNothing() {
    w.mesh.router("v").enterSite("to-s", BOB, SPI, ALICE_KEY);
    w.mesh.runFor(1_000);

    assertRefusedWithNothingInstalled("v", AodvCounter.AUTH_REFUSED_REJECTED);
    assertThat(w.globex.refused(SiteAuthority.Refusal.WRONG_AUTHENTICATOR)).isEqualTo(1);
  }

  @Test
  void aNeighbourOnAnAccessLinkWithoutAnAuthenticatedHelloIsNotListenedTo() {
    w.mesh.send("n", "h", 3); // n's RREQs reach the sink, which ignores them
    w.mesh.runFor(5_000);

    assertThat(w.sinkHasRouteTo("n")).isFalse();
    assertThat(w.mesh.received.get("h")).isEmpty();
    assertThat(w.sink().counter(AodvCounter.IGNORED)).isPositive();
  }

  @Test
  void aFloodOfForgedHellosCostsTheMsmOnlyTheSendersRateAndARealMemberStillGetsIn() {
    int flood = 1_000;
    for (int i = 0; i < flood; i++) {
      hearAtSink("n", forged(i));
    }
    w.mesh.runFor(2_000);

    int asked = HelloAdmission.HELLOS_PER_SENDER_PER_SECOND;
    assertThat(w.acme.refused(SiteAuthority.Refusal.UNKNOWN_NODE)).isEqualTo(asked);
    assertThat(w.sink().counter(AodvCounter.AUTH_REQUESTS)).isEqualTo(asked);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_RATE_LIMITED)).isEqualTo(flood - asked);
    assertThat(w.sink().siteNodes()).hasSize(asked);

    long sent = w.mesh.time.nanoTime();
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    runUntilRoutes("n", sent);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
  }

  @Test
  void forgedIdentitiesAtTheSendersRateAreBoundedAndARealMemberStillGetsIn() {
    int flood = HelloAdmission.MAX_NODES + 100;
    for (int i = 0; i < flood; i++) {
      if (i % HelloAdmission.HELLOS_PER_SENDER_PER_SECOND == 0) {
        w.mesh.runFor(1_000);
      }
      hearAtSink("n", forged(i));
    }
    w.mesh.runFor(2_000);

    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_RATE_LIMITED)).isZero();
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_BUSY)).isEqualTo(0);
    assertThat(w.sink().siteNodes()).hasSize(HelloAdmission.MAX_NODES);

    long sent = w.mesh.time.nanoTime();
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    runUntilRoutes("n", sent);
    assertThat(w.sink().siteNodes()).hasSize(HelloAdmission.MAX_NODES);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
  }

  @Test
  void requestsAnMsmLeavesUnansweredAreCappedAndGiveWayAfterTheTimeout() {
    List<HelloCredentials> asked = new ArrayList<>();
    w.mesh
        .router("s")
        .setSitePolicy(
            new SitePolicy(
                (credentials, answer) -> asked.add(credentials), // an MSM that never answers
                SiteWorld.ACME,
                w.mesh.addr("h"),
                Set.of("to-n", "to-v")));
    int perSecond = HelloAdmission.HELLOS_PER_LINK_PER_SECOND;
    int seconds = HelloAdmission.MAX_OUTSTANDING / perSecond + 1;
    for (int i = 0; i < seconds * perSecond; i++) {
      if (i % perSecond == 0) {
        w.mesh.runFor(1_000);
      }
      Ipv4Address sender = Ipv4Address.of(Ipv4Address.parse("10.1.1.1").toInt() + i);
      hearOn("n", sender, forgedHelloFrom(sender, i));
    }

    assertThat(asked).hasSize(HelloAdmission.MAX_OUTSTANDING);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_RATE_LIMITED)).isEqualTo(perSecond);

    w.mesh.runFor(HelloAdmission.ANSWER_TIMEOUT_MILLIS);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_UNREACHABLE))
        .isEqualTo(HelloAdmission.MAX_OUTSTANDING);
    Ipv4Address late = Ipv4Address.parse("10.1.3.1");
    hearOn("n", late, forgedHelloFrom(late, 9_999));
    assertThat(asked).hasSize(HelloAdmission.MAX_OUTSTANDING + 1);
  }

  private static RouteReply forgedHelloFrom(Ipv4Address sender, int i) {
    return HelloAuthentication.sign(
        RouteReply.hello(sender, 0, 1000, 2, false),
        "forged" + i + "@" + SiteWorld.ACME,
        SPI,
        1,
        BOB_KEY);
  }

  private RouteReply forged(int i) {
    return forgedHelloFrom(w.mesh.addr("n"), i);
  }

  private void assertRefusedWithNothingInstalled(String node, AodvCounter reason) {
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED)).isPositive();
    assertThat(w.sink().counter(reason)).isPositive();
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(w.sink().counter(AodvCounter.VISITORS_ADMITTED)).isZero();
    assertThat(w.sinkHasRouteTo(node)).as("a route to the refused node").isFalse();
    assertThat(w.sink().siteNodes())
        .allSatisfy(
            n -> {
              assertThat(n.state()).isEqualTo(SiteNode.State.REFUSED);
              assertThat(n.routes()).isEmpty();
              assertThat(n.filterRules()).isEmpty();
            });
    assertThat(w.mesh.router(node).siteRoutes()).isEmpty();
    // Its data goes nowhere either.
    w.mesh.send(node, "h", 5);
    w.mesh.runFor(5_000);
    assertThat(w.mesh.received.get("h")).isEmpty();
  }

  private long runUntilRoutes(String node, long sent) {
    return w.runUntilSiteRoutes(node, sent);
  }

  /** {@code hello} as the sink hears it from {@code node} on their link. */
  private void hearAtSink(String node, RouteReply hello) {
    hearOn(node, w.mesh.addr(node), hello);
  }

  /** {@code hello} from {@code source}, as the sink hears it on its link to {@code node}. */
  private void hearOn(String node, Ipv4Address source, RouteReply hello) {
    w.mesh.hearAt("s", node, source, hello);
  }
}
