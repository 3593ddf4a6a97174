package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.SiteRoutes;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.net.Interface;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The sink's side of seed 002's authenticated hello (c40-49). A node entering the site signs its
 * Hello; the sink cannot check the signature (the key is the node's and its home MSM's), so it asks
 * the {@link SitePolicy#authority()} and installs nothing before the answer: no route to the node,
 * none of its control messages taken, none of its data forwarded. Admitted, the node gets a route,
 * the filter the answer names and a Site Routes RREP (c44-45); a node of another realm, admitted by
 * its own MSM, is a visitor: only the default route via the foreign agent, and a filter that passes
 * only IP-in-IP between it and that agent (c46-49). Refusals are counted by reason; a hello whose
 * timestamp is not newer than one already taken is refused at once, without asking anyone.
 */
final class HelloAdmission {

  private static final class Node {
    final String identity;
    Ipv4Address address;
    SiteNode.State state = SiteNode.State.PENDING;
    long acceptedTimestamp;
    boolean everAccepted;
    Long pendingTimestamp;
    long members;
    long visits;
    long refused;
    NodeFilter filter;
    String link;
    boolean proxied;
    List<GrantedRoute> routes = List.of();

    Node(String identity) {
      this.identity = identity;
    }

    boolean admitted() {
      return state == SiteNode.State.MEMBER || state == SiteNode.State.VISITOR;
    }
  }

  /**
   * Nodes a sink keeps: forged hellos with ever new identities must not grow its memory. When full,
   * the oldest refused node is forgotten; with none to forget, a new one is refused at once.
   */
  static final int MAX_NODES = 4096;

  /** Hellos a second one sender (source address) may have checked by the MSM. */
  static final int HELLOS_PER_SENDER_PER_SECOND = 4;

  /** Hellos a second one link may have checked by the MSM, all senders together. */
  static final int HELLOS_PER_LINK_PER_SECOND = 32;

  /** Requests the sink has at the MSM at once. */
  static final int MAX_OUTSTANDING = 256;

  /** How long a hello waits for its answer (the Diameter watchdog's Tw). */
  static final long ANSWER_TIMEOUT_MILLIS = MsmQuestion.ANSWER_TIMEOUT_MILLIS;

  private static final long SECOND = 1_000_000_000L;

  private final RouterContext ctx;
  private final Map<String, Integer> helloesThisSecondByLink = new HashMap<>();
  private final Map<Ipv4Address, Integer> helloesThisSecondBySender = new HashMap<>();
  private long rateWindowStart;
  private int outstanding;
  private final NeighbourMonitor neighbours;
  private final Map<String, Node> byIdentity = new LinkedHashMap<>();
  private final Map<Ipv4Address, Node> admitted = new HashMap<>();
  private final Set<Ipv4Address> blocked = new HashSet<>();
  private SitePolicy policy;
  private Set<String> proxyLinks = Set.of();

  HelloAdmission(RouterContext ctx, NeighbourMonitor neighbours) {
    this.ctx = ctx;
    this.neighbours = neighbours;
  }

  void setPolicy(SitePolicy policy) {
    this.policy = policy;
  }

  /** Links where nodes enter with DHCP hellos: as access links, only admitted sources pass. */
  void setProxyLinks(Set<String> links) {
    proxyLinks = Set.copyOf(links);
  }

  /**
   * c58-60: a node that entered with a DHCP hello and was acknowledged is a member like any other:
   * its routes and filter are installed, its traffic passes only from its own access link.
   */
  void installProxied(
      String identity, Ipv4Address address, String link, List<GrantedRoute> routes, NodeFilter f) {
    Node n = byIdentity.computeIfAbsent(identity, Node::new);
    if (n.admitted() && !address.equals(n.address)) {
      admitted.remove(n.address);
    }
    if (!n.admitted()) {
      n.members++;
    }
    n.address = address;
    n.state = SiteNode.State.MEMBER;
    n.filter = f;
    n.link = link;
    n.proxied = true;
    n.routes = routes;
    admitted.put(address, n);
    blocked.remove(address);
  }

  /** The node's lease ended: nothing of it stays installed. */
  void withdrawProxied(Ipv4Address address) {
    Node n = admitted.remove(address);
    if (n != null) {
      n.state = SiteNode.State.LEFT;
      n.filter = null;
      n.routes = List.of();
    }
  }

  SitePolicy policy() {
    return policy;
  }

  boolean active() {
    return policy != null;
  }

  NodeAuthority authority() {
    return policy.authority();
  }

  /**
   * A node that asked to enter and is not (yet) admitted, or any neighbour not admitted on an
   * access link: nothing of it is taken. A DHCP link is an access link too, and there even an
   * admitted DHCP node is not heard: the sink speaks AODV for it, it never speaks AODV itself.
   */
  boolean blocks(Ipv4Address sender, Interface ingress) {
    if (blocked.contains(sender)) {
      return true;
    }
    Node n = admitted.get(sender);
    if (proxyLinks.contains(ingress.name())) {
      return n == null || n.proxied || !ingress.name().equals(n.link);
    }
    return policy.accessLinks().contains(ingress.name()) && n == null;
  }

  /** An authenticated Hello from {@code sender}, heard on {@code ingress}. */
  void onHello(RouteReply hello, Ipv4Address sender, Interface ingress, long now) {
    ctx.count(AodvCounter.HELLO_AUTH_RECEIVED);
    HelloAuthentication auth;
    try {
      auth = HelloAuthentication.of(hello);
    } catch (AodvFormatException e) {
      ctx.count(AodvCounter.MALFORMED);
      return;
    }
    if (!ownHello(hello, sender) || !mayAsk(sender, ingress, now)) {
      return;
    }
    HelloCredentials credentials =
        new HelloCredentials(
            auth.identity(),
            sender,
            auth.spi(),
            auth.timestamp(),
            HelloAuthentication.signedBytes(hello),
            auth.authenticator(),
            policy.realm());
    admit(
        auth.identity(),
        auth.timestamp(),
        sender,
        ingress.name(),
        false,
        answer -> policy.authority().authorize(credentials, answer),
        UnaryOperator.identity());
  }

  /** Only a node's own hello enters it: about itself, from itself, no hops. */
  boolean ownHello(RouteReply hello, Ipv4Address sender) {
    if (!hello.destination().equals(sender) || hello.hopCount() != 0) {
      ctx.count(AodvCounter.MALFORMED);
      return false;
    }
    return true;
  }

  /** Whether one more hello of {@code sender} may cost a check; refused and counted if not. */
  boolean mayAsk(Ipv4Address sender, Interface ingress, long now) {
    if (!withinRate(sender, ingress.name(), now)) {
      refuseUnknown(AodvCounter.AUTH_REFUSED_RATE_LIMITED);
      return false;
    }
    return true;
  }

  /** A hello refused before it named anyone the sink keeps: counted only. */
  void refuseUnknown(AodvCounter reason) {
    ctx.count(AodvCounter.AUTH_REFUSED);
    ctx.count(reason);
  }

  /**
   * Asks the authority about {@code identity}'s hello of {@code ts} from {@code sender} on {@code
   * link}, unless it replays one already taken. A {@code certified} node (its certificate is from
   * the site's own MSM) is never a visitor. {@code seal} completes the Site Routes RREP (the sink's
   * certificate and signature for a PKI hello).
   */
  void admit(
      String identity,
      long ts,
      Ipv4Address sender,
      String link,
      boolean certified,
      Consumer<Consumer<Authorization>> ask,
      UnaryOperator<RouteReply> seal) {
    Node n = node(identity);
    if (n == null) {
      refuseUnknown(AodvCounter.AUTH_REFUSED_BUSY);
      return;
    }
    if ((n.pendingTimestamp != null && Long.compareUnsigned(ts, n.pendingTimestamp) <= 0)
        || (n.everAccepted && Long.compareUnsigned(ts, n.acceptedTimestamp) <= 0)) {
      refuse(n, Authorization.Outcome.REJECTED, AodvCounter.AUTH_REFUSED_REPLAYED);
      return;
    }
    // Only the identity waits for the answer: the source address is anyone's to forge, so an
    // unverified hello must not change what the sink does with that address's traffic.
    if (n.pendingTimestamp == null && outstanding >= MAX_OUTSTANDING) {
      refuse(n, Authorization.Outcome.UNREACHABLE, AodvCounter.AUTH_REFUSED_RATE_LIMITED);
      return;
    }
    if (n.pendingTimestamp == null) {
      outstanding++;
    }
    n.pendingTimestamp = ts;
    ctx.count(AodvCounter.AUTH_REQUESTS);
    ask.accept(
        answer ->
            ctx.scheduler.execute(() -> answered(n, sender, link, ts, certified, seal, answer)));
    ctx.scheduler.schedule(ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS, () -> unanswered(n, ts));
  }

  /** No answer in time: the node gives way (counted as unreachable), its address is not blocked. */
  private void unanswered(Node n, long ts) {
    if (n.pendingTimestamp == null || n.pendingTimestamp != ts) {
      return; // answered, or a newer hello is being checked
    }
    n.pendingTimestamp = null;
    outstanding--;
    refuse(n, Authorization.Outcome.UNREACHABLE, AodvCounter.AUTH_REFUSED_UNREACHABLE);
  }

  /**
   * Whether the MSM may be asked about one more hello from {@code sender} on {@code link}: forged
   * hellos cost a Diameter round trip each, so each sender and each link gets a budget a second
   * (windows of virtual time; both tables are emptied as each window starts, so they stay small).
   */
  private boolean withinRate(Ipv4Address sender, String link, long now) {
    if (helloesThisSecondByLink.isEmpty() || now - rateWindowStart >= SECOND) {
      rateWindowStart = now;
      helloesThisSecondByLink.clear();
      helloesThisSecondBySender.clear();
    }
    int bySender = helloesThisSecondBySender.getOrDefault(sender, 0);
    int byLink = helloesThisSecondByLink.getOrDefault(link, 0);
    if (bySender >= HELLOS_PER_SENDER_PER_SECOND || byLink >= HELLOS_PER_LINK_PER_SECOND) {
      return false;
    }
    helloesThisSecondBySender.put(sender, bySender + 1);
    helloesThisSecondByLink.put(link, byLink + 1);
    return true;
  }

  private Node node(String identity) {
    Node n = byIdentity.get(identity);
    if (n != null) {
      return n;
    }
    if (byIdentity.size() >= MAX_NODES && !forgetOneRefused()) {
      return null;
    }
    n = new Node(identity);
    byIdentity.put(identity, n);
    return n;
  }

  private boolean forgetOneRefused() {
    for (var it = byIdentity.values().iterator(); it.hasNext(); ) {
      Node old = it.next();
      if (old.state == SiteNode.State.REFUSED && old.pendingTimestamp == null) {
        it.remove();
        blocked.remove(old.address);
        return true;
      }
    }
    return false;
  }

  int nodeCount() {
    return byIdentity.size();
  }

  private void answered(
      Node n,
      Ipv4Address sender,
      String link,
      long ts,
      boolean certified,
      UnaryOperator<RouteReply> seal,
      Authorization answer) {
    if (n.pendingTimestamp == null || n.pendingTimestamp != ts) {
      return; // a newer hello of the node is being checked; its answer decides
    }
    n.pendingTimestamp = null;
    outstanding--;
    if (answer.outcome() == Authorization.Outcome.DUPLICATE) {
      // Another sink of the site took this broadcast hello: nothing here, nothing against the node.
      ctx.count(AodvCounter.AUTH_DUPLICATE);
      if (n.state == SiteNode.State.PENDING) {
        byIdentity.remove(n.identity);
      }
      return;
    }
    if (!answer.isAdmitted()) {
      refuse(n, answer.outcome(), refusalCounter(answer.outcome()));
      blockRefused(n, sender);
      return;
    }
    boolean visitor =
        !certified && !policy.realm().equalsIgnoreCase(HelloCredentials.realmOf(n.identity));
    List<GrantedRoute> routes =
        visitor
            ? List.of(new GrantedRoute(Prefix.DEFAULT_ROUTE, policy.foreignAgent(), 1))
            : answer.routes();
    List<String> rules =
        visitor ? NodeFilter.visitorRules(sender, policy.foreignAgent()) : answer.filterRules();
    NodeFilter filter;
    SiteRoutes advert;
    try {
      filter = NodeFilter.parse(rules);
      advert = siteRoutes(routes);
    } catch (NodeFilter.BadRuleException | IllegalArgumentException e) {
      refuse(n, Authorization.Outcome.MALFORMED, AodvCounter.AUTH_REFUSED_MALFORMED);
      return;
    }
    Interface via = ctx.link(link);
    if (via == null) {
      return; // the link went away while the MSM was asked
    }
    if (n.admitted() && !sender.equals(n.address)) {
      admitted.remove(n.address);
    }
    n.address = sender;
    n.state = visitor ? SiteNode.State.VISITOR : SiteNode.State.MEMBER;
    n.filter = filter;
    n.link = link;
    n.proxied = false;
    n.routes = routes;
    n.acceptedTimestamp = ts;
    n.everAccepted = true;
    admitted.put(sender, n);
    blocked.remove(sender);
    long now = ctx.now();
    neighbours.heard(sender, via, now);
    AodvParameters p = ctx.parameters();
    ctx.sendOn(
        via,
        seal.apply(
            new RouteReply(
                0,
                0,
                0,
                ctx.self,
                ctx.ownSeq(),
                sender,
                p.myRouteTimeoutMillis(),
                List.of(advert.toExtension()))),
        sender.toInt(),
        1);
    if (visitor) {
      n.visits++;
      ctx.count(AodvCounter.VISITORS_ADMITTED);
    } else {
      n.members++;
      ctx.count(AodvCounter.NODES_ADMITTED);
    }
  }

  /**
   * A refused node's address is blocked, unless the address is an admitted node's: a hello with a
   * made-up identity and a member's source address must not cut that member off.
   */
  private void blockRefused(Node n, Ipv4Address sender) {
    if (n.admitted() || admitted.containsKey(sender)) {
      return;
    }
    if (n.address != null && !n.address.equals(sender)) {
      blocked.remove(n.address);
    }
    n.address = sender;
    blocked.add(sender);
  }

  private static SiteRoutes siteRoutes(List<GrantedRoute> routes) {
    List<SiteRoutes.Route> out = new ArrayList<>();
    for (GrantedRoute r : routes) {
      out.add(new SiteRoutes.Route(r.prefix(), r.gateway(), r.metric()));
    }
    return new SiteRoutes(out);
  }

  private static AodvCounter refusalCounter(Authorization.Outcome why) {
    switch (why) {
      case UNREACHABLE:
        return AodvCounter.AUTH_REFUSED_UNREACHABLE;
      case MALFORMED:
        return AodvCounter.AUTH_REFUSED_MALFORMED;
      default:
        return AodvCounter.AUTH_REFUSED_REJECTED;
    }
  }

  /** Counted by reason; an admitted node keeps what it has, any other has nothing installed. */
  private void refuse(Node n, Authorization.Outcome why, AodvCounter reason) {
    n.refused++;
    ctx.count(AodvCounter.AUTH_REFUSED);
    ctx.count(reason);
    if (!n.admitted() && n.pendingTimestamp == null) {
      n.state = SiteNode.State.REFUSED;
    }
  }

  /**
   * Whether a datagram through the sink may pass the filters (c41, c49): from or to an admitted
   * node only as its rules say; from a node that asked to enter and was not admitted, never. On an
   * access link nothing passes by default: only a source admitted from that very link, so a node
   * cannot bypass its filter (or the foreign agent) by writing another source address.
   */
  boolean permits(Ipv4Packet packet, Interface ingress) {
    Ipv4Address source = Ipv4Address.of(packet.source());
    Node from = admitted.get(source);
    if (policy != null
        && ingress != null
        && (policy.accessLinks().contains(ingress.name()) || proxyLinks.contains(ingress.name()))
        && (from == null || !ingress.name().equals(from.link))) {
      return false;
    }
    if (admitted.isEmpty() && blocked.isEmpty()) {
      return true;
    }
    if (blocked.contains(source)) {
      return false;
    }
    if (from != null
        && !from.filter.permits(true, packet.protocol(), packet.source(), packet.destination())) {
      return false;
    }
    Node to = admitted.get(Ipv4Address.of(packet.destination()));
    return to == null
        || to.filter.permits(false, packet.protocol(), packet.source(), packet.destination());
  }

  List<SiteNode> nodes() {
    List<SiteNode> out = new ArrayList<>();
    for (Node n : byIdentity.values()) {
      out.add(
          new SiteNode(
              n.identity,
              n.address,
              n.state,
              n.members,
              n.visits,
              n.refused,
              n.routes.stream()
                  .map(r -> r.prefix() + " via " + r.gateway() + " metric " + r.metric())
                  .toList(),
              n.filter == null ? List.of() : n.filter.rules()));
    }
    return out;
  }
}
