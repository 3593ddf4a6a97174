package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.route.RouteState;
import io.mvpn.aodv.route.RouteUpdate;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The §6.11 and §6.12 rules of the RERR handler on their own: the handler runs on a's VRF with a
 * route table set up by hand, and its neighbours b and c only listen. X is two hops away behind b,
 * and c routes to X through a (c is X's precursor at a).
 */
class RerrHandlerTest {

  static final Ipv4Address X = Ipv4Address.parse("10.9.0.1");

  final MeshLab m =
      new MeshLab(
          List.of("a", "b", "c"),
          List.of("a-b", "a-c"),
          AodvParameters.defaults(),
          Set.of("a", "b", "c"));

  RouterContext ctx;
  RerrHandler rerrs;

  void handlerOnA(AodvParameters parameters) {
    Vrf vrf = m.lab.vrf("a", "mesh");
    ctx = new RouterContext(m.addr("a"), vrf, new ArrayList<>(vrf.interfaces()), parameters);
    RouteDiscovery discovery = new RouteDiscovery(ctx, new WeightedRingSearch(ctx));
    rerrs = new RerrHandler(ctx, discovery, new SinkHandover(ctx, discovery, new RrepSender(ctx)));
  }

  /** A route to {@code destination} behind b, used by c. */
  void routeBehindB(Ipv4Address destination, int seq, int hops) {
    ctx.table.updateFrom(
        new RouteUpdate(destination, seq, true, hops, m.addr("b"), "to-b", 3_000), ctx.now());
    ctx.table.addPrecursor(destination, m.addr("c"));
  }

  static RouteError rerrFor(Ipv4Address destination, int seq, int flags) {
    return new RouteError(flags, List.of(new RouteError.Unreachable(destination, seq)), List.of());
  }

  /** What c heard, after the link delay. */
  List<AodvMessage> heardAtC() {
    m.runFor(10);
    return m.heard.get("c");
  }

  @Test
  void aRerrFromTheNextHopEndsTheRouteAndWarnsThePrecursorsWithTheListedNumber() {
    handlerOnA(AodvParameters.defaults());
    routeBehindB(X, 5, 2);
    rerrs.onRerr(rerrFor(X, 6, 0), m.addr("b"), ctx.now());
    assertThat(ctx.table.lookup(X).orElseThrow().state()).isEqualTo(RouteState.INVALID);
    assertThat(ctx.table.lookup(X).orElseThrow().seq()).isEqualTo(6);
    assertThat(heardAtC()).singleElement().isEqualTo(rerrFor(X, 6, 0));
    assertThat(ctx.counter(AodvCounter.RERR_RECEIVED)).isEqualTo(1);
    assertThat(ctx.counter(AodvCounter.RERR_SENT)).isEqualTo(1);
  }

  @Test
  void aRerrFromANeighbourTheRouteDoesNotUseChangesNothing() {
    handlerOnA(AodvParameters.defaults());
    routeBehindB(X, 5, 2);
    rerrs.onRerr(rerrFor(X, 6, 0), m.addr("c"), ctx.now());
    assertThat(ctx.table.activeRoute(X, ctx.now())).isPresent();
    assertThat(heardAtC()).isEmpty();
  }

  /** §6.12: upstream of a local repair that found a longer path, the route stays. */
  @Test
  void aRerrWithNoDeleteKeepsTheRoute() {
    handlerOnA(AodvParameters.defaults());
    routeBehindB(X, 5, 2);
    rerrs.onRerr(rerrFor(X, 6, RouteError.NO_DELETE), m.addr("b"), ctx.now());
    assertThat(ctx.table.activeRoute(X, ctx.now())).isPresent();
    assertThat(heardAtC()).isEmpty();
  }

  /** §6.13: a rebooted router learns that the route is gone but passes nothing on. */
  @Test
  void aRebootedRouterDropsTheRouteButSendsNoRerr() {
    handlerOnA(AodvParameters.defaults());
    ctx.holdAfterReboot();
    routeBehindB(X, 5, 2);
    rerrs.onRerr(rerrFor(X, 6, 0), m.addr("b"), ctx.now());
    assertThat(ctx.table.activeRoute(X, ctx.now())).isEmpty();
    assertThat(heardAtC()).isEmpty();
    assertThat(ctx.counter(AodvCounter.RERR_SENT)).isZero();
  }

  /**
   * §6.11 (i) with §6.12: the link to b breaks. X, two hops away, is searched for again from here
   * with its number + 1 and TTL = last hop count + LOCAL_ADD_TTL; Y, beyond MAX_REPAIR_TTL, is
   * reported at once.
   */
  @Test
  void aBrokenLinkIsRepairedLocallyOnlyForDestinationsCloseEnough() {
    AodvParameters p = AodvParameters.builder().localRepair(true).build();
    handlerOnA(p);
    Ipv4Address y = Ipv4Address.parse("10.9.0.2");
    routeBehindB(X, 5, 2);
    routeBehindB(y, 9, p.maxRepairTtl() + 1);
    rerrs.linkBroken(m.addr("b"), ctx.now());
    List<AodvMessage> heard = heardAtC();
    assertThat(heard).contains(rerrFor(y, 10, 0));
    RouteRequest repair =
        heard.stream()
            .filter(RouteRequest.class::isInstance)
            .map(RouteRequest.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(repair.destination()).isEqualTo(X);
    assertThat(repair.destinationSequence()).isEqualTo(6);
    assertThat(heard).hasSize(2);
    assertThat(ctx.counter(AodvCounter.RREQ_SENT)).isEqualTo(1);
  }

  @Test
  void withoutLocalRepairABrokenLinkIsReportedAtOnce() {
    handlerOnA(AodvParameters.defaults());
    routeBehindB(X, 5, 2);
    rerrs.linkBroken(m.addr("b"), ctx.now());
    assertThat(heardAtC()).singleElement().isEqualTo(rerrFor(X, 6, 0));
    assertThat(ctx.counter(AodvCounter.RREQ_SENT)).isZero();
  }

  /** §6.11 (ii): data we cannot carry; the RERR carries the last number we knew. */
  @Test
  void dataWithoutARouteIsAnsweredWithTheLastKnownNumber() {
    handlerOnA(AodvParameters.defaults());
    routeBehindB(X, 5, 2);
    ctx.table.linkBroken(m.addr("b"), ctx.now()); // invalid now, number 6
    rerrs.noRoute(X, ctx.now());
    assertThat(heardAtC()).singleElement().isEqualTo(rerrFor(X, 6, 0));
  }

  /** §6.11: at most RERR_RATELIMIT RERRs in any second; the rest are counted, not sent. */
  @Test
  void rerrsBeyondTheRateLimitAreCountedAndNotSent() {
    AodvParameters p = AodvParameters.builder().rerrRatelimit(3).build();
    handlerOnA(p);
    for (int i = 0; i < 5; i++) {
      rerrs.noRoute(X, ctx.now());
    }
    assertThat(heardAtC()).hasSize(3);
    assertThat(ctx.counter(AodvCounter.RERR_RATE_LIMITED)).isEqualTo(2);
    m.runFor(1_000);
    rerrs.noRoute(X, ctx.now());
    assertThat(heardAtC()).hasSize(4);
  }
}
