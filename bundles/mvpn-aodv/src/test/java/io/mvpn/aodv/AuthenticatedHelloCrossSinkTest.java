package io.mvpn.aodv;

import static io.mvpn.aodv.SiteWorld.ACME;
import static io.mvpn.aodv.SiteWorld.ALICE;
import static io.mvpn.aodv.SiteWorld.ALICE_KEY;
import static io.mvpn.aodv.SiteWorld.BOB;
import static io.mvpn.aodv.SiteWorld.BOB_KEY;
import static io.mvpn.aodv.SiteWorld.GLOBEX;
import static io.mvpn.aodv.SiteWorld.SPI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.diameter.nasreq.HelloAaClient;
import io.mvpn.msm.SiteAuthority;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c40-49 with more than one sink: a node broadcasts its authenticated hello (TTL 1), so
 * every sink on its link hears the same one and asks the node's home MSM over Diameter. The first
 * is answered; a later sink of the same site realm gets a duplicate, installs nothing and holds
 * nothing against the node. The same hello asked for by a sink of another realm, or one older than
 * what the MSM took last, is a replay: refused and counted. In virtual time, every AA-Request and
 * AA-Answer encoded and decoded (mvpn-diameter's MemoryNetwork).
 */
class AuthenticatedHelloCrossSinkTest {

  private final SiteWorld w = new SiteWorld(List.of("s2"), List.of("s2-h", "s2-n"), Set.of());

  /** A second sink of acme's site, on n's link too, asking through the site's Diameter node. */
  private MobilityRouter secondSinkOfTheSite() {
    return sinkOnNsLink(new HelloAaClient(w.sinkNode::send, "sink." + ACME, ACME, 2), ACME);
  }

  /** A sink of globex's realm on n's link, asking through globex's Diameter node. */
  private MobilityRouter sinkOfAnotherRealm() {
    return sinkOnNsLink(new HelloAaClient(w.globexMsm::send, "msm." + GLOBEX, GLOBEX, 3), GLOBEX);
  }

  private MobilityRouter sinkOnNsLink(HelloAaClient client, String realm) {
    MobilityRouter sink = w.mesh.router("s2");
    sink.setSitePolicy(new SitePolicy(client, realm, w.mesh.addr("h"), Set.of("to-n")));
    return sink;
  }

  private RouteReply helloOf(String node, String identity, long timestamp, byte[] key) {
    return HelloAuthentication.sign(
        RouteReply.hello(w.mesh.addr(node), 1, 1000, 2, false), identity, SPI, timestamp, key);
  }

  /**
   * {@code identity}'s hello from n, of timestamp 42, heard and taken at s (as {@code counted}).
   */
  private RouteReply takenAtTheFirstSink(String identity, byte[] key, AodvCounter counted) {
    RouteReply hello = helloOf("n", identity, 42, key);
    hear("s", "n", hello);
    assertThat(w.sink().counter(counted)).isEqualTo(1);
    return hello;
  }

  private void hear(String sink, String node, RouteReply hello) {
    w.mesh.hearAt(sink, node, w.mesh.addr(node), hello);
    w.mesh.runFor(100);
  }

  @Test
  void aHelloTwoSinksOfOneSiteHearIsADuplicateAtTheSecondWhichInstallsNothingAndRefusesNothing() {
    MobilityRouter second = secondSinkOfTheSite();
    RouteReply hello = takenAtTheFirstSink(ALICE, ALICE_KEY, AodvCounter.NODES_ADMITTED);

    hear("s2", "n", hello); // the same broadcast, heard on s2's link to n

    assertThat(second.counter(AodvCounter.AUTH_REQUESTS)).as("new to s2").isOne();
    assertADuplicateAt(second, w.acme);
    assertThat(w.acme.admitted()).isEqualTo(1);
    // Nothing held against the node at s2: its next hello is asked for and taken there.
    hear("s2", "n", helloOf("n", ALICE, 43, ALICE_KEY));
    assertThat(second.counter(AodvCounter.NODES_ADMITTED)).isOne();
    assertThat(w.acme.admitted()).isEqualTo(2);
  }

  @Test
  void aVisitorsHelloTwoSinksOfOneSiteHearIsADuplicateAtItsHomeMsmThroughTheRelay() {
    MobilityRouter second = secondSinkOfTheSite();
    // Bob of globex, visiting from n's place on the link both sinks hear.
    RouteReply hello = takenAtTheFirstSink(BOB, BOB_KEY, AodvCounter.VISITORS_ADMITTED);

    hear("s2", "n", hello);

    assertADuplicateAt(second, w.globex);
  }

  @Test
  void aHelloCapturedAtOneSiteAndReplayedAtASinkOfAnotherRealmIsRefused() {
    MobilityRouter other = sinkOfAnotherRealm();
    RouteReply hello = takenAtTheFirstSink(ALICE, ALICE_KEY, AodvCounter.NODES_ADMITTED);

    hear("s2", "n", hello);

    assertThat(other.counter(AodvCounter.AUTH_REQUESTS)).isOne();
    assertAReplayAt(other);
    assertThat(w.acme.admitted()).isEqualTo(1);
  }

  @Test
  void aHelloOlderThanTheLastTheMsmTookIsRefusedAtASecondSink() {
    MobilityRouter second = secondSinkOfTheSite();
    RouteReply withheld = helloOf("n", ALICE, 41, ALICE_KEY); // signed, kept from every sink
    hear("s", "n", helloOf("n", ALICE, 42, ALICE_KEY));

    hear("s2", "n", withheld);

    assertAReplayAt(second);
    assertThat(w.acme.admitted()).isEqualTo(1);
  }

  @Test
  void aHelloOlderThanTheMsmsSpanIsARefusedReplayEvenAtASinkOfTheSameSite() {
    MobilityRouter second = secondSinkOfTheSite();
    RouteReply first = helloOf("n", ALICE, 42, ALICE_KEY);
    hear("s", "n", first);
    w.mesh.runFor(SiteAuthority.AUTHORISED_HELLO_SPAN_MILLIS + 1_000);
    hear(
        "s",
        "n",
        helloOf("n", ALICE, 42 + SiteAuthority.AUTHORISED_HELLO_SPAN_MILLIS + 1, ALICE_KEY));
    assertThat(w.acme.admitted()).isEqualTo(2);

    hear("s2", "n", first); // captured a minute ago at s

    assertAReplayAt(second);
  }

  @Test
  void aForgedHelloIsCheckedBeforeTheMsmRecordsItSoTheRealOneIsStillTaken() {
    MobilityRouter second = secondSinkOfTheSite();
    // Someone on the link who knows alice's next timestamp, but not her key, is quicker at s2.
    hear("s2", "n", helloOf("n", ALICE, 42, BOB_KEY));
    assertThat(w.acme.refused(SiteAuthority.Refusal.WRONG_AUTHENTICATOR)).isOne();

    hear("s", "n", helloOf("n", ALICE, 42, ALICE_KEY));

    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isOne();
    assertThat(w.acme.admitted()).isOne();
    assertThat(w.acme.duplicates()).isZero();
    assertThat(w.acme.refused(SiteAuthority.Refusal.REPLAYED)).isZero();
    assertThat(second.counter(AodvCounter.NODES_ADMITTED)).isZero();
  }

  /** The hello was a duplicate at {@code second}: counted, nothing installed, nothing refused. */
  private void assertADuplicateAt(MobilityRouter second, SiteAuthority home) {
    assertThat(second.counter(AodvCounter.AUTH_DUPLICATE)).isOne();
    assertThat(second.counter(AodvCounter.AUTH_REFUSED)).isZero();
    assertNothingInstalledAt(second);
    assertThat(second.siteNodes()).as("nothing held for or against the node at s2").isEmpty();
    assertThat(home.duplicates()).isOne();
    assertThat(home.refused(SiteAuthority.Refusal.REPLAYED)).isZero();
  }

  /**
   * The hello was a replay at {@code second}: refused by acme's MSM, counted, nothing installed.
   */
  private void assertAReplayAt(MobilityRouter second) {
    assertThat(second.counter(AodvCounter.AUTH_REFUSED_REJECTED)).isOne();
    assertThat(second.counter(AodvCounter.AUTH_DUPLICATE)).isZero();
    assertNothingInstalledAt(second);
    assertThat(w.acme.refused(SiteAuthority.Refusal.REPLAYED)).isOne();
    assertThat(w.acme.duplicates()).isZero();
  }

  /** Nothing of the node at {@code second}; the first sink keeps it as its member or visitor. */
  private void assertNothingInstalledAt(MobilityRouter second) {
    assertThat(second.counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(second.counter(AodvCounter.VISITORS_ADMITTED)).isZero();
    assertThat(routeToN(second)).as("a route at s2 to the node").isFalse();
    assertThat(w.sink().siteNodes())
        .singleElement()
        .satisfies(n -> assertThat(n.state()).isIn(SiteNode.State.MEMBER, SiteNode.State.VISITOR));
  }

  private boolean routeToN(MobilityRouter router) {
    return router.routes().stream().anyMatch(r -> r.destination().equals(w.mesh.addr("n")));
  }
}
