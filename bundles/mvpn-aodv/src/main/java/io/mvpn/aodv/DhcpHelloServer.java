package io.mvpn.aodv;

import io.mvpn.aodv.dhcp.DhcpFormatException;
import io.mvpn.aodv.dhcp.DhcpHello;
import io.mvpn.aodv.dhcp.DhcpMessage;
import io.mvpn.aodv.dhcp.DhcpOption;
import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.GrantedRoute;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sink's side of seed 002's DHCP hello (c58-60): a node that speaks only DHCP asks for its own
 * address (option 50) with a {@link DhcpHello} (option 224) in its DISCOVER or REQUEST. The sink
 * asks the node's home MSM through the site's {@link SitePolicy#authority()}, exactly as for an
 * authenticated AODV hello, and installs nothing before the answer. Admitted, a DISCOVER gets an
 * OFFER; a REQUEST gets an ACK, and only then is the node's filter installed and does the sink act
 * for it in AODV ({@link ProxiedNodes}). Refused: a DISCOVER gets silence (RFC 2131 has no negative
 * answer to it, and a client ignores what it does not expect), a REQUEST a NAK, so the client does
 * not go on using an address it was refused; both counted by reason.
 *
 * <p>A client repeats its hello unchanged in every message (udhcpc and dhclient send such an option
 * as fixed bytes), so the hello the MSM accepted stands for the client's lease: repeated while
 * offered, bound or just released by the same client, from the station and link the lease was
 * granted to, it is answered without asking again (the MSM would refuse the same timestamp as a
 * replay). Any other hello with a timestamp not newer than the last accepted for that identity, the
 * same bytes from elsewhere included, is a replay, refused without asking the MSM.
 */
final class DhcpHelloServer {

  /** Clients a sink keeps; when full, the oldest one without a lease is forgotten. */
  static final int MAX_CLIENTS = 4096;

  /** Requests the sink has at the MSM at once. */
  static final int MAX_OUTSTANDING = 256;

  /** How long an OFFER holds: a client that chose no server within it starts over. */
  static final long OFFER_HOLD_MILLIS = 60_000;

  private enum Phase {
    NONE,
    OFFERED,
    BOUND
  }

  /** One client, by its client identifier or hardware address (RFC 2131 §4.2). */
  private static final class Client {
    final String key;
    Phase phase = Phase.NONE;
    HelloAuthentication hello; // the one the MSM accepted
    Ipv4Address address;
    byte[] chaddr;
    String link;
    int station = Interface.NO_STATION;
    Long pendingTimestamp;
    long expiresAt;
    Scheduler.Timer timer;
    NodeFilter filter;
    List<GrantedRoute> routes = List.of();
    boolean released; // gave its address back: its hello may lease again until the lease's end

    Client(String key) {
      this.key = key;
    }
  }

  private final RouterContext ctx;
  private final HelloAdmission admission;
  private final ProxiedNodes proxied;
  private final DhcpAccess access;
  private final DhcpReplies replies;
  private final Map<String, Client> clients = new LinkedHashMap<>();
  private final Map<String, Long> acceptedTimestamps = new HashMap<>();
  private SitePolicy policy;
  private int outstanding;
  private Registration registration;

  DhcpHelloServer(
      RouterContext ctx, HelloAdmission admission, ProxiedNodes proxied, DhcpAccess access) {
    this.ctx = ctx;
    this.admission = admission;
    this.proxied = proxied;
    this.access = access;
    this.replies = new DhcpReplies(ctx, access);
  }

  void start(SitePolicy sitePolicy) {
    this.policy = sitePolicy;
    registration = ctx.vrf.bindUdp(DhcpMessage.SERVER_PORT, this::receive);
  }

  void stop() {
    if (registration != null) {
      registration.close();
      registration = null;
    }
    for (Client c : clients.values()) {
      if (c.timer != null) {
        c.timer.cancel();
      }
    }
  }

  DhcpAccess access() {
    return access;
  }

  private void receive(Vrf v, Interface ingress, UdpDatagram datagram) {
    if (ingress == null || !access.links().contains(ingress.name())) {
      ctx.count(AodvCounter.DHCP_IGNORED); // not on an access link: no node of ours
      return;
    }
    int station = ingress.receivingFrom();
    ctx.count(AodvCounter.DHCP_RECEIVED);
    DhcpMessage m;
    try {
      m = DhcpMessage.parse(datagram.payload());
    } catch (DhcpFormatException e) {
      ctx.count(AodvCounter.DHCP_MALFORMED);
      return;
    }
    if (m.op() != DhcpMessage.BOOTREQUEST || m.giaddr().toInt() != 0) {
      // Replies are not ours to take; a relayed request comes from a node the sink cannot reach
      // on its own link, and acting for a node in AODV needs that.
      ctx.count(AodvCounter.DHCP_IGNORED);
      return;
    }
    switch (m.messageType()) {
      case DhcpOption.DISCOVER, DhcpOption.REQUEST -> onHello(m, ingress, station);
      case DhcpOption.RELEASE, DhcpOption.DECLINE -> onRelease(m, ingress, station);
      default -> ctx.count(AodvCounter.DHCP_IGNORED); // INFORM, BOOTP: no hello, no lease
    }
  }

  private void onHello(DhcpMessage m, Interface ingress, int station) {
    boolean request = m.messageType() == DhcpOption.REQUEST;
    Ipv4Address chosen = m.serverIdentifier();
    if (request && chosen != null && !chosen.equals(ingress.address())) {
      forgetOffer(m.clientKey()); // RFC 2131 §4.3.2: it took another server's offer
      ctx.count(AodvCounter.DHCP_IGNORED);
      return;
    }
    HelloAuthentication hello;
    try {
      hello = DhcpHello.of(m);
    } catch (DhcpFormatException e) {
      refuse(m, ingress, AodvCounter.DHCP_REFUSED_MALFORMED, "malformed hello");
      return;
    }
    if (hello == null) {
      ctx.count(AodvCounter.DHCP_IGNORED); // §4.3.2: no record of a client without a hello
      return;
    }
    Ipv4Address address = m.requestedAddress() != null ? m.requestedAddress() : m.ciaddr();
    if (address.toInt() == 0) {
      refuse(m, ingress, AodvCounter.DHCP_REFUSED_MALFORMED, "no address requested");
      return;
    }
    if (!policy.realm().equalsIgnoreCase(HelloCredentials.realmOf(hello.identity()))) {
      // A visitor may only tunnel to the foreign agent (c48-49); a node speaking only DHCP cannot.
      refuse(m, ingress, AodvCounter.DHCP_REFUSED_VISITOR, "not a member of this site");
      return;
    }
    Client c = clients.get(m.clientKey());
    if (c != null
        && (c.phase != Phase.NONE || c.released)
        && sameHello(c, hello, address, m)
        && fromHolder(c, ingress, station)) {
      // The hello of the lease it holds (or gave back), from where it holds it: no new question.
      // The same bytes from another station or link are a copy, checked below as a new hello.
      if (c.phase == Phase.NONE) {
        c.phase = Phase.OFFERED;
      }
      c.released = false;
      grant(c, m, ingress);
      return;
    }
    if (c != null && c.pendingTimestamp != null && c.pendingTimestamp == hello.timestamp()) {
      return; // a retransmission while the MSM is asked
    }
    Long last = acceptedTimestamps.get(hello.identity());
    if (last != null && Long.compareUnsigned(hello.timestamp(), last) <= 0) {
      refuse(m, ingress, AodvCounter.DHCP_REFUSED_REPLAYED, "replayed hello");
      return;
    }
    if (outstanding >= MAX_OUTSTANDING || (c == null && (c = newClient(m.clientKey())) == null)) {
      refuse(m, ingress, AodvCounter.DHCP_REFUSED_BUSY, "busy");
      return;
    }
    ask(c, m, hello, address, ingress, station);
  }

  private void ask(
      Client c,
      DhcpMessage m,
      HelloAuthentication hello,
      Ipv4Address address,
      Interface in,
      int station) {
    if (c.pendingTimestamp == null) {
      outstanding++;
    }
    long ts = hello.timestamp();
    c.pendingTimestamp = ts;
    ctx.count(AodvCounter.DHCP_AUTH_REQUESTS);
    String link = in.name();
    MsmQuestion.ask(
        ctx,
        policy,
        hello,
        address,
        DhcpHello.signedBytes(hello, address, m.htype(), m.chaddr()),
        answer -> answered(c, m, hello, address, link, station, answer),
        () -> unanswered(c, ts));
  }

  private void unanswered(Client c, long ts) {
    if (c.pendingTimestamp != null && c.pendingTimestamp == ts) {
      c.pendingTimestamp = null;
      outstanding--;
      countRefusal(AodvCounter.DHCP_REFUSED_UNREACHABLE);
    }
  }

  private void answered(
      Client c,
      DhcpMessage m,
      HelloAuthentication hello,
      Ipv4Address address,
      String link,
      int station,
      Authorization answer) {
    if (c.pendingTimestamp == null || c.pendingTimestamp != hello.timestamp()) {
      return; // timed out, or a newer hello is being checked
    }
    c.pendingTimestamp = null;
    outstanding--;
    Interface via = ctx.vrf.getInterface(link);
    if (via == null) {
      return; // the link went away while the MSM was asked
    }
    if (answer.outcome() == Authorization.Outcome.DUPLICATE) {
      // Another sink of the site took this broadcast hello and answers it: a NAK here would make
      // the client drop the address that sink gives it (RFC 2131), so no answer, nothing kept.
      ctx.count(AodvCounter.DHCP_DUPLICATE);
      if (c.phase == Phase.NONE && c.hello == null) {
        clients.remove(c.key);
      }
      return;
    }
    if (!answer.isAdmitted()) {
      refuse(m, via, refusalCounter(answer.outcome()), "refused by the home MSM");
      return;
    }
    NodeFilter filter;
    try {
      filter = NodeFilter.parse(answer.filterRules());
    } catch (NodeFilter.BadRuleException e) {
      refuse(m, via, AodvCounter.DHCP_REFUSED_MALFORMED, "cannot apply the MSM's answer");
      return;
    }
    acceptedTimestamps.put(hello.identity(), hello.timestamp());
    if (c.phase == Phase.BOUND && !address.equals(c.address)) {
      unbind(c);
      c.phase = Phase.NONE;
    }
    c.hello = hello;
    c.address = address;
    c.chaddr = m.chaddr();
    c.link = link;
    c.station = station;
    c.filter = filter;
    c.routes = answer.routes();
    c.released = false;
    if (c.phase == Phase.NONE) {
      c.phase = Phase.OFFERED;
    }
    grant(c, m, via);
  }

  /** OFFER to a DISCOVER; ACK to a REQUEST, which binds the lease and installs the node. */
  private void grant(Client c, DhcpMessage m, Interface via) {
    if (m.messageType() == DhcpOption.DISCOVER) {
      if (c.phase == Phase.OFFERED) {
        arm(c, OFFER_HOLD_MILLIS);
      }
      replies.grant(m, DhcpOption.OFFER, c.address, via, c.station);
      ctx.count(AodvCounter.DHCP_OFFERS);
      return;
    }
    admission.installProxied(c.hello.identity(), c.address, c.link, c.routes, c.filter);
    if (c.phase != Phase.BOUND) {
      ctx.count(AodvCounter.DHCP_NODES_BOUND);
    }
    c.phase = Phase.BOUND;
    proxied.add(c.address, via, c.station);
    arm(c, TimeUnit.SECONDS.toMillis(access.leaseSeconds()));
    if (c.station != Interface.NO_STATION) {
      // However quiet the node stays, the sink reaches it while its lease lives.
      via.transport().holdStation(c.station, c.expiresAt);
    }
    replies.grant(m, DhcpOption.ACK, c.address, via, c.station);
    ctx.count(AodvCounter.DHCP_ACKS);
  }

  private void arm(Client c, long millis) {
    if (c.timer != null) {
      c.timer.cancel();
    }
    c.expiresAt = ctx.now() + TimeUnit.MILLISECONDS.toNanos(millis);
    c.timer = ctx.scheduler.schedule(millis, TimeUnit.MILLISECONDS, () -> expire(c));
  }

  private void expire(Client c) {
    if (clients.get(c.key) != c) {
      return;
    }
    long early = c.expiresAt - ctx.now();
    if (early > 0) {
      // A real clock's timer may fire a little before its time: wait out the rest.
      c.timer =
          ctx.scheduler.schedule(
              TimeUnit.NANOSECONDS.toMillis(early) + 1, TimeUnit.MILLISECONDS, () -> expire(c));
      return;
    }
    if (c.phase == Phase.BOUND) {
      ctx.count(AodvCounter.DHCP_LEASES_EXPIRED);
    }
    forget(c);
  }

  /**
   * RELEASE or DECLINE from the holder of a lease, from its station on its link (a RELEASE carries
   * no hello: anyone can write the client's hardware address into one): it gives the address back.
   * Its hello may lease again while the record lasts (to the lease's end): a client repeats it.
   */
  private void onRelease(DhcpMessage m, Interface ingress, int station) {
    Client c = clients.get(m.clientKey());
    Ipv4Address address = m.messageType() == DhcpOption.RELEASE ? m.ciaddr() : m.requestedAddress();
    if (c == null
        || c.phase != Phase.BOUND
        || !fromHolder(c, ingress, station)
        || !ingress.address().equals(m.serverIdentifier())
        || !c.address.equals(address)) {
      ctx.count(AodvCounter.DHCP_IGNORED);
      return;
    }
    ctx.count(AodvCounter.DHCP_RELEASES);
    unbind(c);
    c.phase = Phase.NONE;
    c.released = true; // forgotten by the lease's timer, still armed
  }

  /** Whether a message came from the station and link the client's lease was granted to. */
  private static boolean fromHolder(Client c, Interface ingress, int station) {
    return ingress.name().equals(c.link) && station == c.station;
  }

  private void forgetOffer(String key) {
    Client c = clients.get(key);
    if (c != null && c.phase == Phase.OFFERED) {
      forget(c);
    }
  }

  private void forget(Client c) {
    if (c.timer != null) {
      c.timer.cancel();
    }
    if (c.phase != Phase.NONE) {
      unbind(c);
    }
    if (c.pendingTimestamp == null) {
      clients.remove(c.key);
    }
    c.phase = Phase.NONE;
  }

  private void unbind(Client c) {
    proxied.remove(c.address);
    admission.withdrawProxied(c.address);
  }

  private Client newClient(String key) {
    if (clients.size() >= MAX_CLIENTS) {
      var it = clients.values().iterator();
      while (it.hasNext()) {
        Client old = it.next();
        if (old.phase == Phase.NONE && old.pendingTimestamp == null) {
          it.remove();
          break;
        }
      }
      if (clients.size() >= MAX_CLIENTS) {
        return null;
      }
    }
    Client c = new Client(key);
    clients.put(key, c);
    return c;
  }

  private static boolean sameHello(
      Client c, HelloAuthentication hello, Ipv4Address address, DhcpMessage m) {
    return hello.equals(c.hello)
        && address.equals(c.address)
        && java.util.Arrays.equals(m.chaddr(), c.chaddr);
  }

  private void refuse(DhcpMessage m, Interface via, AodvCounter reason, String why) {
    countRefusal(reason);
    if (m.messageType() == DhcpOption.REQUEST) {
      replies.refuse(m, via, why);
      ctx.count(AodvCounter.DHCP_NAKS);
    }
  }

  private void countRefusal(AodvCounter reason) {
    ctx.count(AodvCounter.DHCP_REFUSED);
    ctx.count(reason);
  }

  private static AodvCounter refusalCounter(Authorization.Outcome why) {
    return switch (why) {
      case UNREACHABLE -> AodvCounter.DHCP_REFUSED_UNREACHABLE;
      case MALFORMED -> AodvCounter.DHCP_REFUSED_MALFORMED;
      default -> AodvCounter.DHCP_REFUSED_REJECTED;
    };
  }

  /** The clients with an identity: pending, offered or bound. */
  List<DhcpLease> leases() {
    List<DhcpLease> out = new ArrayList<>();
    long now = ctx.now();
    for (Client c : clients.values()) {
      if ((c.hello == null || c.released) && c.pendingTimestamp == null) {
        continue;
      }
      DhcpLease.State state =
          c.phase == Phase.BOUND
              ? DhcpLease.State.BOUND
              : c.phase == Phase.OFFERED ? DhcpLease.State.OFFERED : DhcpLease.State.PENDING;
      ProxiedNodes.Stats s =
          c.address == null ? new ProxiedNodes.Stats(0, 0, 0, 0) : proxied.stats(c.address);
      out.add(
          new DhcpLease(
              c.hello == null ? "?" : c.hello.identity(),
              c.address,
              c.chaddr == null ? "" : HexFormat.ofDelimiter(":").formatHex(c.chaddr),
              c.link,
              state,
              c.phase == Phase.BOUND ? Math.max(0, (c.expiresAt - now) / 1_000_000_000L) : 0,
              s.waiting(),
              s.buffered(),
              s.delivered(),
              s.dropped()));
    }
    return out;
  }
}
