package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.net.Interface;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 002's weighted expanding ring search (c63-66), on when {@link
 * AodvParameters#weightedRingSearch()} is: the administrator weighs each link (1 by default), and a
 * RREQ goes on a link only while the weight sum from its originator stays within the ring's budget.
 * The budget grows with the ring's TTL; the NET_DIAMETER tries have none, so weights never make a
 * reachable destination unreachable.
 */
final class WeightedRingSearch {

  private final RouterContext ctx;
  private final Map<String, Integer> weights = new HashMap<>();

  WeightedRingSearch(RouterContext ctx) {
    this.ctx = ctx;
  }

  /** c64: the administrator's weight for the hop over one link, at least 1. */
  void setWeight(String interfaceName, int weight) {
    if (ctx.link(interfaceName) == null) {
      throw new IllegalArgumentException("no AODV interface " + interfaceName);
    }
    if (weight < 1) {
      throw new IllegalArgumentException("link weight " + weight + " is below 1");
    }
    weights.put(interfaceName, weight);
  }

  int weight(String interfaceName) {
    return weights.getOrDefault(interfaceName, 1);
  }

  /** c63: the budget of a ring sent with IP TTL {@code ttl}. */
  static long budget(int ttl, int netDiameter) {
    return ttl < netDiameter ? ttl : AodvExtension.UNLIMITED_BUDGET;
  }

  /** The originator's RREQ for a ring with IP TTL {@code ttl}: each link starts its own sum. */
  void originate(RouteRequest rreq, int ttl) {
    send(rreq, ttl, null, budget(ttl, ctx.parameters().netDiameter()), 0);
  }

  /**
   * c65-66: one copy of the RREQ on each link but the one it came in on whose weight keeps the sum
   * from the originator within the ring's budget; each copy carries its own sum. Links over budget
   * are left out: the search reaches the neighbours with the lowest sums first.
   *
   * @return the copies sent
   */
  int send(RouteRequest rreq, int ttl, Interface ingress, long budget, long sumHere) {
    int sent = 0;
    for (Interface i : ctx.links()) {
      if (!i.isUp() || i == ingress) {
        continue;
      }
      long sum = sumHere + weight(i.name());
      if (sum > budget) {
        ctx.count(AodvCounter.RREQ_WEIGHT_PRUNED);
        continue;
      }
      ctx.sendOn(i, withSum(rreq, budget, sum), RouterContext.LIMITED_BROADCAST, ttl);
      sent++;
    }
    if (sent > 0) {
      ctx.broadcastAt(ctx.now());
    }
    ctx.count(AodvCounter.RREQ_TRANSMISSIONS, sent);
    return sent;
  }

  /** The RREQ with its Weight Sum extension, and no other, set to this link's sum. */
  static RouteRequest withSum(RouteRequest rreq, long budget, long sum) {
    List<AodvExtension> extensions = new ArrayList<>();
    for (AodvExtension e : rreq.extensions()) {
      if (e.type() != AodvExtension.WEIGHT_SUM) {
        extensions.add(e);
      }
    }
    extensions.add(AodvExtension.weightSum(budget, sum));
    return new RouteRequest(
        rreq.flags(),
        rreq.hopCount(),
        rreq.rreqId(),
        rreq.destination(),
        rreq.destinationSequence(),
        rreq.originator(),
        rreq.originatorSequence(),
        extensions);
  }
}
