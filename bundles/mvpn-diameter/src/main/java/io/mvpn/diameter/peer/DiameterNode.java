package io.mvpn.diameter.peer;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.time.Scheduler;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.CommandGrammar;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Diameter node (RFC 6733): its peers and their state machines, the requests it has outstanding
 * (matched by Hop-by-Hop Identifier), the applications it serves, duplicate detection, realm
 * routing with failover, and relaying. A plain engine on one {@link Scheduler}: every method runs
 * on that scheduler's thread, as do the transport's events.
 */
public final class DiameterNode implements ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(DiameterNode.class);

  /** What is outstanding under one Hop-by-Hop Identifier. */
  private static final class Outstanding {
    DiameterMessage request;
    Peer peer;
    Scheduler.Timer timer;
    final AnswerListener listener;
    final Peer from;
    final int fromHopByHop;

    Outstanding(DiameterMessage request, AnswerListener listener, Peer from, int fromHopByHop) {
      this.request = request;
      this.listener = listener;
      this.from = from;
      this.fromHopByHop = fromHopByHop;
    }
  }

  private final Scheduler scheduler;
  private final NodeSettings settings;
  private final Transport transport;
  private final RandomGenerator random;
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Map<Connection, Peer> owners = new HashMap<>();
  private final Map<Connection, Scheduler.Timer> unbound = new HashMap<>();
  private final Map<Long, RequestHandler> applications = new TreeMap<>();
  private final Map<Integer, Outstanding> outstanding = new HashMap<>();
  private final DuplicateCache duplicates = new DuplicateCache(65_536);
  private final NodeCounters counters;
  private int nextHopByHop;
  private int nextEndToEnd;

  public DiameterNode(
      Scheduler scheduler, NodeSettings settings, Transport transport, RandomGenerator random) {
    this(scheduler, settings, transport, random, null, null);
  }

  /**
   * A node that counts in {@code counters} (if not null), in {@code scope}: a node that follows
   * another over the same store and scope goes on from its counts.
   */
  public DiameterNode(
      Scheduler scheduler,
      NodeSettings settings,
      Transport transport,
      RandomGenerator random,
      CounterStore counters,
      String scope) {
    this.counters = new NodeCounters(counters, scope);
    this.scheduler = scheduler;
    this.settings = settings;
    this.transport = transport;
    this.random = random;
    this.nextHopByHop = random.nextInt();
    // §3: the high 12 bits from the clock, the low 20 random, so a restart does not reuse them.
    long seconds = System.currentTimeMillis() / 1000;
    this.nextEndToEnd = (int) ((seconds & 0xFFF) << 20) | (random.nextInt() & 0xFFFFF);
  }

  // ---- configuration and control

  public Peer addPeer(PeerConfig config) {
    Peer p = new Peer(this, config);
    peers.put(config.host(), p);
    return p;
  }

  /** Serves {@code applicationId}'s requests to this node; advertised in the next CER/CEA. */
  public void register(long applicationId, RequestHandler handler) {
    applications.put(applicationId, handler);
  }

  /** Connects to every peer it initiates to. */
  public void start() {
    peers.values().forEach(Peer::start);
  }

  /** Disconnects every peer with DPR and the cause. */
  public void stop(DisconnectCause cause) {
    peers.values().forEach(p -> p.stop(cause));
    unbound.keySet().forEach(Connection::close);
    unbound.clear();
  }

  public List<Peer> peers() {
    return List.copyOf(peers.values());
  }

  public Peer peer(String host) {
    return peers.get(host);
  }

  public DiameterStats stats() {
    return counters.snapshot();
  }

  /** Application messages by peer, direction, command and Result-Code, in first-seen order. */
  public List<PeerTraffic> traffic() {
    return counters.traffic();
  }

  public NodeSettings settings() {
    return settings;
  }

  /** What this node says in CER/CEA: the settings' identity with the served applications. */
  public Capabilities capabilities() {
    Capabilities id = settings.identity();
    Set<Long> auth = new LinkedHashSet<>(id.authApplications());
    auth.addAll(applications.keySet());
    auth.remove(0L);
    if (settings.relay()) {
      auth.add(Capabilities.RELAY_APPLICATION);
    }
    return new Capabilities(
        id.originHost(),
        id.originRealm(),
        id.hostAddresses(),
        id.vendorId(),
        id.productName(),
        id.firmwareRevision(),
        id.originStateId(),
        auth,
        id.acctApplications());
  }

  // ---- sending requests

  /**
   * Sends a request toward its Destination-Host or Destination-Realm; the listener hears the
   * answer, or a 3002 UNABLE_TO_DELIVER this node makes when no peer takes it in time.
   */
  public void send(DiameterMessage request, AnswerListener listener) {
    DiameterMessage r = identify(request);
    counters.requestsSent.increment();
    Outstanding o = new Outstanding(r, listener, null, 0);
    Peer to = route(r, null);
    if (to == null) {
      listener.answered(localError(r, ResultCode.UNABLE_TO_DELIVER, "no peer for the destination"));
      return;
    }
    forward(o, to, r);
  }

  private void forward(Outstanding o, Peer to, DiameterMessage r) {
    o.request = r;
    o.peer = to;
    outstanding.put(r.hopByHop(), o);
    o.timer =
        scheduler.schedule(
            settings.requestTimeout().toNanos(),
            TimeUnit.NANOSECONDS,
            () -> {
              o.timer = null;
              counters.timeouts.increment();
              reroute(o);
            });
    counters.message(to, true, r);
    to.connection().send(r);
  }

  /** Failover of one request (§5.5.4): the T bit, once, to another peer; else 3002. */
  private void reroute(Outstanding o) {
    outstanding.remove(o.request.hopByHop());
    if (o.timer != null) {
      o.timer.cancel();
      o.timer = null;
    }
    Peer next = o.request.isRetransmit() ? null : route(o.request, o.peer);
    if (next != null) {
      counters.retransmitted.increment();
      forward(
          o, next, o.request.retransmitted().withIdentifiers(nextHopByHop++, o.request.endToEnd()));
      return;
    }
    DiameterMessage error = localError(o.request, ResultCode.UNABLE_TO_DELIVER, "no answer");
    if (o.listener != null) {
      o.listener.answered(error);
    } else if (o.from.connection() != null) {
      sendAnswer(o.from, error.withIdentifiers(o.fromHopByHop, error.endToEnd()));
    }
  }

  /**
   * The peer for a request: its Destination-Host if that is a peer, else a peer of its
   * Destination-Realm serving the application, else a relay; never {@code exclude}.
   */
  private Peer route(DiameterMessage r, Peer exclude) {
    String host = r.utf8(AvpCode.DESTINATION_HOST);
    Peer direct = host == null ? null : peers.get(host);
    if (direct != null && direct != exclude && direct.available()) {
      return direct;
    }
    String realm = r.utf8(AvpCode.DESTINATION_REALM);
    Peer relay = null;
    for (Peer p : peers.values()) {
      if (p == exclude || !p.available()) {
        continue;
      }
      Capabilities caps = p.remoteCapabilities();
      if (p.config().realm().equals(realm) && caps.supports(r.applicationId())) {
        return p;
      }
      if (relay == null && caps.isRelay()) {
        relay = p;
      }
    }
    return relay;
  }

  // ---- transport events

  @Override
  public void connected(Connection c) {
    Peer p = owners.get(c);
    if (p != null) {
      p.connected(c);
      return;
    }
    // An accepted connection: it has exchangeTimeout to send its CER.
    unbound.put(
        c,
        scheduler.schedule(
            settings.exchangeTimeout().toNanos(),
            TimeUnit.NANOSECONDS,
            () -> {
              if (unbound.remove(c) != null) {
                counters.timeouts.increment();
                c.close();
              }
            }));
  }

  @Override
  public void connectFailed(Connection c, String reason) {
    Peer p = owners.remove(c);
    if (p != null) {
      p.connectFailed(c, reason);
    }
  }

  @Override
  public void received(Connection c, DiameterMessage m) {
    try {
      CommandGrammar.check(m);
    } catch (MalformedDiameterException e) {
      malformed(c, e.inMessage(m));
      Scheduler.Timer waiting = unbound.remove(c);
      if (waiting != null) {
        // A CER that fails its grammar ends the attempt (§5.3): answered, then closed.
        waiting.cancel();
        c.close();
      }
      return;
    }
    Peer p = owners.get(c);
    if (p != null) {
      p.received(c, m);
    } else if (unbound.containsKey(c)) {
      firstMessage(c, m);
    }
  }

  @Override
  public void malformed(Connection c, MalformedDiameterException e) {
    counters.malformed.increment();
    DiameterMessage header = e.header();
    LOG.debug("malformed message from {}: {}", c.remote(), e.getMessage());
    if (header != null && header.isRequest()) {
      // A CEA carries the capabilities whatever its Result-Code (RFC 6733 §5.3.2), else the peer
      // cannot read why its CER was refused.
      boolean cer = header.commandCode() == CommandCode.CAPABILITIES_EXCHANGE;
      List<Avp> avps = new ArrayList<>(cer ? capabilities().avps() : capabilities().identity());
      avps.add(Avp.utf8(AvpCode.ERROR_MESSAGE, e.getMessage()).notMandatory());
      if (e.failedAvp() != null) {
        avps.add(Avp.grouped(AvpCode.FAILED_AVP, List.of(e.failedAvp())));
      }
      countAnswer(e.resultCode());
      c.send(DiameterMessage.answer(header, e.resultCode(), avps));
    }
    if (header == null || e.resultCode() == ResultCode.INVALID_MESSAGE_LENGTH) {
      // The stream cannot be trusted to be framed any more.
      c.close();
    }
  }

  @Override
  public void disconnected(Connection c) {
    Scheduler.Timer t = unbound.remove(c);
    if (t != null) {
      t.cancel();
    }
    Peer p = owners.remove(c);
    if (p != null) {
      p.disconnected(c);
    }
  }

  /** The first message on an accepted connection must be a CER from a known peer (§5.3). */
  private void firstMessage(Connection c, DiameterMessage m) {
    unbound.remove(c).cancel();
    if (!m.isRequest() || m.commandCode() != CommandCode.CAPABILITIES_EXCHANGE) {
      counters.malformed.increment();
      c.close();
      return;
    }
    Capabilities caps;
    try {
      caps = Capabilities.of(m);
    } catch (MalformedDiameterException e) {
      malformed(c, e.inMessage(m));
      c.close();
      return;
    }
    Peer p = peers.get(caps.originHost());
    if (p != null && !c.certifies(caps.originHost())) {
      // A certificate for another name: this is not the configured peer (§13.1).
      counters.uncertifiedPeers.increment();
      p = null;
    }
    int refusal =
        p == null
            ? ResultCode.UNKNOWN_PEER
            : capabilities().conflictsWith(caps) ? ResultCode.NO_COMMON_APPLICATION : 0;
    if (refusal != 0) {
      if (refusal == ResultCode.UNKNOWN_PEER) {
        counters.unknownPeers.increment();
      }
      LOG.info("CER from {} on {}: {}", caps.originHost(), c.remote(), ResultCode.name(refusal));
      countAnswer(refusal);
      c.send(capabilitiesAnswer(m, refusal));
      c.close();
      return;
    }
    own(c, p);
    p.responderCer(c, m, caps);
  }

  // ---- messages on open connections

  /** An application message from an open peer. */
  void deliver(Peer from, DiameterMessage m) {
    if (!m.isRequest()) {
      answerArrived(from, m);
      return;
    }
    counters.requestsReceived.increment();
    counters.message(from, false, m);
    String destHost = m.utf8(AvpCode.DESTINATION_HOST);
    String destRealm = m.utf8(AvpCode.DESTINATION_REALM);
    Capabilities me = settings.identity();
    boolean mine =
        destHost != null
            ? destHost.equals(me.originHost())
            : destRealm == null || destRealm.equals(me.originRealm());
    if (mine || !m.isProxiable()) {
      serve(from, m);
    } else if (settings.relay()) {
      relay(from, m);
    } else {
      int code =
          me.originRealm().equals(destRealm)
              ? ResultCode.UNABLE_TO_DELIVER
              : ResultCode.REALM_NOT_SERVED;
      sendAnswer(from, localError(m, code, "not served here"));
    }
  }

  private void serve(Peer from, DiameterMessage m) {
    String key = DuplicateCache.key(m.utf8(AvpCode.ORIGIN_HOST), m.endToEnd());
    DiameterMessage seen = duplicates.answer(key, scheduler.nanoTime());
    // Another command or application under the same End-to-End is a new request, not a copy.
    if (seen != null
        && seen.commandCode() == m.commandCode()
        && seen.applicationId() == m.applicationId()) {
      counters.duplicates.increment();
      sendAnswer(from, seen.withIdentifiers(m.hopByHop(), m.endToEnd()));
      return;
    }
    DiameterMessage answer;
    RequestHandler handler = applications.get(m.applicationId());
    try {
      m.requireKnownMandatoryAvps();
      if (handler == null) {
        int code =
            m.applicationId() == 0
                ? ResultCode.COMMAND_UNSUPPORTED
                : ResultCode.APPLICATION_UNSUPPORTED;
        answer = localError(m, code, "not served here");
      } else {
        RequestHandler.Answer a = handler.handle(m);
        List<Avp> avps = new ArrayList<>(capabilities().identity());
        avps.addAll(a.avps());
        answer = DiameterMessage.answer(m, a.resultCode(), avps);
      }
    } catch (MalformedDiameterException e) {
      counters.malformed.increment();
      List<Avp> avps = new ArrayList<>(capabilities().identity());
      if (e.failedAvp() != null) {
        avps.add(Avp.grouped(AvpCode.FAILED_AVP, List.of(e.failedAvp())));
      }
      answer = DiameterMessage.answer(m, e.resultCode(), avps);
    }
    duplicates.remember(key, answer, scheduler.nanoTime());
    sendAnswer(from, answer);
  }

  /** Relays a request (§6.1.9): Route-Record of the sender, a new Hop-by-Hop Identifier. */
  private void relay(Peer from, DiameterMessage m) {
    String me = settings.identity().originHost();
    for (Avp a : m.findAll(AvpCode.ROUTE_RECORD)) {
      if (a.asUtf8().equals(me)) {
        sendAnswer(from, localError(m, ResultCode.LOOP_DETECTED, "Route-Record has " + me));
        return;
      }
    }
    Peer to = route(m, from);
    if (to == null) {
      sendAnswer(from, localError(m, ResultCode.UNABLE_TO_DELIVER, "no route"));
      return;
    }
    counters.relayed.increment();
    DiameterMessage out =
        m.with(Avp.utf8(AvpCode.ROUTE_RECORD, from.config().host()))
            .withIdentifiers(nextHopByHop++, m.endToEnd());
    forward(new Outstanding(out, null, from, m.hopByHop()), to, out);
  }

  private void answerArrived(Peer from, DiameterMessage m) {
    Outstanding o = outstanding.get(m.hopByHop());
    if (o == null || o.peer != from) {
      counters.unmatchedAnswers.increment();
      return;
    }
    outstanding.remove(m.hopByHop());
    if (o.timer != null) {
      o.timer.cancel();
    }
    counters.answersReceived.increment();
    counters.message(from, false, m);
    if (o.listener != null) {
      o.listener.answered(m);
    } else if (o.from.connection() != null) {
      sendAnswer(o.from, m.withIdentifiers(o.fromHopByHop, m.endToEnd()));
    }
  }

  private void sendAnswer(Peer to, DiameterMessage answer) {
    try {
      countAnswer((int) answer.resultCode());
    } catch (MalformedDiameterException e) {
      counters.answersSent.increment();
    }
    counters.message(to, true, answer);
    if (to.connection() != null) {
      to.connection().send(answer);
    }
  }

  private void countAnswer(int resultCode) {
    counters.answersSent.increment();
    if (ResultCode.isProtocolError(resultCode)) {
      counters.protocolErrors.increment();
    }
  }

  // ---- for the peers

  /** The peer's watchdog failed it over: its outstanding requests go elsewhere. */
  void failover(Peer p) {
    for (Outstanding o : List.copyOf(outstanding.values())) {
      if (o.peer == p) {
        reroute(o);
      }
    }
  }

  void peerOpened(Peer p) {}

  void peerClosed(Peer p) {
    failover(p);
  }

  void own(Connection c, Peer p) {
    owners.put(c, p);
  }

  void disown(Connection c) {
    owners.remove(c);
  }

  /** Fresh Hop-by-Hop and End-to-End Identifiers for a request this node originates. */
  DiameterMessage identify(DiameterMessage request) {
    return request.withIdentifiers(nextHopByHop++, nextEndToEnd++);
  }

  DiameterMessage baseAnswer(DiameterMessage request, int resultCode, List<Avp> extra) {
    List<Avp> avps = new ArrayList<>(capabilities().identity());
    avps.addAll(extra);
    counters.answersSent.increment();
    return DiameterMessage.answer(request, resultCode, avps);
  }

  DiameterMessage capabilitiesAnswer(DiameterMessage cer, int resultCode) {
    List<Avp> avps = capabilities().avps();
    return DiameterMessage.answer(cer, resultCode, avps);
  }

  /** An error answer made here, E bit for 3xxx, with Error-Reporting-Host when relaying (§7.3). */
  DiameterMessage localError(DiameterMessage request, int code, String why) {
    List<Avp> avps = new ArrayList<>(capabilities().identity());
    avps.add(Avp.utf8(AvpCode.ERROR_MESSAGE, why).notMandatory());
    if (ResultCode.isProtocolError(code)) {
      avps.add(Avp.utf8(AvpCode.ERROR_REPORTING_HOST, settings.identity().originHost()));
    }
    return DiameterMessage.answer(request, code, avps);
  }

  Scheduler scheduler() {
    return scheduler;
  }

  RandomGenerator random() {
    return random;
  }

  Transport transport() {
    return transport;
  }

  NodeCounters counters() {
    return counters;
  }
}
