package io.mvpn.aodv;

import static io.mvpn.aodv.DhcpSiteWorld.CAROL;
import static io.mvpn.aodv.DhcpSiteWorld.CAROL_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.dhcp.DhcpMessage;
import io.mvpn.aodv.dhcp.DhcpOption;
import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.api.Ipv4Address;
import io.mvpn.msm.SiteAuthority;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c57-62 in virtual time: a node that speaks only DHCP enters acme's site with a DHCP
 * request carrying its home address and authenticator; the sink asks the node's home MSM over
 * Diameter, leases it the address, and acts for it in AODV: it starts the route discovery when the
 * node's first datagram finds no route, holds the node's datagrams (bounded, drops counted) until
 * the route exists, then delivers them, and answers RREQs for the node. Refusals (wrong
 * authenticator, unknown node, replay) are counted and install nothing.
 */
class DhcpProxyScenarioTest {

  private final DhcpSiteWorld w = new DhcpSiteWorld();

  @Test
  void aNodeSpeakingOnlyDhcpGetsItsOwnAddressAfterOneQuestionToItsHomeMsm() {
    HelloAuthentication hello = DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 1);
    w.send(w.request(DhcpOption.DISCOVER, hello, null));
    w.mesh.runFor(100);

    DhcpMessage offer = w.lastReply();
    assertThat(offer.messageType()).isEqualTo(DhcpOption.OFFER);
    assertThat(offer.yiaddr()).isEqualTo(w.carolHome());
    assertThat(offer.serverIdentifier()).isEqualTo(w.mesh.addr("s"));
    assertThat(offer.option(DhcpOption.ROUTER)).isEqualTo(w.mesh.addr("s").toBytes());
    assertThat(offer.option(DhcpOption.SUBNET_MASK))
        .isEqualTo(Ipv4Address.parse("255.255.0.0").toBytes());
    assertThat(offer.leaseSeconds()).isEqualTo(DhcpSiteWorld.LEASE_SECONDS);
    // Offered is not installed: no filter, no proxy, until the node requests the address.
    assertThat(w.sink().siteNodes()).isEmpty();
    assertThat(w.sink().dhcpLeases())
        .singleElement()
        .satisfies(l -> assertThat(l.state()).isEqualTo(DhcpLease.State.OFFERED));

    w.send(w.request(DhcpOption.REQUEST, hello, offer.serverIdentifier()));
    w.mesh.runFor(100);

    DhcpMessage ack = w.lastReply();
    assertThat(ack.messageType()).isEqualTo(DhcpOption.ACK);
    assertThat(ack.xid()).isNotEqualTo(offer.xid());
    assertThat(ack.yiaddr()).isEqualTo(w.carolHome());
    assertThat(w.sink().dhcpLeases())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.identity()).isEqualTo(CAROL);
              assertThat(l.state()).isEqualTo(DhcpLease.State.BOUND);
              assertThat(l.hardwareAddress()).isEqualTo("02:00:00:00:00:0d");
              assertThat(l.secondsLeft()).isBetween(590L, 600L);
            });
    SiteNode carol = w.sink().siteNodes().get(0);
    assertThat(carol.state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(carol.filterRules()).contains("permit in ip from 10.1.0.6 to 10.1.0.0/16");
    // c60: the MSM was asked once over Diameter, for the DISCOVER; the REQUEST repeated its hello.
    assertThat(w.counter(AodvCounter.DHCP_AUTH_REQUESTS)).isEqualTo(1);
    assertThat(w.site.acme.admitted()).isEqualTo(1);
    assertThat(w.counter(AodvCounter.DHCP_NODES_BOUND)).isEqualTo(1);
  }

  @Test
  void aRequestTwoSinksOfOneSiteHearIsAckedByOneAndNotNakedByTheOther() {
    DhcpSiteWorld two = new DhcpSiteWorld(true);
    MobilityRouter s2 = two.secondSink();
    HelloAuthentication hello = DhcpSiteWorld.hello(two.carolHome(), CAROL_KEY, 1);

    // INIT-REBOOT: a broadcast REQUEST with no server identifier, heard by both sinks.
    two.sendToBoth(two.request(DhcpOption.REQUEST, hello, null));
    two.mesh.runFor(100);

    // s was asked first and ACKs; s2 gets the MSM's duplicate: no NAK, no answer, nothing kept.
    assertThat(two.repliesAtD).extracting(DhcpMessage::messageType).containsExactly(DhcpOption.ACK);
    assertThat(two.counter(AodvCounter.DHCP_NODES_BOUND)).isEqualTo(1);
    assertThat(s2.counter(AodvCounter.DHCP_AUTH_REQUESTS)).isEqualTo(1);
    assertThat(s2.counter(AodvCounter.DHCP_DUPLICATE)).isEqualTo(1);
    assertThat(s2.counter(AodvCounter.DHCP_NAKS)).isZero();
    assertThat(s2.counter(AodvCounter.DHCP_REFUSED)).isZero();
    assertThat(s2.dhcpLeases()).isEmpty();
    assertThat(s2.siteNodes()).isEmpty();
    assertThat(two.site.acme.duplicates()).isEqualTo(1);

    // Nothing held against the node at s2: its next hello is asked for and taken there.
    HelloAuthentication next = DhcpSiteWorld.hello(two.carolHome(), CAROL_KEY, 2);
    two.sendOn("to-s2", two.request(DhcpOption.REQUEST, next, null));
    two.mesh.runFor(100);
    assertThat(s2.counter(AodvCounter.DHCP_NODES_BOUND)).isEqualTo(1);
  }

  @Test
  void datagramsSentBeforeTheRouteExistsAreHeldThenDeliveredInOrder() {
    w.lease(DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 1));
    assertThat(w.sink().activeRoute(w.mesh.addr("f"))).isEmpty();

    w.sendFromD(w.mesh.addr("f"), 1);
    w.sendFromD(w.mesh.addr("f"), 2);
    w.sendFromD(w.mesh.addr("f"), 3);
    w.mesh.runFor(2); // on the sink, before any RREP could be back from two hops away

    assertThat(w.counter(AodvCounter.PROXY_BUFFERED)).isEqualTo(3);
    assertThat(w.sink().dhcpLeases().get(0).waiting()).isEqualTo(3);
    assertThat(w.mesh.received.get("f")).isEmpty();

    w.mesh.runFor(500);

    // c61-62: the sink's own discovery found f; the node's datagrams followed, in order.
    assertThat(w.sink().activeRoute(w.mesh.addr("f"))).isPresent();
    assertThat(w.mesh.received.get("f")).containsExactly(1, 2, 3);
    assertThat(w.counter(AodvCounter.PROXY_DELIVERED)).isEqualTo(3);
    assertThat(w.counter(AodvCounter.PROXY_DROPPED)).isZero();
    DhcpLease lease = w.sink().dhcpLeases().get(0);
    assertThat(lease.waiting()).isZero();
    assertThat(lease.delivered()).isEqualTo(3);

    // c57: f looks for the node; the sink answers for it and carries the answer over.
    w.mesh.send("f", "d", 9);
    w.mesh.runFor(500);
    assertThat(w.counter(AodvCounter.PROXY_RREP_SENT)).isPositive();
    assertThat(w.dataAtD).containsExactly(9);
  }

  @Test
  void theHeldDatagramsAreBoundedAndWhatFindsNoRouteIsDroppedAndCounted() {
    w.lease(DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 1));
    Ipv4Address nobody = Ipv4Address.parse("10.1.9.9");
    int sent = ProxiedNodes.MAX_HELD_PER_NODE + 8;
    IntStream.range(0, sent).forEach(i -> w.sendFromD(nobody, i));
    w.mesh.runFor(2);

    assertThat(w.counter(AodvCounter.PROXY_BUFFERED)).isEqualTo(ProxiedNodes.MAX_HELD_PER_NODE);
    assertThat(w.counter(AodvCounter.PROXY_DROPPED)).isEqualTo(8);

    w.mesh.runFor(60_000); // every ring and retry of the discovery runs out

    assertThat(w.counter(AodvCounter.DISCOVERIES_FAILED)).isEqualTo(1);
    assertThat(w.counter(AodvCounter.PROXY_DROPPED)).isEqualTo(sent);
    assertThat(w.counter(AodvCounter.PROXY_DELIVERED)).isZero();
    assertThat(w.sink().dhcpLeases().get(0).waiting()).isZero();
  }

  @Test
  void aHelloWithTheWrongKeyIsRefusedByTheMsmAndNothingIsInstalled() {
    HelloAuthentication forged = DhcpSiteWorld.hello(w.carolHome(), SiteWorld.BOB_KEY, 1);
    w.send(w.request(DhcpOption.DISCOVER, forged, null));
    w.mesh.runFor(100);
    w.send(w.request(DhcpOption.REQUEST, forged, null)); // INIT-REBOOT: straight to REQUEST
    w.mesh.runFor(100);

    assertThat(w.repliesAtD)
        .singleElement()
        .satisfies(nak -> assertThat(nak.messageType()).isEqualTo(DhcpOption.NAK));
    assertThat(w.counter(AodvCounter.DHCP_REFUSED_REJECTED)).isEqualTo(2);
    assertThat(w.site.acme.refused(SiteAuthority.Refusal.WRONG_AUTHENTICATOR)).isEqualTo(2);
    assertNothingInstalled();
  }

  @Test
  void aNodeTheMsmDoesNotKnowIsRefusedAndNothingIsInstalled() {
    HelloAuthentication mallory =
        io.mvpn.aodv.dhcp.DhcpHello.sign(
            w.carolHome(),
            DhcpSiteWorld.MAC,
            "mallory@" + SiteWorld.ACME,
            SiteWorld.SPI,
            1,
            CAROL_KEY);
    w.send(w.request(DhcpOption.REQUEST, mallory, null));
    w.mesh.runFor(100);

    assertThat(w.lastReply().messageType()).isEqualTo(DhcpOption.NAK);
    assertThat(w.counter(AodvCounter.DHCP_REFUSED_REJECTED)).isEqualTo(1);
    assertThat(w.site.acme.refused(SiteAuthority.Refusal.UNKNOWN_NODE)).isEqualTo(1);
    assertNothingInstalled();
  }

  @Test
  void aCopyOfTheHoldersHelloFromAnotherStationIsRefusedAsAReplayAndTheLeaseStays() {
    HelloAuthentication hello = DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 7);
    DhcpMessage ack = w.lease(hello);
    long asked = w.counter(AodvCounter.DHCP_AUTH_REQUESTS);
    long acks = w.counter(AodvCounter.DHCP_ACKS);

    w.sendFromStation(w.request(DhcpOption.REQUEST, hello, ack.serverIdentifier()), 5);
    w.mesh.runFor(100);

    assertThat(w.lastReply().messageType()).isEqualTo(DhcpOption.NAK);
    assertThat(w.counter(AodvCounter.DHCP_REFUSED_REPLAYED)).isEqualTo(1);
    assertThat(w.counter(AodvCounter.DHCP_AUTH_REQUESTS)).isEqualTo(asked);
    assertThat(w.counter(AodvCounter.DHCP_ACKS)).isEqualTo(acks);
    assertStillBound();
    w.send(w.request(DhcpOption.REQUEST, hello, null)); // the holder renews
    w.mesh.runFor(100);
    assertThat(w.lastReply().messageType()).isEqualTo(DhcpOption.ACK);
  }

  @Test
  void aReleaseFromAnotherStationIsIgnoredAndTheHolderKeepsItsLease() {
    HelloAuthentication hello = DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 7);
    DhcpMessage ack = w.lease(hello);

    w.sendFromStation(w.release(ack), 5);
    w.mesh.runFor(100);

    assertThat(w.counter(AodvCounter.DHCP_RELEASES)).isZero();
    assertThat(w.counter(AodvCounter.DHCP_IGNORED)).isEqualTo(1);
    assertStillBound();
    w.send(w.request(DhcpOption.REQUEST, hello, null));
    w.mesh.runFor(100);
    assertThat(w.lastReply().messageType()).isEqualTo(DhcpOption.ACK);
    assertThat(w.counter(AodvCounter.DHCP_REFUSED)).isZero();
  }

  @Test
  void afterItsOwnReleaseTheHolderLeasesAgainWithTheSameHelloWithoutAskingTheMsm() {
    HelloAuthentication hello = DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 7);
    DhcpMessage ack = w.lease(hello);
    w.send(w.release(ack), w.carolHome(), w.mesh.addr("s"));
    w.mesh.runFor(100);
    assertThat(w.counter(AodvCounter.DHCP_RELEASES)).isEqualTo(1);
    assertThat(w.sink().dhcpLeases()).isEmpty();
    assertThat(w.sink().siteNodes())
        .singleElement()
        .satisfies(n -> assertThat(n.state()).isEqualTo(SiteNode.State.LEFT));

    assertThat(w.lease(hello).messageType()).isEqualTo(DhcpOption.ACK);

    assertThat(w.counter(AodvCounter.DHCP_AUTH_REQUESTS)).isEqualTo(1);
    assertThat(w.counter(AodvCounter.DHCP_REFUSED)).isZero();
    assertStillBound();
  }

  private void assertStillBound() {
    assertThat(w.sink().dhcpLeases())
        .singleElement()
        .satisfies(l -> assertThat(l.state()).isEqualTo(DhcpLease.State.BOUND));
    assertThat(w.sink().siteNodes())
        .singleElement()
        .satisfies(n -> assertThat(n.state()).isEqualTo(SiteNode.State.MEMBER));
  }

  @Test
  void aLeaseThatRunsOutLeavesNothingInstalled() {
    w.lease(DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 1));
    w.mesh.runFor((DhcpSiteWorld.LEASE_SECONDS + 1) * 1_000L);

    assertThat(w.counter(AodvCounter.DHCP_LEASES_EXPIRED)).isEqualTo(1);
    assertThat(w.sink().dhcpLeases()).isEmpty();
    w.sendFromD(w.mesh.addr("f"), 1);
    w.mesh.runFor(1_000);
    assertThat(w.mesh.received.get("f")).isEmpty();
    assertThat(w.counter(AodvCounter.FILTER_DROPPED)).isEqualTo(1);
  }

  @Test
  void aRouteReplyFromAnUnleasedHostOnTheDhcpLinkInstallsNothing() {
    Ipv4Address claimed = Ipv4Address.parse("10.1.9.9");
    w.mesh.hearAt("s", "d", w.carolHome(), routeReplyFor(claimed));
    w.mesh.runFor(100);

    assertThat(w.sink().activeRoute(claimed)).isEmpty();
    assertThat(w.sink().activeRoute(w.carolHome())).isEmpty();
    assertThat(w.counter(AodvCounter.IGNORED)).isEqualTo(1);
  }

  @Test
  void aLeasedDhcpNodeIsNotHeardInAodvEither() {
    w.lease(DhcpSiteWorld.hello(w.carolHome(), CAROL_KEY, 1));
    Ipv4Address claimed = Ipv4Address.parse("10.1.9.9");
    w.mesh.hearAt("s", "d", w.carolHome(), routeReplyFor(claimed));
    w.mesh.runFor(100);

    assertThat(w.sink().activeRoute(claimed)).isEmpty();
    assertThat(w.counter(AodvCounter.IGNORED)).isEqualTo(1);
  }

  /** An RREP, as if from d, offering the sink a route to {@code destination} through d. */
  private RouteReply routeReplyFor(Ipv4Address destination) {
    return new RouteReply(0, 0, 1, destination, 5, w.mesh.addr("s"), 60_000, List.of());
  }

  @Test
  void aRequestWithoutAHelloIsNoneOfTheSinksBusiness() {
    w.send(w.request(DhcpOption.DISCOVER, null, null));
    w.mesh.runFor(100);

    assertThat(w.repliesAtD).isEmpty();
    assertThat(w.counter(AodvCounter.DHCP_IGNORED)).isEqualTo(1);
    assertThat(w.counter(AodvCounter.DHCP_AUTH_REQUESTS)).isZero();
  }

  private void assertNothingInstalled() {
    assertThat(w.counter(AodvCounter.DHCP_REFUSED)).isPositive();
    assertThat(w.counter(AodvCounter.DHCP_OFFERS)).isZero();
    assertThat(w.counter(AodvCounter.DHCP_ACKS)).isZero();
    assertThat(w.sink().dhcpLeases())
        .allSatisfy(l -> assertThat(l.state()).isNotEqualTo(DhcpLease.State.BOUND));
    assertThat(w.sink().siteNodes()).isEmpty();
    // Its data goes nowhere, and nobody is told the sink reaches it.
    w.sendFromD(w.mesh.addr("f"), 5);
    w.mesh.send("f", "d", 6);
    w.mesh.runFor(5_000);
    assertThat(w.mesh.received.get("f")).isEmpty();
    assertThat(w.dataAtD).isEmpty();
    assertThat(w.counter(AodvCounter.FILTER_DROPPED)).isPositive();
    assertThat(w.counter(AodvCounter.PROXY_RREP_SENT)).isZero();
  }
}
