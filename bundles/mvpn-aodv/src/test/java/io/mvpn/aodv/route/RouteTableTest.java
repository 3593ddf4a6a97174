package io.mvpn.aodv.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.AodvParameters;
import io.mvpn.api.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The route table rules of RFC 3561 §6.2, §6.5, §6.7 and §6.11, in virtual time. */
class RouteTableTest {

  private static final long MS = 1_000_000L;
  private static final long T0 = 5_000 * MS;
  private static final long ART = 3_000 * MS;
  private static final long DELETE_PERIOD = 15_000 * MS;
  private static final Ipv4Address D = Ipv4Address.parse("10.0.0.9");
  private static final Ipv4Address E = Ipv4Address.parse("10.0.0.8");
  private static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
  private static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");
  private static final Ipv4Address P = Ipv4Address.parse("10.0.0.50");

  private final RouteTable table = new RouteTable(AodvParameters.defaults());

  private static RouteUpdate route(Ipv4Address dest, int seq, int hops, Ipv4Address via) {
    return new RouteUpdate(dest, seq, true, hops, via, "wlan0", 3_000);
  }

  private RouteEntry entry(Ipv4Address dest) {
    return table.lookup(dest).orElseThrow();
  }

  @Test
  void rfc3561_s6_2_anUnknownDestinationIsCreated() {
    assertThat(table.updateFrom(route(D, 5, 3, A), T0)).isTrue();
    RouteEntry e = entry(D);
    assertThat(e.seq()).isEqualTo(5);
    assertThat(e.validSeq()).isTrue();
    assertThat(e.hopCount()).isEqualTo(3);
    assertThat(e.nextHop()).isEqualTo(A);
    assertThat(e.networkInterface()).isEqualTo("wlan0");
    assertThat(e.state()).isEqualTo(RouteState.VALID);
    assertThat(e.expiresAtNanos()).isEqualTo(T0 + ART);
    assertThat(table.activeRoute(D, T0)).containsSame(e);
  }

  @Test
  void rfc3561_s6_2_higherSeqWinsEvenOverALongerPath() {
    table.updateFrom(route(D, 5, 2, A), T0);
    assertThat(table.updateFrom(route(D, 6, 7, B), T0)).isTrue();
    assertThat(entry(D).nextHop()).isEqualTo(B);
    assertThat(entry(D).seq()).isEqualTo(6);
    assertThat(entry(D).hopCount()).isEqualTo(7);
  }

  @Test
  void rfc3561_s6_2_equalSeqWithFewerHopsWins() {
    table.updateFrom(route(D, 5, 4, A), T0);
    assertThat(table.updateFrom(route(D, 5, 3, B), T0)).isTrue();
    assertThat(entry(D).nextHop()).isEqualTo(B);
    assertThat(entry(D).hopCount()).isEqualTo(3);
  }

  @Test
  void rfc3561_s6_2_equalSeqWithAnEqualOrLongerPathIsIgnored() {
    table.updateFrom(route(D, 5, 3, A), T0);
    assertThat(table.updateFrom(route(D, 5, 3, B), T0 + MS)).isFalse();
    assertThat(table.updateFrom(route(D, 5, 4, B), T0 + MS)).isFalse();
    assertThat(entry(D).nextHop()).isEqualTo(A);
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + ART);
  }

  @Test
  void rfc3561_s6_2_staleSeqIsIgnoredEvenWithAShorterPath() {
    table.updateFrom(route(D, 5, 6, A), T0);
    assertThat(table.updateFrom(route(D, 4, 1, B), T0)).isFalse();
    assertThat(entry(D).nextHop()).isEqualTo(A);
    assertThat(entry(D).seq()).isEqualTo(5);
  }

  @Test
  void rfc3561_s6_1_s6_2_aSeqThatRolledOverIsHigher() {
    table.updateFrom(route(D, 0xFFFFFFFF, 2, A), T0);
    assertThat(table.updateFrom(route(D, 0, 5, B), T0)).isTrue();
    assertThat(entry(D).seq()).isZero();
    assertThat(table.updateFrom(route(D, 0xFFFFFFFE, 1, A), T0)).isFalse();
  }

  @Test
  void rfc3561_s6_2_anUnknownSeqUpdatesTheRouteButNotTheStoredNumber() {
    table.updateFrom(route(D, 5, 3, A), T0);
    assertThat(table.updateFrom(RouteUpdate.neighbour(D, "wlan1", 3_000), T0 + MS)).isTrue();
    RouteEntry e = entry(D);
    assertThat(e.nextHop()).isEqualTo(D);
    assertThat(e.hopCount()).isEqualTo(1);
    assertThat(e.networkInterface()).isEqualTo("wlan1");
    assertThat(e.seq()).isEqualTo(5);
    assertThat(e.validSeq()).isTrue();
  }

  @Test
  void rfc3561_s6_2_aNeighbourLearntWithoutSeqHasAnInvalidSeqFlag() {
    table.updateFrom(RouteUpdate.neighbour(A, "wlan0", 3_000), T0);
    assertThat(entry(A).validSeq()).isFalse();
    // Any known number is fresher than none.
    assertThat(table.updateFrom(route(A, 1, 1, A), T0)).isTrue();
    assertThat(entry(A).validSeq()).isTrue();
  }

  @Test
  void rfc3561_s6_2_anIdenticalUpdateChangesNothing() {
    table.updateFrom(RouteUpdate.neighbour(A, "wlan0", 3_000), T0);
    assertThat(table.updateFrom(RouteUpdate.neighbour(A, "wlan0", 3_000), T0)).isFalse();
  }

  @Test
  void rfc3561_s6_7_rrepUpdatesWhenTheStoredSeqIsInvalid() {
    table.updateFrom(new RouteUpdate(D, 9, false, 2, A, "wlan0", 3_000), T0);
    assertThat(table.updateFromRrep(route(D, 3, 5, B), T0)).isTrue();
    assertThat(entry(D).seq()).isEqualTo(3);
    assertThat(entry(D).validSeq()).isTrue();
    assertThat(entry(D).nextHop()).isEqualTo(B);
  }

  @Test
  void rfc3561_s6_7_rrepUpdatesWithAHigherSeq() {
    table.updateFromRrep(route(D, 5, 2, A), T0);
    assertThat(table.updateFromRrep(route(D, 6, 9, B), T0)).isTrue();
    assertThat(entry(D).nextHop()).isEqualTo(B);
  }

  @Test
  void rfc3561_s6_7_rrepWithEqualSeqRevivesAnInactiveRouteThatS6_2WouldKeep() {
    table.updateFromRrep(route(D, 5, 2, A), T0);
    table.addPrecursor(D, P);
    table.invalidateFromRerr(A, List.of(new UnreachableDestination(D, 6)), T0);
    // §6.2 refuses: equal seq, longer path.
    assertThat(table.updateFrom(route(D, 6, 4, B), T0)).isFalse();
    // §6.7 (iii) accepts it because the stored route is inactive.
    assertThat(table.updateFromRrep(route(D, 6, 4, B), T0)).isTrue();
    assertThat(entry(D).state()).isEqualTo(RouteState.VALID);
    assertThat(entry(D).nextHop()).isEqualTo(B);
  }

  @Test
  void rfc3561_s6_7_rrepWithEqualSeqRevivesARouteWhoseLifetimeRanOut() {
    table.updateFromRrep(route(D, 5, 2, A), T0);
    assertThat(table.updateFromRrep(route(D, 5, 4, B), T0 + ART)).isTrue();
    assertThat(entry(D).nextHop()).isEqualTo(B);
  }

  @Test
  void rfc3561_s6_7_rrepWithEqualSeqAndFewerHopsUpdates() {
    table.updateFromRrep(route(D, 5, 4, A), T0);
    assertThat(table.updateFromRrep(route(D, 5, 3, B), T0)).isTrue();
    assertThat(entry(D).hopCount()).isEqualTo(3);
  }

  @Test
  void rfc3561_s6_7_rrepWithEqualSeqAndNoShorterPathOnAnActiveRouteIsIgnored() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    assertThat(table.updateFromRrep(route(D, 5, 3, B), T0)).isFalse();
    assertThat(table.updateFromRrep(route(D, 5, 8, B), T0)).isFalse();
    assertThat(entry(D).nextHop()).isEqualTo(A);
  }

  @Test
  void rfc3561_s6_7_rrepWithAStaleSeqIsIgnored() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    table.invalidateFromRerr(A, List.of(new UnreachableDestination(D, 6)), T0);
    assertThat(table.updateFromRrep(route(D, 5, 1, B), T0)).isFalse();
    assertThat(entry(D).state()).isEqualTo(RouteState.INVALID);
  }

  @Test
  void rfc3561_s6_7_rrepSetsExpiryToNowPlusItsLifetime() {
    table.updateFromRrep(new RouteUpdate(D, 5, true, 3, A, "wlan0", 6_000), T0);
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + 6_000 * MS);
  }

  @Test
  void rfc3561_s6_5_reverseRouteLifetimeIsTwoNetTraversalsLessTwoHopsPerHop() {
    assertThat(table.refreshReverseRoute(route(D, 7, 3, A), T0)).isTrue();
    // 2 x 2800 - 2 x 3 x 40 = 5360 ms
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + 5_360 * MS);
    assertThat(entry(D).seq()).isEqualTo(7);
  }

  @Test
  void rfc3561_s6_5_reverseRouteKeepsALongerExistingLifetime() {
    table.updateFromRrep(new RouteUpdate(D, 7, true, 3, A, "wlan0", 10_000), T0);
    table.refreshReverseRoute(route(D, 8, 3, A), T0 + MS);
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + 10_000 * MS);
    assertThat(entry(D).seq()).isEqualTo(8);
  }

  @Test
  void rfc3561_s6_5_reverseRouteTakesTheRreqPathButOnlyAHigherSeq() {
    table.updateFromRrep(route(D, 9, 2, A), T0);
    table.refreshReverseRoute(route(D, 8, 5, B), T0);
    RouteEntry e = entry(D);
    assertThat(e.seq()).isEqualTo(9);
    assertThat(e.nextHop()).isEqualTo(B);
    assertThat(e.hopCount()).isEqualTo(5);
  }

  @Test
  void rfc3561_s6_2_forwardingDataExtendsTheRouteAndItsNextHop() {
    table.updateFrom(RouteUpdate.neighbour(A, "wlan0", 1_000), T0);
    table.updateFromRrep(new RouteUpdate(D, 5, true, 3, A, "wlan0", 1_000), T0);
    assertThat(table.refreshOnUse(D, T0 + 500 * MS)).isTrue();
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + 500 * MS + ART);
    assertThat(entry(A).expiresAtNanos()).isEqualTo(T0 + 500 * MS + ART);
  }

  @Test
  void rfc3561_s6_2_useNeverShortensALifetime() {
    table.updateFromRrep(new RouteUpdate(D, 5, true, 3, A, "wlan0", 10_000), T0);
    table.refreshOnUse(D, T0);
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + 10_000 * MS);
  }

  @Test
  void rfc3561_s6_2_anInactiveRouteIsNotExtendedByUse() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    assertThat(table.refreshOnUse(D, T0 + ART)).isFalse();
    assertThat(table.refreshOnUse(E, T0)).isFalse();
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + ART);
  }

  @Test
  void rfc3561_s6_2_precursorsAreASet() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    assertThat(table.addPrecursor(D, P)).isTrue();
    assertThat(table.addPrecursor(D, P)).isFalse();
    assertThat(table.addPrecursor(D, B)).isTrue();
    assertThat(entry(D).precursors()).containsExactly(P, B);
    assertThat(table.removePrecursor(D, P)).isTrue();
    assertThat(table.removePrecursor(D, P)).isFalse();
    assertThat(entry(D).precursors()).containsExactly(B);
    assertThat(table.addPrecursor(E, P)).isFalse(); // no entry
  }

  @Test
  void rfc3561_s6_11_linkBreakIncrementsSeqAndListsRoutesWithPrecursors() {
    table.updateFrom(RouteUpdate.neighbour(A, "wlan0", 3_000), T0);
    table.updateFromRrep(route(D, 5, 3, A), T0);
    table.updateFromRrep(route(E, 0xFFFFFFFF, 2, A), T0);
    table.updateFromRrep(route(B, 4, 1, B), T0);
    table.addPrecursor(D, P);
    table.addPrecursor(E, P);
    table.addPrecursor(B, P);

    List<UnreachableDestination> rerr = table.linkBroken(A, T0 + MS);

    assertThat(rerr)
        .containsExactly(new UnreachableDestination(E, 0), new UnreachableDestination(D, 6));
    for (Ipv4Address lost : List.of(A, D, E)) {
      assertThat(entry(lost).state()).isEqualTo(RouteState.INVALID);
      assertThat(entry(lost).expiresAtNanos()).isEqualTo(T0 + MS + DELETE_PERIOD);
      assertThat(table.activeRoute(lost, T0 + MS)).isEmpty();
    }
    assertThat(entry(A).seq()).isZero(); // no valid number to increment
    assertThat(entry(B).state()).isEqualTo(RouteState.VALID);
    assertThat(entry(B).seq()).isEqualTo(4);
  }

  @Test
  void rfc3561_s6_11_theLostNeighbourLeavesEveryPrecursorList() {
    table.updateFromRrep(route(D, 5, 3, B), T0);
    table.updateFrom(RouteUpdate.neighbour(A, "wlan0", 3_000), T0);
    table.addPrecursor(D, A);
    table.addPrecursor(A, B);

    assertThat(table.linkBroken(A, T0)).containsExactly(new UnreachableDestination(A, 0));
    assertThat(entry(D).precursors()).isEmpty();
    assertThat(entry(D).state()).isEqualTo(RouteState.VALID);
  }

  @Test
  void rfc3561_s6_11_aRouteAlreadyInvalidIsNotInvalidatedTwice() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    table.addPrecursor(D, P);
    assertThat(table.linkBroken(A, T0)).hasSize(1);
    assertThat(table.linkBroken(A, T0 + MS)).isEmpty();
    assertThat(entry(D).seq()).isEqualTo(6);
    assertThat(entry(D).expiresAtNanos()).isEqualTo(T0 + DELETE_PERIOD);
  }

  @Test
  void rfc3561_s6_11_rerrFromTheNextHopCopiesItsSeq() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    table.updateFromRrep(route(E, 5, 3, B), T0);
    table.addPrecursor(D, P);
    table.addPrecursor(E, P);

    List<UnreachableDestination> rerr =
        table.invalidateFromRerr(
            A, List.of(new UnreachableDestination(D, 9), new UnreachableDestination(E, 9)), T0);

    assertThat(rerr).containsExactly(new UnreachableDestination(D, 9));
    assertThat(entry(D).state()).isEqualTo(RouteState.INVALID);
    assertThat(entry(D).seq()).isEqualTo(9);
    assertThat(entry(E).state()).isEqualTo(RouteState.VALID); // not routed through A
  }

  @Test
  void rfc3561_s6_11_expiryTimeline() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    long expiry = T0 + ART;

    assertThat(table.expire(expiry - 1)).isZero();
    assertThat(table.activeRoute(D, expiry - 1)).isPresent();
    assertThat(table.activeRoute(D, expiry)).isEmpty();

    assertThat(table.expire(expiry)).isEqualTo(1);
    assertThat(entry(D).state()).isEqualTo(RouteState.INVALID);
    assertThat(entry(D).seq()).isEqualTo(5); // expiry is no reason to move the number
    assertThat(entry(D).expiresAtNanos()).isEqualTo(expiry + DELETE_PERIOD);

    assertThat(table.expire(expiry + DELETE_PERIOD - 1)).isZero();
    assertThat(table.lookup(D)).isPresent();
    assertThat(table.expire(expiry + DELETE_PERIOD)).isEqualTo(1);
    assertThat(table.lookup(D)).isEmpty();
    assertThat(table.size()).isZero();
  }

  @Test
  void nextExpiryIsTheEarliestDeadlineOfAnyState() {
    assertThat(table.nextExpiry()).isEmpty();
    table.updateFromRrep(route(D, 5, 3, A), T0);
    table.updateFromRrep(new RouteUpdate(E, 5, true, 3, B, "wlan0", 1_000), T0);
    assertThat(table.nextExpiry()).hasValue(T0 + 1_000 * MS);
    table.expire(T0 + 1_000 * MS);
    assertThat(table.nextExpiry()).hasValue(T0 + ART);
  }

  @Test
  void aHopCountOfTheMaximumPlusOneIsAccepted() {
    assertThat(table.updateFrom(route(D, 5, 256, A), T0)).isTrue();
  }

  @Test
  void expiryWorksAcrossAWrapOfTheNanosecondClock() {
    long nearWrap = Long.MAX_VALUE - MS;
    table.updateFromRrep(route(D, 5, 3, A), nearWrap);
    assertThat(table.activeRoute(D, nearWrap + 2 * MS)).isPresent(); // wrapped to negative
    assertThat(table.expire(nearWrap + 2 * MS)).isZero();
    assertThat(table.expire(nearWrap + ART)).isEqualTo(1);
  }

  @Test
  void routesIsASortedSnapshot() {
    table.updateFromRrep(route(D, 5, 3, A), T0);
    table.updateFromRrep(route(B, 1, 1, B), T0);
    List<RouteEntry> snapshot = table.routes();
    table.linkBroken(A, T0);
    table.addPrecursor(B, P);

    assertThat(snapshot).extracting(RouteEntry::destination).containsExactly(B, D);
    assertThat(snapshot.get(1).state()).isEqualTo(RouteState.VALID);
    assertThat(snapshot.get(0).precursors()).isEmpty();
  }
}
