package io.mvpn.sam.client;

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
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * A node's side of its security association manager, on one scheduler's thread. {@link #connect}
 * looks in the node's SAD first: an SA held for the peer is ready at once, with no message at all.
 * Otherwise one SAM_REQUEST goes to the manager under the node's ticket for it; the SAM_GRANT's SA
 * is installed and handed on. A lost request is sent again after a doubling wait, and a manager
 * whose KDC did not answer (KINK_ERROR SAM_KDC_UNREACHABLE) is asked again the same way, a bounded
 * number of times, before the caller gets the error. Once the ticket has ended no request is sent
 * (the manager would refuse it): the caller hears why at once, until a fresh ticket comes.
 *
 * <p>The manager's SAM_INSTALLs (pairs a peer asked for) are checked against the node's own keytab
 * and must come from the manager's principal; refused messages are counted and change nothing.
 */
public final class SamClient {

  /** What the caller of {@link #connect} learns: the SA, or why there is none. */
  public interface Outcome {
    void ready(InstalledSa sa);

    /** {@code kinkError} is the KINK_ERROR code, or 0 when the manager never answered. */
    void failed(long kinkError, String reason);
  }

  /** How requests are retried: the first wait, doubled per retry, and the attempts in all. */
  public record Settings(long retryMillis, int attempts) {
    public static final Settings DEFAULT = new Settings(1_000, 4);
  }

  /** What the client has done. */
  public static final class Counters {
    long fromSad;
    long requestsSent;
    long granted;
    long installed;
    long failed;
    long ticketEnded;
    final RefusalCounts refused = new RefusalCounts();

    /** Connections served from the SAD: zero messages. */
    public long fromSad() {
      return fromSad;
    }

    /** SAM_REQUESTs sent, retries included: each a round trip to the manager. */
    public long requestsSent() {
      return requestsSent;
    }

    public long granted() {
      return granted;
    }

    /** SAs the manager installed unasked (SAM_INSTALL). */
    public long installed() {
      return installed;
    }

    public long failed() {
      return failed;
    }

    /** Connections refused on the node: its ticket had ended, so no request was sent. */
    public long ticketEnded() {
      return ticketEnded;
    }

    /** Messages refused, by reason. */
    public RefusalCounts refused() {
      return refused;
    }
  }

  private static final class Pending {
    final String peer;
    // Every sending of one request carries the ticket of its first: the answer is sealed with its
    // session key, whichever sending the manager answers, a renewal in between or not.
    final SgtTicket ticket;
    final List<Outcome> waiting = new ArrayList<>();
    // Every sending's authenticator: the manager may answer an earlier one after a retry.
    final List<ApInitiator.Sent> sent = new ArrayList<>();
    int attempt;
    Scheduler.Timer timer;

    Pending(String peer, SgtTicket ticket) {
      this.peer = peer;
      this.ticket = ticket;
    }
  }

  private final Scheduler time;
  private final KerberosClock clock;
  private final String principal;
  private final String managerPrincipal;
  private SgtTicket managerTicket;
  private final ApAcceptor acceptor;
  private final Consumer<byte[]> toManager;
  private final Settings settings;
  private final long epoch;
  private final Counters counters = new Counters();
  private final Map<String, InstalledSa> sad = new HashMap<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<String, Pending> pendingByPeer = new HashMap<>();
  private Consumer<InstalledSa> installedListener = sa -> {};
  private long nextXid;

  /**
   * @param principal the node's own principal, {@code kink/NODE@REALM}
   * @param managerTicket the node's ticket for its manager's {@code kink/} service
   * @param acceptor the node's own service key, for the manager's SAM_INSTALLs
   * @param toManager sends a datagram to the manager
   */
  public SamClient(
      Scheduler time,
      KerberosClock clock,
      String principal,
      SgtTicket managerTicket,
      ApAcceptor acceptor,
      Consumer<byte[]> toManager,
      Settings settings,
      SecureRandom random) {
    this.time = time;
    this.clock = clock;
    this.principal = principal;
    this.managerTicket = managerTicket;
    this.managerPrincipal = service(managerTicket);
    this.acceptor = acceptor;
    this.toManager = toManager;
    this.settings = settings;
    this.epoch = clock.unixMillis() / 1000;
    this.nextXid = random.nextInt() & 0xFFFFFFFFL;
  }

  public Counters counters() {
    return counters;
  }

  /** The ticket the node's requests carry from now on. */
  public SgtTicket ticket() {
    return managerTicket;
  }

  /**
   * A fresh ticket for the same manager, before the one held ends: requests from now on carry it; a
   * request already under way keeps the ticket it was first sent with, and the SAs held stay.
   *
   * @throws IllegalArgumentException for a ticket to another service
   */
  public void renewTicket(SgtTicket fresh) {
    String service = service(fresh);
    if (!service.equals(managerPrincipal)) {
      throw new IllegalArgumentException(
          "a ticket for " + service + ", not for the manager " + managerPrincipal);
    }
    managerTicket = fresh;
  }

  /**
   * A fresh ticket, as {@link #renewTicket}, and the node's own keys as its keytab now reads: after
   * the KDC changed the node's key, SAM_INSTALLs sealed under the new key are accepted.
   *
   * @throws IllegalArgumentException for a ticket to another service; then nothing changes
   */
  public void renewKeys(SgtTicket fresh, Keytab keytab) {
    renewTicket(fresh);
    acceptor.useKeytab(keytab);
  }

  /** When the ticket the node's requests carry ends, on the Kerberos clock. */
  private long ticketEndsMillis() {
    return managerTicket.getEncKdcRepPart().getEndTime().getTime();
  }

  private static String service(SgtTicket ticket) {
    return String.join("/", ticket.getTicket().getSname().getNameStrings())
        + "@"
        + ticket.getTicket().getRealm();
  }

  /** The node's Kerberos clock, which SA lifetimes are read on. */
  public KerberosClock clock() {
    return clock;
  }

  /** The scheduler the client runs on, which its ESP path shares. */
  public Scheduler scheduler() {
    return time;
  }

  /**
   * Tells {@code listener} of every SA the node installs, granted or pushed by the manager, before
   * a waiting caller hears of it: the node's ESP data path builds its SAs from here.
   */
  public void onInstalled(Consumer<InstalledSa> listener) {
    this.installedListener = listener;
  }

  /** The SA held with {@code peer} if it is still valid, else null. */
  public InstalledSa sa(String peer) {
    InstalledSa sa = sad.get(peer);
    return sa != null && sa.validAt(clock.unixMillis()) ? sa : null;
  }

  /** The node's SAD as it stands. */
  public Map<String, InstalledSa> sad() {
    return Map.copyOf(sad);
  }

  /**
   * Puts an SA the node held before a restart back into its SAD, with no message and without
   * telling the {@link #onInstalled} listener (whoever restores it runs it). Its keys may be held
   * elsewhere, in a token: then the record's key bytes stand in for them. False, and nothing
   * changes, when the SA has ended or a valid SA with that peer is held already.
   */
  public boolean restore(InstalledSa sa) {
    if (!sa.validAt(clock.unixMillis()) || sa(sa.peer()) != null) {
      return false;
    }
    sad.put(sa.peer(), sa);
    return true;
  }

  /** An SA with {@code peer}: from the SAD at once, else from the manager. */
  public void connect(String peer, Outcome outcome) {
    InstalledSa held = sa(peer);
    if (held != null) {
      counters.fromSad++;
      outcome.ready(held);
      return;
    }
    Pending asking = pendingByPeer.get(peer);
    if (asking != null) {
      asking.waiting.add(outcome);
      return;
    }
    long ends = ticketEndsMillis();
    if (clock.unixMillis() >= ends) {
      // The manager refuses an ended ticket: asking it would only cost a round trip.
      counters.ticketEnded++;
      outcome.failed(
          0,
          "the ticket for "
              + managerPrincipal
              + " ended at "
              + Instant.ofEpochMilli(ends)
              + ": no request until a fresh one");
      return;
    }
    Pending request = new Pending(peer, managerTicket);
    request.waiting.add(outcome);
    long xid = nextXid;
    nextXid = (nextXid + 1) & 0xFFFFFFFFL;
    pending.put(xid, request);
    pendingByPeer.put(peer, request);
    send(xid, request);
  }

  private void send(long xid, Pending request) {
    request.attempt++;
    ApInitiator.Sent apReq = ApInitiator.apReq(request.ticket, principal, clock);
    request.sent.add(apReq);
    counters.requestsSent++;
    long wait = settings.retryMillis() << (request.attempt - 1);
    request.timer = time.schedule(wait, TimeUnit.MILLISECONDS, () -> retry(xid, 0, "no answer"));
    toManager.accept(
        KinkExchange.command(
            KinkMessageType.SAM_REQUEST,
            xid,
            epoch,
            apReq,
            request.ticket,
            List.of(new KinkPayload.SamPeer(request.peer))));
  }

  private void retry(long xid, long error, String reason) {
    Pending request = pending.get(xid);
    if (request == null) {
      return;
    }
    if (request.attempt >= settings.attempts()) {
      finish(xid, request);
      counters.failed++;
      String why =
          "no SA with " + request.peer + " after " + request.attempt + " requests: " + reason;
      request.waiting.forEach(o -> o.failed(error, why));
      return;
    }
    send(xid, request);
  }

  /**
   * Stops asking the manager: the retransmission timers of the requests in flight are cancelled and
   * the requests forgotten, so a late SAM_GRANT finds nothing to answer. The SAs held stay.
   */
  public void close() {
    pending.values().forEach(p -> p.timer.cancel());
    pending.clear();
    pendingByPeer.clear();
  }

  /** One datagram from the manager. */
  public void receive(byte[] datagram) {
    KinkMessage message;
    try {
      message = KinkCodec.decode(datagram);
    } catch (KinkFormatException e) {
      refuse(KinkRefusal.MALFORMED);
      return;
    }
    try {
      switch (message.type()) {
        case SAM_GRANT -> onGrant(datagram, message);
        case SAM_INSTALL -> onInstall(datagram, message);
        default -> throw new KinkRefusedException(KinkRefusal.UNEXPECTED, message.type().name());
      }
    } catch (KinkRefusedException e) {
      refuse(e.refusal());
    } catch (RuntimeException e) {
      // Bad input is data: whatever a hostile datagram provokes is counted, not thrown at the loop.
      refuse(KinkRefusal.MALFORMED);
    }
  }

  private void onGrant(byte[] datagram, KinkMessage message) throws KinkRefusedException {
    Pending request = pending.get(message.xid());
    if (request == null) {
      throw new KinkRefusedException(KinkRefusal.UNKNOWN_XID, "SAM_GRANT " + message.xid());
    }
    KinkExchange.Answer answer =
        KinkExchange.acceptAnswer(datagram, message, request.ticket.getSessionKey(), request.sent);
    KinkPayload.SamSa half = sealedSa(answer.sealed());
    if (answer.error() == KinkPayload.Error.SAM_KDC_UNREACHABLE) {
      // The manager's KDC did not answer: ask again after the wait, not at once.
      request.timer.cancel();
      long wait = settings.retryMillis() << (request.attempt - 1);
      long xid = message.xid();
      request.timer =
          time.schedule(
              wait,
              TimeUnit.MILLISECONDS,
              () -> retry(xid, answer.error(), "the manager's KDC is unreachable"));
      return;
    }
    request.timer.cancel();
    finish(message.xid(), request);
    if (answer.error() != KinkPayload.Error.OK
        || half == null
        || !half.peer().equals(request.peer)) {
      counters.failed++;
      long code =
          answer.error() == KinkPayload.Error.OK ? KinkPayload.Error.PROTOERR : answer.error();
      request.waiting.forEach(o -> o.failed(code, "the manager refused: KINK_ERROR " + code));
      return;
    }
    counters.granted++;
    InstalledSa sa = install(half);
    request.waiting.forEach(o -> o.ready(sa));
  }

  private void onInstall(byte[] datagram, KinkMessage message) throws KinkRefusedException {
    KinkExchange.Command command =
        KinkExchange.acceptCommand(datagram, message, acceptor, this::checkInstall);
    install(sealedSa(command.sealed()));
    counters.installed++;
    toManager.accept(
        KinkExchange.answer(
            KinkMessageType.REPLY,
            message.xid(),
            epoch,
            command.sender(),
            KinkPayload.Error.OK,
            List.of()));
  }

  /** From the node's manager, with an SA no older than the one held for that peer. */
  private void checkInstall(KinkExchange.Command command) throws KinkRefusedException {
    KinkPayload.SamSa half = sealedSa(command.sealed());
    if (!command.sender().client().equals(managerPrincipal) || half == null) {
      throw new KinkRefusedException(KinkRefusal.UNEXPECTED, command.sender().client());
    }
    InstalledSa held = sa(half.peer());
    long expires = clock.unixMillis() + half.lifetimeSeconds() * 1000;
    // Pairs of one manager share a lifetime, so a later end means a newer pair; one second of
    // slack for the whole seconds the lifetime travels in.
    if (held != null
        && !held.outbound().equals(half.outbound())
        && held.expiresAtUnixMillis() > expires + 1000) {
      throw new KinkRefusedException(KinkRefusal.UNEXPECTED, "an install older than the SA held");
    }
  }

  private InstalledSa install(KinkPayload.SamSa half) {
    InstalledSa sa =
        new InstalledSa(
            half.peer(),
            half.outbound(),
            half.inbound(),
            clock.unixMillis() + half.lifetimeSeconds() * 1000);
    sad.put(half.peer(), sa);
    installedListener.accept(sa);
    return sa;
  }

  private void finish(long xid, Pending request) {
    pending.remove(xid);
    pendingByPeer.remove(request.peer);
  }

  private static KinkPayload.SamSa sealedSa(List<KinkPayload> payloads) {
    for (KinkPayload p : payloads) {
      if (p instanceof KinkPayload.SamSa sa) {
        return sa;
      }
    }
    return null;
  }

  private void refuse(KinkRefusal refusal) {
    counters.refused.count(refusal);
  }
}
