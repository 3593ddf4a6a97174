package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.NotifyPayload;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 4555: the mobile node changes address; the IKE SA and its Child SAs follow, no re-key. The
 * gateway checks a suspicious new path with COOKIE2 before ESP goes there, refuses a NAT the node
 * prohibited, and nothing but an authentic, fresh update inside SK moves anything.
 */
class MobikeTest {

  static final Endpoint MOVED = Endpoint.of("203.0.113.99", 500);
  static final Endpoint MOVED_NAT_T = MOVED.withPort(Endpoint.NAT_T_PORT);

  /** Where a NAT on the new path maps the node's 203.0.113.99:4500. */
  static final Endpoint NATTED = Endpoint.of("203.0.113.200", 31000);

  private IkePair pair;
  private IkeSa mn;
  private IkeSa gw;
  private int childSpi;

  @BeforeEach
  void establish() {
    pair = new IkePair();
    mn = pair.start();
    pair.run(100);
    assertThat(mn.peerSupportsMobike()).isTrue();
    gw = pair.peerOf(mn);
    childSpi = gw.childSas().get(0).outbound().spi();
    // The node's new address reaches the same engine.
    pair.engines.put(MOVED, pair.initiator);
    pair.sent.clear();
  }

  private void move() {
    pair.scheduler.execute(() -> assertThat(pair.initiator.updateAddresses(mn, MOVED)).isTrue());
  }

  private void assertEspAt(Endpoint node) {
    assertThat(gw.childSas().get(0).outbound().spi()).isEqualTo(childSpi);
    assertThat(gw.childSas().get(0).outbound().tunnelDestination()).isEqualTo(node.address());
    assertThat(gw.childSas().get(0).inbound().tunnelSource()).isEqualTo(node.address());
  }

  private void assertStillEstablished() {
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void anUnannouncedAddressMovesIkeAtOnceAndEspAfterTheCookieCameBack() {
    move();
    pair.run(100);
    // The update, then the gateway's return routability check of the new path (§3.5).
    assertThat(pair.flow()).containsExactly("37", "37R", "37", "37R");
    assertThat(pair.sent.get(2).destination()).isEqualTo(MOVED_NAT_T);
    assertThat(gw.remote()).isEqualTo(MOVED_NAT_T);
    assertThat(mn.local()).isEqualTo(MOVED_NAT_T);
    assertThat(pair.responder.counters().addressUpdates()).isEqualTo(1);
    assertThat(pair.responder.counters().returnRoutabilityChecks()).isEqualTo(1);
    // Same Child SA, same keys, new end points: ESP follows without a new exchange.
    assertThat(gw.espPathPending()).isFalse();
    assertEspAt(MOVED);
    assertThat(mn.childSas().get(0).outbound().tunnelSource()).isEqualTo(MOVED.address());
    // No NAT on the new path: the NAT-D of both messages say so.
    assertThat(gw.natDetected()).isFalse();
    assertThat(mn.natDetected()).isFalse();
    assertStillEstablished();
  }

  @Test
  void espWaitsOnTheOldPathUntilTheNewOneEchoesTheCookie() {
    Endpoint before = gw.remote();
    // The node's answer to the check is lost once: the gateway must not move ESP meanwhile.
    int[] lost = {0};
    pair.lose =
        d ->
            d.source().equals(MOVED_NAT_T)
                && (d.payload()[19] & IkeHeader.RESPONSE) != 0
                && lost[0]++ == 0;
    move();
    pair.run(100);
    assertThat(gw.remote()).isEqualTo(MOVED_NAT_T);
    assertThat(gw.espPathPending()).isTrue();
    assertEspAt(before);
    assertThat(gw.udpEncapsulation()).isEmpty(); // no NAT: plain ESP, still to the old address
    pair.run(1_000); // the gateway retransmits its check; this time the echo comes back
    assertThat(gw.espPathPending()).isFalse();
    assertEspAt(MOVED);
  }

  @Test
  void anAnnouncedAddressMovesEspWithoutACheck() {
    pair.scheduler.execute(
        () -> assertThat(pair.initiator.announceAddresses(mn, List.of(MOVED.address()))).isTrue());
    pair.run(100);
    assertThat(gw.peerAdditionalAddresses()).containsExactly(MOVED.address());
    move();
    pair.run(100);
    assertThat(pair.flow()).containsExactly("37", "37R", "37", "37R");
    assertThat(pair.responder.counters().returnRoutabilityChecks()).isZero();
    assertThat(gw.remote()).isEqualTo(MOVED_NAT_T);
    assertEspAt(MOVED);
    // An empty list is N(NO_ADDITIONAL_ADDRESSES): the gateway forgets the old one.
    pair.scheduler.execute(() -> pair.initiator.announceAddresses(mn, List.of()));
    pair.run(100);
    assertThat(gw.peerAdditionalAddresses()).isEmpty();
    assertThat(gw.peerAnnouncedNoAdditionalAddresses()).isTrue();
    assertStillEstablished();
  }

  @Test
  void aGatewayThatAlwaysChecksChecksAnAnnouncedAddressToo() {
    pair.responder.mobikePolicy(new MobikePolicy(true, false));
    pair.scheduler.execute(() -> pair.initiator.announceAddresses(mn, List.of(MOVED.address())));
    pair.run(100);
    move();
    pair.run(100);
    assertThat(pair.responder.counters().returnRoutabilityChecks()).isEqualTo(1);
    assertEspAt(MOVED);
  }

  /** A NAT on the new path maps the node's 203.0.113.99:4500 to 203.0.113.200:31000. */
  private void natOnTheNewPath() {
    pair.engines.put(NATTED, pair.initiator);
    pair.translate =
        d -> {
          if (d.source().equals(MOVED_NAT_T)) {
            return new Datagram(NATTED, d.destination(), d.payload());
          }
          if (d.destination().equals(NATTED)) {
            return new Datagram(d.source(), MOVED_NAT_T, d.payload());
          }
          return d;
        };
  }

  @Test
  void aNatOnTheNewPathIsDetectedAndChecked() {
    natOnTheNewPath();
    pair.scheduler.execute(() -> pair.initiator.announceAddresses(mn, List.of(MOVED.address())));
    pair.run(100);
    move();
    pair.run(100);
    assertThat(gw.remote()).isEqualTo(NATTED);
    assertThat(gw.remoteBehindNat()).isTrue();
    assertThat(mn.localBehindNat()).isTrue();
    // A NAT that was not there before makes the path suspicious, announced or not.
    assertThat(pair.responder.counters().returnRoutabilityChecks()).isEqualTo(1);
    // ESP goes in UDP, to the NAT's mapping of 4500 (RFC 3948).
    assertThat(gw.udpEncapsulation().orElseThrow().remote()).isEqualTo(NATTED);
    assertThat(mn.udpEncapsulation().orElseThrow().local()).isEqualTo(MOVED_NAT_T);
    assertEspAt(NATTED);
    assertStillEstablished();
  }

  @Test
  void noNatsAllowedRefusesAPathWithANat() {
    natOnTheNewPath();
    pair.initiator.mobikePolicy(new MobikePolicy(false, true));
    Endpoint mnBefore = mn.local();
    Endpoint gwBefore = gw.remote();
    move();
    pair.run(100);
    assertThat(pair.flow()).containsExactly("37", "37R");
    assertThat(pair.responder.counters().addressUpdatesRefused()).isEqualTo(1);
    assertThat(pair.responder.counters().addressUpdates()).isZero();
    assertThat(gw.remote()).isEqualTo(gwBefore);
    assertThat(gw.natDetected()).isFalse();
    assertEspAt(gwBefore);
    // The node takes the refusal: back where the gateway still has it.
    assertThat(mn.local()).isEqualTo(mnBefore);
    assertStillEstablished();
  }

  @Test
  void noNatsAllowedWithoutANatMoves() {
    pair.initiator.mobikePolicy(new MobikePolicy(false, true));
    move();
    pair.run(100);
    assertThat(pair.responder.counters().addressUpdatesRefused()).isZero();
    assertThat(gw.remote()).isEqualTo(MOVED_NAT_T);
    assertEspAt(MOVED);
  }

  @Test
  void aReplayedUpdateMovesNothing() {
    move();
    pair.run(100);
    Datagram update = pair.sent.get(0);
    assertThat(update.source()).isEqualTo(MOVED_NAT_T);
    // The node moves on; then someone replays its first update from elsewhere.
    Endpoint third = Endpoint.of("203.0.113.7", 4500);
    pair.engines.put(third, pair.initiator);
    pair.scheduler.execute(() -> pair.initiator.updateAddresses(mn, third));
    pair.run(100);
    assertThat(gw.remote()).isEqualTo(third);
    Endpoint attacker = Endpoint.of("198.51.100.66", 4500);
    pair.deliver(new Datagram(attacker, update.destination(), update.payload()));
    pair.run(100);
    assertThat(gw.remote()).isEqualTo(third);
    assertEspAt(third);
    assertThat(pair.responder.counters().unexpectedMessageId()).isEqualTo(1);
    assertThat(pair.responder.counters().addressUpdates()).isEqualTo(2);
    // The latest update again, from the attacker: answered from the cache, nothing moves (§2.1).
    Datagram latest = pair.sent.stream().filter(d -> d.source().equals(third)).findFirst().get();
    pair.deliver(new Datagram(attacker, latest.destination(), latest.payload()));
    pair.run(100);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(gw.remote()).isEqualTo(third);
    assertThat(pair.responder.counters().addressUpdates()).isEqualTo(2);
  }

  @Test
  void aForgedUpdateMovesNothing() {
    Endpoint attacker = Endpoint.of("198.51.100.66", 4500);
    Endpoint before = gw.remote();
    // Outside SK: a plain N(UPDATE_SA_ADDRESSES) with the SA's SPIs and the next message ID.
    IkeHeader h =
        IkeHeader.of(
            gw.spiI(),
            gw.spiR(),
            IkeHeader.INFORMATIONAL,
            IkeHeader.INITIATOR,
            gw.expectedRequestId());
    byte[] plain =
        new IkeMessage(h, List.of(NotifyPayload.of(NotifyPayload.UPDATE_SA_ADDRESSES)))
            .toByteArray();
    pair.deliver(new Datagram(attacker, gw.local(), plain));
    // Inside SK but not sealed with the SA's keys: the node's real update, one bit flipped.
    move();
    pair.lose = d -> d.source().equals(MOVED_NAT_T);
    pair.run(1);
    Datagram real = pair.sent.get(pair.sent.size() - 1);
    byte[] forged = real.payload().clone();
    forged[forged.length - 1] ^= 1;
    pair.deliver(new Datagram(attacker, real.destination(), forged));
    pair.run(1);
    assertThat(gw.remote()).isEqualTo(before);
    assertEspAt(before);
    assertThat(pair.responder.counters().undecryptable()).isEqualTo(2);
    assertThat(pair.responder.counters().addressUpdates()).isZero();
    assertThat(pair.sent).noneMatch(d -> d.destination().equals(attacker));
  }

  @Test
  void anAuthenticRequestFromElsewhereIsNoUpdate() {
    // With MOBIKE only UPDATE_SA_ADDRESSES moves the SA (RFC 4555 §3.8), not §2.23's any request.
    Endpoint elsewhere = Endpoint.of("203.0.113.150", 4500);
    pair.engines.put(elsewhere, pair.initiator);
    pair.translate =
        d ->
            d.source().equals(IkePair.MN)
                ? new Datagram(elsewhere, d.destination(), d.payload())
                : d;
    Endpoint before = gw.remote();
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    assertThat(gw.remote()).isEqualTo(before);
    assertEspAt(before);
  }

  @Test
  void anAddressListIsKeptAndMovesNothing() {
    // An initiator whose IKE_AUTH has no list leaves the gateway's empty; an INFORMATIONAL
    // list replaces it (§3.6).
    assertThat(gw.peerAdditionalAddresses()).isEmpty();
    assertThat(gw.peerAnnouncedNoAdditionalAddresses()).isFalse();
    Ipv4Address a = Ipv4Address.parse("203.0.113.98");
    Ipv4Address b = Ipv4Address.parse("198.51.100.98");
    pair.scheduler.execute(() -> pair.initiator.announceAddresses(mn, List.of(a, b)));
    pair.run(100);
    assertThat(gw.peerAdditionalAddresses()).containsExactly(a, b);
    assertThat(gw.remote()).isEqualTo(IkePair.MN); // a list alone moves nothing
  }
}
