package io.mvpn.diameter.peer;

import static io.mvpn.diameter.peer.RequestRoutingTest.aaRequest;
import static io.mvpn.diameter.peer.TestNodes.NASREQ;
import static io.mvpn.diameter.peer.TestNodes.passivePeer;
import static io.mvpn.diameter.peer.TestNodes.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Diameter peer down and back in virtual time, under a steady load of AA-Requests (two a second)
 * from node a, whose realm home.local has two servers: one (configured first, the primary) and two
 * (the alternate). RFC 3539 §3.4 and RFC 6733 §5.5.4 set the bounds each outage is held to: a
 * crashed peer is failed over as its connection resets, a hung one once a DWR has gone unanswered
 * for Tw (at most 2 (Tw + jitter) after it last spoke), and a peer that is back carries traffic
 * again (failback) once a reconnect (Tc) and three DWR/DWA round trips in REOPEN have gone well. No
 * request is lost on the way: each is answered by one server or the other.
 */
class PeerDownAndBackTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;
  private static final long TW = 30 * SECOND;
  private static final long JITTER = 2 * SECOND;
  private static final long TC = 30 * SECOND;
  private static final long REQUEST_TIMEOUT = 10 * SECOND;
  private static final long ROUND_TRIP = 2 * MemoryNetwork.LATENCY_MS * MS;

  /** From a peer's return until it carries traffic: a reconnect, CER/CEA, three DWAs in REOPEN. */
  private static final long FAILBACK_BOUND = TC + 2 * (TW + JITTER) + 2 * ROUND_TRIP + ROUND_TRIP;

  /** One request and what came of it: who answered, with what, and when (virtual nanos). */
  private record Exchange(long sentAt, DiameterMessage answer, long answeredAt) {
    String by() {
      return answer.utf8(AvpCode.ORIGIN_HOST);
    }

    long result() throws MalformedDiameterException {
      return answer.resultCode();
    }
  }

  private final TestNodes lab = new TestNodes();
  private final List<Exchange[]> exchanges = new ArrayList<>();
  private DiameterNode a;
  private DiameterNode one;
  private int sessions;

  private static RequestHandler serving() {
    return request ->
        new RequestHandler.Answer(
            ResultCode.SUCCESS, List.of(Avp.utf8(AvpCode.FRAMED_ROUTE, "10.1.0.0/16 0.0.0.0 1")));
  }

  private DiameterNode server(int n, String host) {
    DiameterNode server = lab.node(n, host, "home.local");
    server.register(NASREQ, serving());
    server.addPeer(passivePeer("a.test.local", "test.local"));
    return server;
  }

  @BeforeEach
  void openBothServers() {
    a = lab.node(1, "a.test.local", "test.local");
    a.register(NASREQ, serving());
    one = server(2, "one.home.local");
    server(3, "two.home.local");
    a.addPeer(peer("one.home.local", "home.local", 2));
    a.addPeer(peer("two.home.local", "home.local", 3));
    a.start();
    lab.runFor(1);
    load(10 * SECOND);
    assertThat(answeredBy(0, now())).containsOnly("one.home.local");
  }

  @Test
  void aCrashedPeerIsFailedOverAsItsConnectionResetsAndFailedBackWithinTcAndThreeWatchdogs()
      throws Exception {
    long crash = now();
    lab.net.crash(one);
    load(40 * SECOND);

    assertThat(a.peer("one.home.local").available()).isFalse();
    assertThat(a.stats().failovers()).isEqualTo(1);
    // Only what was on the wire as the connection reset waits: for the request timeout at most.
    assertThat(answeredBy(crash + ROUND_TRIP, now())).containsOnly("two.home.local");

    long back = now();
    server(2, "one.home.local"); // the restarted process, listening again
    long recovered = assertFailsBack(back);
    System.out.printf(
        "Diameter peer crash: failback %.1f s after the peer was back (bound %.1f s)%n",
        (recovered - back) / (double) SECOND, FAILBACK_BOUND / (double) SECOND);
  }

  @Test
  void aHungPeerIsFailedOverWithinTwoWatchdogIntervalsAndItsRequestsRetransmittedToTheAlternate()
      throws Exception {
    long hung = now();
    lab.net.hang(one, true);
    long failedOver = loadUntil(() -> !a.peer("one.home.local").available(), 3 * (TW + JITTER));

    assertThat(failedOver - hung).isLessThanOrEqualTo(2 * (TW + JITTER) + ROUND_TRIP);
    assertThat(a.stats().failovers()).isEqualTo(1);
    // Requests sent to the hung peer went again, with the T bit, to the alternate (§5.5.4).
    assertThat(a.stats().retransmitted()).isPositive();
    assertThat(lab.net.wire.stream().filter(m -> m.isRequest() && m.isRetransmit()))
        .allMatch(m -> m.commandCode() == CommandCode.AA);
    long closed =
        loadUntil(() -> a.peer("one.home.local").state() == PeerState.CLOSED, 3 * (TW + JITTER));
    assertThat(closed - hung).isLessThanOrEqualTo(3 * (TW + JITTER) + ROUND_TRIP);
    assertThat(answeredBy(failedOver + ROUND_TRIP, now())).containsOnly("two.home.local");

    long back = now();
    lab.net.hang(one, false);
    long recovered = assertFailsBack(back);
    System.out.printf(
        "Diameter peer hang: failover after %.1f s, failback %.1f s after it was back%n",
        (failedOver - hung) / (double) SECOND, (recovered - back) / (double) SECOND);
  }

  private long now() {
    return lab.time.nanoTime();
  }

  /** Two requests a second for {@code nanos}. */
  private void load(long nanos) {
    long end = now() + nanos;
    loadUntil(() -> now() >= end, nanos + SECOND);
  }

  /** The load until {@code done} holds (checked every half second); when it first held. */
  private long loadUntil(BooleanSupplier done, long within) {
    long end = now() + within;
    while (!done.getAsBoolean()) {
      assertThat(now()).as("within %d s", within / SECOND).isLessThan(end);
      sendOne();
      lab.time.advance(500, TimeUnit.MILLISECONDS);
    }
    return now();
  }

  /**
   * From the primary's return at {@code back}: it carries traffic again within the failback bound,
   * the alternate answered everything meanwhile, and no request was lost or late on the way.
   * Returns when the primary was available again.
   */
  private long assertFailsBack(long back) throws Exception {
    long recovered = loadUntil(() -> a.peer("one.home.local").available(), FAILBACK_BOUND + SECOND);
    assertThat(recovered - back).isLessThanOrEqualTo(FAILBACK_BOUND);
    assertThat(answeredBy(back, recovered)).containsOnly("two.home.local");
    load(10 * SECOND);
    assertThat(answeredBy(recovered + ROUND_TRIP, now())).containsOnly("one.home.local");
    assertThat(a.stats().failbacks()).isEqualTo(1);
    assertEveryRequestAnsweredWithin(REQUEST_TIMEOUT + ROUND_TRIP);
    return recovered;
  }

  private void sendOne() {
    Exchange[] slot = new Exchange[1];
    long sent = now();
    exchanges.add(slot);
    a.send(
        aaRequest("home.local", "a.test.local;1;" + ++sessions),
        answer -> slot[0] = new Exchange(sent, answer, now()));
  }

  /** Who answered the requests sent in [from, to). */
  private List<String> answeredBy(long from, long to) {
    return exchanges.stream()
        .map(e -> e[0])
        .filter(e -> e != null && e.sentAt() >= from && e.sentAt() < to)
        .map(Exchange::by)
        .toList();
  }

  private void assertEveryRequestAnsweredWithin(long bound) throws Exception {
    lab.runFor(15);
    for (Exchange[] slot : exchanges) {
      assertThat(slot[0]).as("an answer").isNotNull();
      assertThat(slot[0].result()).isEqualTo(ResultCode.SUCCESS);
      assertThat(slot[0].answeredAt() - slot[0].sentAt()).isLessThanOrEqualTo(bound);
    }
  }
}
