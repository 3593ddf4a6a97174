package io.mvpn.aodv;

import io.mvpn.aodv.route.RouteTimeouts;
import java.util.ArrayList;
import java.util.List;

/**
 * Every configuration parameter of RFC 3561 §10, for one router instance. Times are milliseconds,
 * as the RFC writes them; counts and TTLs are plain ints.
 *
 * <p>The derived parameters (DELETE_PERIOD, NET_TRAVERSAL_TIME, ...) are components too, so the
 * shell can show the values in force. {@link Builder#build()} computes each one from the base
 * values with the RFC formula unless the operator set it explicitly; changing NODE_TRAVERSAL_TIME
 * therefore moves every time that depends on it.
 *
 * <p>Two values are not parameters of an instance and so are absent: MIN_REPAIR_TTL (the last known
 * hop count of the route being repaired) and TTL_VALUE (the IP TTL of the current attempt); {@link
 * #ringTraversalTimeMillis(int)} takes the latter as an argument.
 *
 * @param helloMessages whether neighbours are tracked with Hello messages (§6.9); the §10
 *     constraints on ACTIVE_ROUTE_TIMEOUT and DELETE_PERIOD depend on it
 * @param linkLayerFeedback whether the link layer reports broken links (§6.10)
 * @param expandingRingSearch whether RREQs use the expanding ring search (§6.4), which lengthens
 *     BLACKLIST_TIMEOUT
 * @param weightedRingSearch seed 002 c63-66, off by default: RREQs carry the {@link
 *     io.mvpn.aodv.message.AodvExtension#WEIGHT_SUM} extension and go, link by link, only where the
 *     originator's weight sum stays within the ring's budget (the ring's TTL; unlimited at
 *     NET_DIAMETER). Link weights are set on the router ({@code MobilityRouter#setLinkWeight})
 * @param refreshLeadMillis seed 002 c67-70, 0 (off) by default: a router that sent a RREP sends a
 *     gratuitous refresh RREP toward the RREQ's originator when the route it advertised has at most
 *     this long left and datagrams still arrive along the path
 * @param rerequestLeadMillis 0 (off, the RFC's behaviour) by default: an originator whose route is
 *     in use starts a new discovery when the route has at most this long left, without waiting for
 *     it to expire. Seed 002 c69: a refresh lead must be longer than this lead
 * @param rreqForwardLimit RREQs this router rebroadcasts per second; by default {@link
 *     #DEFAULT_FORWARD_FACTOR} x RREQ_RATELIMIT. RFC 3561 limits only what a node originates; a
 *     neighbour flooding fresh RREQs would otherwise make every router repeat them
 * @param localRepair off by default: repair a broken route locally (§6.12, a MAY). When the link to
 *     a next hop breaks, destinations at most MAX_REPAIR_TTL hops away are searched for again from
 *     here while their datagrams wait, instead of an immediate RERR
 * @param gratuitousRreps off by default: set the G flag on the RREQs this router originates (§5.1,
 *     §6.6.3), so an intermediate router that answers also gives the destination a route back, as a
 *     TCP-like session wants
 * @param rrepAcks off by default: ask for a RREP-ACK on every RREP sent (the A flag, §5.2), for
 *     links that may be unidirectional; a neighbour that does not acknowledge within NEXT_HOP_WAIT
 *     is blacklisted for BLACKLIST_TIMEOUT and its RREQs are ignored meanwhile (§6.8)
 */
public record AodvParameters(
    long activeRouteTimeoutMillis,
    int allowedHelloLoss,
    long blacklistTimeoutMillis,
    long deletePeriodMillis,
    long helloIntervalMillis,
    int localAddTtl,
    int maxRepairTtl,
    long myRouteTimeoutMillis,
    int netDiameter,
    long netTraversalTimeMillis,
    long nextHopWaitMillis,
    long nodeTraversalTimeMillis,
    long pathDiscoveryTimeMillis,
    int rerrRatelimit,
    int rreqRetries,
    int rreqRatelimit,
    int timeoutBuffer,
    int ttlStart,
    int ttlIncrement,
    int ttlThreshold,
    boolean helloMessages,
    boolean linkLayerFeedback,
    boolean expandingRingSearch,
    boolean weightedRingSearch,
    long refreshLeadMillis,
    long rerequestLeadMillis,
    int rreqForwardLimit,
    boolean localRepair,
    boolean gratuitousRreps,
    boolean rrepAcks)
    implements RouteTimeouts {

  /** Rebroadcast RREQs allowed per second, as a multiple of RREQ_RATELIMIT, unless configured. */
  public static final int DEFAULT_FORWARD_FACTOR = 10;

  /** K of DELETE_PERIOD = K x max(ACTIVE_ROUTE_TIMEOUT, HELLO_INTERVAL); the RFC recommends 5. */
  public static final int DELETE_PERIOD_K = 5;

  /** The RFC 3561 §10 values, with Hellos and the expanding ring search in use. */
  public static AodvParameters defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding every value of this set, derived ones as explicit overrides: changing a base
   * value there leaves the derived values as they are here.
   */
  public Builder toBuilder() {
    return builder()
        .activeRouteTimeoutMillis(activeRouteTimeoutMillis)
        .allowedHelloLoss(allowedHelloLoss)
        .blacklistTimeoutMillis(blacklistTimeoutMillis)
        .deletePeriodMillis(deletePeriodMillis)
        .helloIntervalMillis(helloIntervalMillis)
        .localAddTtl(localAddTtl)
        .maxRepairTtl(maxRepairTtl)
        .myRouteTimeoutMillis(myRouteTimeoutMillis)
        .netDiameter(netDiameter)
        .netTraversalTimeMillis(netTraversalTimeMillis)
        .nextHopWaitMillis(nextHopWaitMillis)
        .nodeTraversalTimeMillis(nodeTraversalTimeMillis)
        .pathDiscoveryTimeMillis(pathDiscoveryTimeMillis)
        .rerrRatelimit(rerrRatelimit)
        .rreqRetries(rreqRetries)
        .rreqRatelimit(rreqRatelimit)
        .timeoutBuffer(timeoutBuffer)
        .ttlStart(ttlStart)
        .ttlIncrement(ttlIncrement)
        .ttlThreshold(ttlThreshold)
        .helloMessages(helloMessages)
        .linkLayerFeedback(linkLayerFeedback)
        .expandingRingSearch(expandingRingSearch)
        .weightedRingSearch(weightedRingSearch)
        .refreshLeadMillis(refreshLeadMillis)
        .rerequestLeadMillis(rerequestLeadMillis)
        .rreqForwardLimit(rreqForwardLimit)
        .localRepair(localRepair)
        .gratuitousRreps(gratuitousRreps)
        .rrepAcks(rrepAcks);
  }

  /**
   * RING_TRAVERSAL_TIME = 2 x NODE_TRAVERSAL_TIME x (TTL_VALUE + TIMEOUT_BUFFER): how long to wait
   * for a RREP to a RREQ sent with IP TTL {@code ttl} (§6.4).
   */
  public long ringTraversalTimeMillis(int ttl) {
    return 2 * nodeTraversalTimeMillis * (ttl + timeoutBuffer);
  }

  /**
   * The violated §10 constraints, one readable sentence each; empty when the set is usable. Besides
   * the RFC's own MUSTs this rejects values no engine can run with (zero timeouts, TTL 0).
   *
   * <p>Not checked: §10 also says MY_ROUTE_TIMEOUT MUST be at least 2 x PATH_DISCOVERY_TIME (11,200
   * ms with the defaults), while the same table sets it to 2 x ACTIVE_ROUTE_TIMEOUT (6,000 ms). The
   * RFC contradicts itself, so the default stays as tabulated and operators who want the longer
   * lifetime set {@link Builder#myRouteTimeoutMillis(long)}.
   */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    positive(errors, "ACTIVE_ROUTE_TIMEOUT", activeRouteTimeoutMillis);
    positive(errors, "HELLO_INTERVAL", helloIntervalMillis);
    positive(errors, "NODE_TRAVERSAL_TIME", nodeTraversalTimeMillis);
    positive(errors, "NET_TRAVERSAL_TIME", netTraversalTimeMillis);
    positive(errors, "PATH_DISCOVERY_TIME", pathDiscoveryTimeMillis);
    positive(errors, "MY_ROUTE_TIMEOUT", myRouteTimeoutMillis);
    positive(errors, "NEXT_HOP_WAIT", nextHopWaitMillis);
    positive(errors, "BLACKLIST_TIMEOUT", blacklistTimeoutMillis);
    positive(errors, "RERR_RATELIMIT", rerrRatelimit);
    positive(errors, "RREQ_RATELIMIT", rreqRatelimit);
    positive(errors, "TTL_START", ttlStart);
    positive(errors, "TTL_INCREMENT", ttlIncrement);
    positive(errors, "ALLOWED_HELLO_LOSS", allowedHelloLoss);
    positive(errors, "the RREQ forwarding limit", rreqForwardLimit);
    if (refreshLeadMillis < 0 || rerequestLeadMillis < 0) {
      errors.add("the refresh and re-request leads must not be negative (0 turns them off)");
    }
    if (refreshLeadMillis > 0 && refreshLeadMillis <= rerequestLeadMillis) {
      errors.add(
          "the refresh lead ("
              + refreshLeadMillis
              + " ms) must be longer than the re-request lead ("
              + rerequestLeadMillis
              + " ms), or the originator floods a RREQ before the refresh arrives (seed 002 c69)");
    }
    if (rreqRetries < 0 || timeoutBuffer < 0 || localAddTtl < 0 || maxRepairTtl < 0) {
      errors.add(
          "RREQ_RETRIES, TIMEOUT_BUFFER, LOCAL_ADD_TTL and MAX_REPAIR_TTL must not be negative");
    }
    if (netDiameter < 1 || netDiameter > 255) {
      errors.add("NET_DIAMETER must be an IP TTL, 1 to 255, but is " + netDiameter);
    }
    if (ttlThreshold < ttlStart || ttlThreshold > netDiameter) {
      errors.add(
          "TTL_THRESHOLD ("
              + ttlThreshold
              + ") must lie between TTL_START ("
              + ttlStart
              + ") and NET_DIAMETER ("
              + netDiameter
              + ")");
    }
    long helloLoss = allowedHelloLoss * helloIntervalMillis;
    String lossName = "ALLOWED_HELLO_LOSS x HELLO_INTERVAL";
    if (helloMessages && activeRouteTimeoutMillis <= helloLoss) {
      errors.add(
          constraint(
              "Hello messages",
              "ACTIVE_ROUTE_TIMEOUT",
              activeRouteTimeoutMillis,
              "more than",
              lossName,
              helloLoss));
    }
    if (helloMessages && deletePeriodMillis < helloLoss) {
      errors.add(
          constraint(
              "Hello messages",
              "DELETE_PERIOD",
              deletePeriodMillis,
              "at least",
              lossName,
              helloLoss));
    }
    if (linkLayerFeedback && deletePeriodMillis < activeRouteTimeoutMillis) {
      errors.add(
          constraint(
              "link-layer feedback",
              "DELETE_PERIOD",
              deletePeriodMillis,
              "at least",
              "ACTIVE_ROUTE_TIMEOUT",
              activeRouteTimeoutMillis));
    }
    return errors;
  }

  /** This set, or an {@link IllegalArgumentException} listing every error of {@link #validate}. */
  public AodvParameters requireValid() {
    List<String> errors = validate();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid AODV parameters: " + String.join("; ", errors));
    }
    return this;
  }

  /** A §10 lower bound that holds only in one mode of link detection, in words. */
  private static String constraint(
      String mode, String name, long value, String relation, String boundName, long bound) {
    return "with "
        + mode
        + " "
        + name
        + " ("
        + value
        + " ms) must be "
        + relation
        + " "
        + boundName
        + " ("
        + bound
        + " ms) (RFC 3561 §10)";
  }

  private static void positive(List<String> errors, String name, long value) {
    if (value <= 0) {
      errors.add(name + " must be positive, but is " + value);
    }
  }

  /**
   * Base values start at the RFC defaults; a derived value left unset is computed in {@link
   * #build()} from the base values in force then.
   */
  public static final class Builder {
    private long activeRouteTimeoutMillis = 3_000;
    private int allowedHelloLoss = 2;
    private long helloIntervalMillis = 1_000;
    private int localAddTtl = 2;
    private int netDiameter = 35;
    private long nodeTraversalTimeMillis = 40;
    private int rerrRatelimit = 10;
    private int rreqRetries = 2;
    private int rreqRatelimit = 10;
    private int timeoutBuffer = 2;
    private int ttlStart = 1;
    private int ttlIncrement = 2;
    private int ttlThreshold = 7;
    private boolean helloMessages = true;
    private boolean linkLayerFeedback;
    private boolean expandingRingSearch = true;
    private boolean weightedRingSearch;
    private long refreshLeadMillis;
    private long rerequestLeadMillis;
    private boolean localRepair;
    private boolean gratuitousRreps;
    private boolean rrepAcks;

    // Derived values: null until the operator overrides the RFC formula.
    private Long blacklistTimeoutMillis;
    private Long deletePeriodMillis;
    private Integer maxRepairTtl;
    private Long myRouteTimeoutMillis;
    private Long netTraversalTimeMillis;
    private Long nextHopWaitMillis;
    private Long pathDiscoveryTimeMillis;
    private Integer rreqForwardLimit;

    private Builder() {}

    public Builder activeRouteTimeoutMillis(long value) {
      activeRouteTimeoutMillis = value;
      return this;
    }

    public Builder allowedHelloLoss(int value) {
      allowedHelloLoss = value;
      return this;
    }

    public Builder helloIntervalMillis(long value) {
      helloIntervalMillis = value;
      return this;
    }

    public Builder localAddTtl(int value) {
      localAddTtl = value;
      return this;
    }

    public Builder netDiameter(int value) {
      netDiameter = value;
      return this;
    }

    public Builder nodeTraversalTimeMillis(long value) {
      nodeTraversalTimeMillis = value;
      return this;
    }

    public Builder rerrRatelimit(int value) {
      rerrRatelimit = value;
      return this;
    }

    public Builder rreqRetries(int value) {
      rreqRetries = value;
      return this;
    }

    public Builder rreqRatelimit(int value) {
      rreqRatelimit = value;
      return this;
    }

    public Builder timeoutBuffer(int value) {
      timeoutBuffer = value;
      return this;
    }

    public Builder ttlStart(int value) {
      ttlStart = value;
      return this;
    }

    public Builder ttlIncrement(int value) {
      ttlIncrement = value;
      return this;
    }

    public Builder ttlThreshold(int value) {
      ttlThreshold = value;
      return this;
    }

    public Builder helloMessages(boolean value) {
      helloMessages = value;
      return this;
    }

    public Builder linkLayerFeedback(boolean value) {
      linkLayerFeedback = value;
      return this;
    }

    public Builder expandingRingSearch(boolean value) {
      expandingRingSearch = value;
      return this;
    }

    public Builder weightedRingSearch(boolean value) {
      weightedRingSearch = value;
      return this;
    }

    public Builder refreshLeadMillis(long value) {
      refreshLeadMillis = value;
      return this;
    }

    public Builder rerequestLeadMillis(long value) {
      rerequestLeadMillis = value;
      return this;
    }

    public Builder localRepair(boolean value) {
      localRepair = value;
      return this;
    }

    public Builder gratuitousRreps(boolean value) {
      gratuitousRreps = value;
      return this;
    }

    public Builder rrepAcks(boolean value) {
      rrepAcks = value;
      return this;
    }

    public Builder blacklistTimeoutMillis(long value) {
      blacklistTimeoutMillis = value;
      return this;
    }

    public Builder deletePeriodMillis(long value) {
      deletePeriodMillis = value;
      return this;
    }

    public Builder maxRepairTtl(int value) {
      maxRepairTtl = value;
      return this;
    }

    public Builder myRouteTimeoutMillis(long value) {
      myRouteTimeoutMillis = value;
      return this;
    }

    public Builder netTraversalTimeMillis(long value) {
      netTraversalTimeMillis = value;
      return this;
    }

    public Builder nextHopWaitMillis(long value) {
      nextHopWaitMillis = value;
      return this;
    }

    public Builder pathDiscoveryTimeMillis(long value) {
      pathDiscoveryTimeMillis = value;
      return this;
    }

    public Builder rreqForwardLimit(int value) {
      rreqForwardLimit = value;
      return this;
    }

    /** The parameters, derived values computed in dependency order; not validated. */
    public AodvParameters build() {
      long netTraversal = or(netTraversalTimeMillis, 2 * nodeTraversalTimeMillis * netDiameter);
      long pathDiscovery = or(pathDiscoveryTimeMillis, 2 * netTraversal);
      // With the expanding ring a RREQ goes out once per ring before the RREQ_RETRIES full-diameter
      // tries: [(TTL_THRESHOLD - TTL_START) / TTL_INCREMENT] + 1 rings (integer division).
      int rings = expandingRingSearch ? (ttlThreshold - ttlStart) / ttlIncrement + 1 : 0;
      long blacklist = or(blacklistTimeoutMillis, (rings + rreqRetries) * netTraversal);
      long deletePeriod =
          or(
              deletePeriodMillis,
              DELETE_PERIOD_K * Math.max(activeRouteTimeoutMillis, helloIntervalMillis));
      // 0.3 x NET_DIAMETER is 10.5 with the defaults; the RFC gives no rounding rule, and rounding
      // down keeps local repair within the bound the RFC meant to impose.
      int maxRepair = maxRepairTtl != null ? maxRepairTtl : netDiameter * 3 / 10;
      long myRoute = or(myRouteTimeoutMillis, 2 * activeRouteTimeoutMillis);
      long nextHopWait = or(nextHopWaitMillis, nodeTraversalTimeMillis + 10);
      int forwardLimit =
          rreqForwardLimit != null ? rreqForwardLimit : DEFAULT_FORWARD_FACTOR * rreqRatelimit;
      return new AodvParameters(
          activeRouteTimeoutMillis,
          allowedHelloLoss,
          blacklist,
          deletePeriod,
          helloIntervalMillis,
          localAddTtl,
          maxRepair,
          myRoute,
          netDiameter,
          netTraversal,
          nextHopWait,
          nodeTraversalTimeMillis,
          pathDiscovery,
          rerrRatelimit,
          rreqRetries,
          rreqRatelimit,
          timeoutBuffer,
          ttlStart,
          ttlIncrement,
          ttlThreshold,
          helloMessages,
          linkLayerFeedback,
          expandingRingSearch,
          weightedRingSearch,
          refreshLeadMillis,
          rerequestLeadMillis,
          forwardLimit,
          localRepair,
          gratuitousRreps,
          rrepAcks);
    }

    private static long or(Long override, long computed) {
      return override != null ? override : computed;
    }
  }
}
