package io.mvpn.sam.manager;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.time.Scheduler;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.ApInitiator;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.kink.KinkCodec;
import io.mvpn.sam.kink.KinkExchange;
import io.mvpn.sam.kink.KinkFormatException;
import io.mvpn.sam.kink.KinkMessage;
import io.mvpn.sam.kink.KinkMessageType;
import io.mvpn.sam.kink.KinkPayload;
import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.kink.KinkRefusedException;
import io.mvpn.sam.kink.RefusalCounts;
import io.mvpn.sam.manager.SaManager.Grant;
import io.mvpn.sam.manager.SaManager.SaUnavailableException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * A security association manager on the wire (docs/protocols.md, "KINK", SAM extension): a node's
 * SAM_REQUEST, authenticated by its AP-REQ for the manager's {@code kink/} service, is answered by
 * a SAM_GRANT holding the node's half of the pair sealed under the AP session key, or a KINK_ERROR
 * saying why not. A new pair's other half goes to the peer in a SAM_INSTALL under the peer's own
 * ticket, sent just before the grant and retransmitted with a doubling wait until the peer's REPLY
 * or the attempts run out.
 *
 * <p>A node whose SAM_GRANT was lost sends its request again under the same XID (RFC 4430: an
 * exchange keeps its XID, each sending has a fresh authenticator). Once authenticated, such a
 * request is answered with the SAM_GRANT sent before, byte for byte, and no second pair is made, so
 * node and manager agree on the pair and its peer is pushed it once ({@link RequestReplies},
 * bounded in time and entries). The same principal's XID with another request is refused ({@code
 * XID_REUSED}); another principal never finds that entry.
 *
 * <p>Runs on one scheduler's thread; the KDC, whose client blocks, is asked on a separate executor
 * and the grant completes back on the scheduler, so pairs from held tickets are made meanwhile.
 * Anything refused is counted by reason and changes nothing: no pair, no node address, no
 * replay-cache entry.
 */
public final class SamResponder {

  /** Where the responder's datagrams go (a UDP socket in production, a test's wire in tests). */
  public interface Outbound {
    void send(byte[] datagram, InetSocketAddress to);
  }

  /** What the responder has done, for the shell and metrics. */
  public static final class Counters {
    final Counter requests;
    final Counter grants;
    final Counter errors;
    final Counter installsSent;
    final Counter installRetransmits;
    final Counter installsAcknowledged;
    final Counter installsAbandoned;
    final Counter installsDeferred;
    final Counter retransmitted;
    final Counter busy;
    final RefusalCounts refused;
    final Map<KinkFormatException.Reason, Long> malformed =
        new EnumMap<>(KinkFormatException.Reason.class);

    /** Counts of the responder's own. */
    public Counters() {
      this(null, null);
    }

    /**
     * Counts in {@code store} (if not null), in {@code scope}: a responder over the same store and
     * scope goes on from them. Unreadable datagrams by what was wrong stay the responder's own
     * (they are also in {@code refused-malformed}).
     */
    public Counters(CounterStore store, String scope) {
      requests = Counter.of(store, scope, "requests");
      grants = Counter.of(store, scope, "grants");
      errors = Counter.of(store, scope, "errors");
      installsSent = Counter.of(store, scope, "installs-sent");
      installRetransmits = Counter.of(store, scope, "install-retransmits");
      installsAcknowledged = Counter.of(store, scope, "installs-acknowledged");
      installsAbandoned = Counter.of(store, scope, "installs-abandoned");
      installsDeferred = Counter.of(store, scope, "installs-deferred");
      retransmitted = Counter.of(store, scope, "retransmitted");
      busy = Counter.of(store, scope, "busy");
      refused = new RefusalCounts(store, scope);
    }

    /** New SAM_REQUESTs accepted (authenticated and intact); retransmissions are not counted. */
    public long requests() {
      return requests.get();
    }

    /** SAM_GRANTs with an SA sent. */
    public long grants() {
      return grants.get();
    }

    /** SAM_GRANTs with a KINK_ERROR sent. */
    public long errors() {
      return errors.get();
    }

    public long installsSent() {
      return installsSent.get();
    }

    public long installRetransmits() {
      return installRetransmits.get();
    }

    public long installsAcknowledged() {
      return installsAcknowledged.get();
    }

    /** SAM_INSTALLs never answered within the attempts: the peer gets the pair when it asks. */
    public long installsAbandoned() {
      return installsAbandoned.get();
    }

    /** New pairs whose peer had not yet been heard from, so had no address to install to. */
    public long installsDeferred() {
      return installsDeferred.get();
    }

    /**
     * SAM_REQUESTs sent again under an XID whose grant was made or is under way: answered with the
     * same SAM_GRANT, no second pair.
     */
    public long retransmitted() {
      return retransmitted.get();
    }

    /**
     * New SAM_REQUESTs answered SAM_KDC_UNREACHABLE at once: the node already had its bound of
     * grants under way, or the manager had its bound under way in all (the KDC is slow to answer).
     */
    public long busy() {
      return busy.get();
    }

    /** Messages refused, by reason (MALFORMED includes every unreadable datagram). */
    public RefusalCounts refused() {
      return refused;
    }

    /** Unreadable datagrams by what was wrong. */
    public Map<KinkFormatException.Reason, Long> malformed() {
      return Map.copyOf(malformed);
    }
  }

  /**
   * How SAM_INSTALLs are retried (the first wait, doubled per retransmission, and the attempts),
   * and how long and how many SAM_GRANTs are kept for requests sent again under the same XID: in
   * all, and per node principal.
   */
  public record Settings(
      long installRetransmitMillis,
      int installAttempts,
      long replyWindowMillis,
      int replyCapacity,
      int repliesPerNode) {
    /**
     * A node (SamClient's defaults) sends a request at most 4 times, the last 7 s after the first,
     * and stops waiting at 15 s: a 30 s window finds every grant it can still be waiting for, well
     * inside the 300 s skew that keeps a copied authenticator refused. 8,192 grants of ~0.5 KB each
     * is a few MB, and holds the window at 270 grants a second.
     */
    public static final Settings DEFAULT = new Settings(1_000, 4, 30_000, 8_192, 256);
  }

  private record PendingInstall(
      String peer,
      InetSocketAddress to,
      SgtTicket ticket,
      KinkPayload.SamSa half,
      ApInitiator.Sent sent,
      int attempt,
      Scheduler.Timer timer) {}

  private static final long EXPIRY_SWEEP_MILLIS = 60_000;

  private final Scheduler time;
  private final KerberosClock clock;
  private final SaManager manager;
  private final ApAcceptor acceptor;
  private final Outbound out;
  private final Settings settings;
  private final Executor kdcCalls;
  private final String realm;
  private final long epoch;
  private final Counters counters;
  private final Map<String, InetSocketAddress> nodes = new HashMap<>();
  private final Map<Long, PendingInstall> installs = new HashMap<>();
  // The install under way per peer and node: a newer pair's install replaces the older one's.
  private final Map<String, Long> installByPair = new HashMap<>();
  private final RequestReplies replies;
  private long nextXid;

  public SamResponder(
      Scheduler time,
      SaManager manager,
      ApAcceptor acceptor,
      Outbound out,
      Settings settings,
      Executor kdcCalls,
      SecureRandom random) {
    this(time, manager, acceptor, out, settings, kdcCalls, random, new Counters());
  }

  /** As the other, counting in {@code counters}: a new responder may go on from an old one's. */
  public SamResponder(
      Scheduler time,
      SaManager manager,
      ApAcceptor acceptor,
      Outbound out,
      Settings settings,
      Executor kdcCalls,
      SecureRandom random,
      Counters counters) {
    this.counters = counters;
    this.time = time;
    this.clock = manager.clock();
    this.manager = manager;
    this.acceptor = acceptor;
    this.out = out;
    this.settings = settings;
    this.kdcCalls = kdcCalls;
    this.realm = acceptor.service().substring(acceptor.service().indexOf('@') + 1);
    this.epoch = clock.unixMillis() / 1000;
    this.nextXid = random.nextInt() & 0xFFFFFFFFL;
    this.replies =
        new RequestReplies(
            TimeUnit.MILLISECONDS.toNanos(settings.replyWindowMillis()),
            settings.replyCapacity(),
            settings.repliesPerNode());
    sweepExpired();
  }

  /** Expired pairs leave memory and store within a minute, not only when someone asks again. */
  private void sweepExpired() {
    time.schedule(
        EXPIRY_SWEEP_MILLIS,
        TimeUnit.MILLISECONDS,
        () -> {
          manager.expire();
          replies.expire(time.nanoTime());
          sweepExpired();
        });
  }

  public Counters counters() {
    return counters;
  }

  public SaManager manager() {
    return manager;
  }

  /** The address a node was last heard from (or was configured with), or null. */
  public InetSocketAddress addressOf(String node) {
    return nodes.get(node);
  }

  /** A node's address known in advance, so a pair with it can be installed before it asks. */
  public void knowNode(String node, InetSocketAddress at) {
    nodes.put(node, at);
  }

  /** SAM_GRANTs kept for requests sent again, and requests whose grant is under way. */
  public int repliesHeld() {
    replies.expire(now());
    return replies.size();
  }

  /** Kept SAM_GRANTs dropped before their window ended, to stay within the bounds. */
  public long repliesEvicted() {
    return replies.evicted();
  }

  /** SAM_INSTALLs waiting for their REPLY. */
  public int installsPending() {
    return installs.size();
  }

  /** One datagram that arrived on the manager's socket from {@code from}. */
  public void receive(byte[] datagram, InetSocketAddress from) {
    KinkMessage message;
    try {
      message = KinkCodec.decode(datagram);
    } catch (KinkFormatException e) {
      counters.malformed.merge(e.reason(), 1L, Long::sum);
      refuse(KinkRefusal.MALFORMED);
      return;
    }
    try {
      switch (message.type()) {
        case SAM_REQUEST -> onRequest(datagram, message, from);
        case REPLY -> onInstallReply(datagram, message);
        default -> throw new KinkRefusedException(KinkRefusal.UNEXPECTED, message.type().name());
      }
    } catch (KinkRefusedException e) {
      refuse(e.refusal());
    } catch (RuntimeException e) {
      // Bad input is data: whatever a hostile datagram provokes is counted, not thrown at the loop.
      refuse(KinkRefusal.MALFORMED);
    }
  }

  private void onRequest(byte[] datagram, KinkMessage message, InetSocketAddress from)
      throws KinkRefusedException {
    KinkExchange.Command command =
        KinkExchange.acceptCommand(datagram, message, acceptor, this::checkRequest);
    String node = nodeOf(command.sender().client());
    String asked = sealed(command.sealed(), KinkPayload.SamPeer.class).node();
    nodes.put(node, from);
    // Authenticated, and (checkRequest) the same request as any under this principal and XID.
    RequestReplies.Entry seen = replies.find(command.sender().client(), message.xid(), now());
    if (seen != null && seen.reply() == null) {
      counters.retransmitted.increment();
      replies.resentFrom(seen, from);
      return;
    }
    if (seen != null && stillHeld(seen.pair(), node)) {
      counters.retransmitted.increment();
      out.send(seen.reply(), from);
      return;
    }
    // Not seen, or its pair was revoked, expired or replaced meanwhile: a new grant.
    replies.forget(seen);
    counters.requests.increment();
    RequestReplies.Entry entry =
        replies.open(
            command.sender().client(),
            message.xid(),
            command.sealed(),
            command.sender().sessionKey(),
            from,
            now());
    if (entry == null) {
      // Its bound is held by grants waiting on the KDC: no room, and no one else's taken for it.
      counters.busy.increment();
      counters.errors.increment();
      out.send(answer(message, command, KinkPayload.Error.SAM_KDC_UNREACHABLE, List.of()), from);
      return;
    }
    manager.request(
        node,
        asked,
        time,
        kdcCalls,
        new SaManager.Done() {
          @Override
          public void granted(Grant grant) {
            grant(message, command, entry, node, asked, grant);
          }

          @Override
          public void unavailable(SaUnavailableException e) {
            replies.forget(entry);
            counters.errors.increment();
            long code =
                e.peerUnknown()
                    ? KinkPayload.Error.SAM_UNKNOWN_PEER
                    : e.storeFailed()
                        ? KinkPayload.Error.INTERR
                        : KinkPayload.Error.SAM_KDC_UNREACHABLE;
            out.send(answer(message, command, code, List.of()), entry.to());
          }
        });
  }

  /** Whether the pair a kept grant carried is the one the manager still holds for the node. */
  private boolean stillHeld(SecurityAssociationPair granted, String node) {
    SecurityAssociationPair held = manager.held(node, granted.peerOf(node));
    return held != null && held.outboundOf(node).equals(granted.outboundOf(node));
  }

  private long now() {
    return time.nanoTime();
  }

  /** A request from a node of the realm for another node: anything else is refused. */
  private void checkRequest(KinkExchange.Command command) throws KinkRefusedException {
    String node = nodeOf(command.sender().client());
    KinkPayload.SamPeer peer = sealed(command.sealed(), KinkPayload.SamPeer.class);
    if (node == null || peer == null || !isNodeName(peer.node()) || peer.node().equals(node)) {
      throw new KinkRefusedException(KinkRefusal.UNEXPECTED, command.sender().client());
    }
    long xid = command.message().xid();
    RequestReplies.Entry seen = replies.find(command.sender().client(), xid, now());
    if (seen != null
        && !RequestReplies.sameRequest(seen, command.sealed(), command.sender().sessionKey())) {
      // Before its authenticator is remembered: a refused request changes nothing.
      throw new KinkRefusedException(
          KinkRefusal.XID_REUSED, command.sender().client() + " XID " + xid);
    }
  }

  private void grant(
      KinkMessage message,
      KinkExchange.Command command,
      RequestReplies.Entry entry,
      String node,
      String peer,
      Grant grant) {
    SecurityAssociationPair pair = grant.pair();
    long left = pair.secondsLeft(clock.unixMillis());
    KinkPayload.SamSa half =
        new KinkPayload.SamSa(peer, pair.outboundOf(node), pair.inboundOf(node), left);
    counters.grants.increment();
    byte[] reply = answer(message, command, KinkPayload.Error.OK, List.of(half));
    replies.answered(entry, reply, pair, now());
    // The peer's half leaves first: where the node's ESP and the install meet on their way to the
    // peer (its home agent), the install is ahead, so the peer holds the SA before the first
    // packet.
    install(
        peer,
        grant.peerTicket(),
        new KinkPayload.SamSa(node, pair.outboundOf(peer), pair.inboundOf(peer), left));
    out.send(reply, entry.to());
  }

  private byte[] answer(
      KinkMessage message, KinkExchange.Command command, long error, List<KinkPayload> sealed) {
    return KinkExchange.answer(
        KinkMessageType.SAM_GRANT, message.xid(), epoch, command.sender(), error, sealed);
  }

  /** Hands the peer its half under the ticket the manager holds for it. */
  private void install(String peer, SgtTicket ticket, KinkPayload.SamSa half) {
    InetSocketAddress to = nodes.get(peer);
    if (to == null) {
      counters.installsDeferred.increment();
      return;
    }
    long xid = nextXid;
    nextXid = (nextXid + 1) & 0xFFFFFFFFL;
    Long older = installByPair.put(pairOf(peer, half.peer()), xid);
    if (older != null) {
      drop(older);
    }
    counters.installsSent.increment();
    sendInstall(xid, new PendingInstall(peer, to, ticket, half, null, 0, null));
  }

  private void sendInstall(long xid, PendingInstall previous) {
    // Each attempt carries a fresh authenticator: the peer would refuse a repeated one as a replay.
    ApInitiator.Sent sent = ApInitiator.apReq(previous.ticket(), acceptor.service(), clock);
    KinkPayload.SamSa half = previous.half();
    SecurityAssociationPair held = manager.held(previous.peer(), half.peer());
    if (held != null) {
      // What is left now, not at the first attempt: the node compares it with what it holds.
      half =
          new KinkPayload.SamSa(
              half.peer(), half.outbound(), half.inbound(), held.secondsLeft(clock.unixMillis()));
    }
    byte[] datagram =
        KinkExchange.command(
            KinkMessageType.SAM_INSTALL, xid, epoch, sent, previous.ticket(), List.of(half));
    int attempt = previous.attempt() + 1;
    long wait = settings.installRetransmitMillis() << (attempt - 1);
    Scheduler.Timer timer = time.schedule(wait, TimeUnit.MILLISECONDS, () -> retransmit(xid));
    installs.put(
        xid,
        new PendingInstall(
            previous.peer(),
            previous.to(),
            previous.ticket(),
            previous.half(),
            sent,
            attempt,
            timer));
    out.send(datagram, previous.to());
  }

  private void retransmit(long xid) {
    PendingInstall pending = installs.get(xid);
    if (pending == null) {
      return;
    }
    if (pending.attempt() >= settings.installAttempts() || superseded(pending)) {
      // Out of attempts, or the pair was flushed, revoked, evicted or re-keyed meanwhile: a late
      // copy must not overwrite what the peer holds.
      drop(xid);
      counters.installsAbandoned.increment();
      return;
    }
    counters.installRetransmits.increment();
    sendInstall(xid, pending);
  }

  private void onInstallReply(byte[] datagram, KinkMessage message) throws KinkRefusedException {
    PendingInstall pending = installs.get(message.xid());
    if (pending == null) {
      throw new KinkRefusedException(KinkRefusal.UNKNOWN_XID, "REPLY " + message.xid());
    }
    KinkExchange.acceptAnswer(datagram, message, pending.ticket().getSessionKey(), pending.sent());
    drop(message.xid());
    counters.installsAcknowledged.increment();
  }

  private boolean superseded(PendingInstall pending) {
    SecurityAssociationPair held = manager.held(pending.peer(), pending.half().peer());
    return held == null || !held.outboundOf(pending.peer()).equals(pending.half().outbound());
  }

  private void drop(long xid) {
    PendingInstall pending = installs.remove(xid);
    if (pending == null) {
      return;
    }
    if (pending.timer() != null) {
      pending.timer().cancel();
    }
    installByPair.remove(pairOf(pending.peer(), pending.half().peer()), xid);
  }

  private static String pairOf(String a, String b) {
    return a.compareTo(b) < 0 ? a + " " + b : b + " " + a;
  }

  /** The node a principal {@code kink/NODE@REALM} of this manager's realm stands for, or null. */
  private String nodeOf(String principal) {
    String suffix = "@" + realm;
    if (!principal.startsWith("kink/") || !principal.endsWith(suffix)) {
      return null;
    }
    String node = principal.substring(5, principal.length() - suffix.length());
    return isNodeName(node) ? node : null;
  }

  /**
   * A name a node may have, requester or peer alike: a DNS label's characters and length, so it
   * cannot name another principal ('/', '@') and its store file name stays short.
   */
  static boolean isNodeName(String node) {
    return NODE_NAME.matcher(node).matches();
  }

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  static <T extends KinkPayload> T sealed(List<KinkPayload> payloads, Class<T> kind) {
    for (KinkPayload p : payloads) {
      if (kind.isInstance(p)) {
        return kind.cast(p);
      }
    }
    return null;
  }

  private void refuse(KinkRefusal refusal) {
    counters.refused.count(refusal);
  }
}
