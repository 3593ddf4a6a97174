package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.message.EncryptedFragmentPayload;
import io.mvpn.ike.message.IkeFormatException;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NoncePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Transform;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The IKEv2 daemon of one local endpoint: owns the IKE SAs by the SPI it chose, matches each
 * datagram to its SA, runs the initiator's tasks one exchange at a time (window size 1, §2.3),
 * answers the peer's requests (again from cache when they are retransmitted, §2.1) and retransmits
 * its own on the {@link Scheduler}. A datagram that does not parse, or does not authenticate, is
 * counted and dropped without touching any SA, so one peer's garbage cannot stall another's
 * exchange (§2.21).
 *
 * <p>All methods run on the scheduler's thread.
 */
public final class IkeEngine {

  /** What happens to the SAs, for whoever installs Child SAs or reports state. */
  public interface Listener {

    /** IKE_AUTH done: both ends authenticated, Child SAs (if any) in {@link IkeSa#childSas()}. */
    default void established(IkeSa sa) {}

    /** The SA is gone: deleted by either end, failed, or its peer stopped answering. */
    default void ended(IkeSa sa) {}

    /** The peer deleted one Child SA of an IKE SA that stays up (§1.4.1). */
    default void childSaDeleted(IkeSa sa, ChildSa child) {}

    /** A Child SA came in by CREATE_CHILD_SA (a re-key or an additional one), at either end. */
    default void childSaCreated(IkeSa sa, ChildSa child) {}

    /**
     * A re-key replaced {@code old} by {@code successor} (§2.18), at either end: the Child SAs are
     * the successor's now, unchanged, and {@code old} ends, without them, once it is deleted.
     */
    default void ikeSaRekeyed(IkeSa old, IkeSa successor) {}

    /** A listener of two callbacks, e.g. {@code List::add} of two lists. */
    static Listener of(Consumer<IkeSa> established, Consumer<IkeSa> ended) {
      return new Listener() {
        @Override
        public void established(IkeSa sa) {
          established.accept(sa);
        }

        @Override
        public void ended(IkeSa sa) {
          ended.accept(sa);
        }
      };
    }
  }

  /**
   * How long a responder keeps an SA whose IKE_AUTH never comes (strongSwan's half_open_timeout):
   * past it the SA only costs memory and counts towards the cookie threshold.
   */
  static final long HALF_OPEN_TIMEOUT_SECONDS = 30;

  /**
   * How long a responder keeps an IKE SA replaced by a re-key whose Delete never comes, and its SA
   * of a lost simultaneous re-key (§2.8.2), which the peer should delete.
   */
  static final long REKEYED_TIMEOUT_SECONDS = 30;

  /** How long after a refused re-key of its own policy the engine tries again, at most. */
  static final long REKEY_RETRY_SECONDS = 10;

  private record InitKey(long spiI, Endpoint remote) {}

  private final Scheduler scheduler;
  private final Transport transport;
  private final Endpoint local;
  private final PeerConfig config;
  private final EngineSettings settings;
  private final SecureRandom random;
  private final IkeFragmentation fragmentation;
  private final Listener listener;
  private final Cookies cookies;
  private final Map<Long, IkeSa> sas = new HashMap<>();
  private final Map<InitKey, IkeSa> byInitiator = new HashMap<>();
  private final EngineCounters counters = new EngineCounters();
  private MobikePolicy mobikePolicy = MobikePolicy.defaults();

  public IkeEngine(
      Scheduler scheduler,
      Transport transport,
      Endpoint local,
      PeerConfig config,
      EngineSettings settings,
      SecureRandom random,
      Listener listener) {
    this.scheduler = scheduler;
    this.transport = transport;
    this.local = local;
    this.config = config;
    this.settings = settings;
    this.random = random;
    this.listener = listener;
    this.cookies = new Cookies(random);
    this.fragmentation = new IkeFragmentation(settings, scheduler, counters);
  }

  public Endpoint local() {
    return local;
  }

  public EngineCounters counters() {
    return counters;
  }

  /** How MOBIKE updates are checked from now on (RFC 4555 §3.5, §3.9). */
  public void mobikePolicy(MobikePolicy policy) {
    mobikePolicy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * With {@code false}, the Child SAs' ESP SAs stay where they are when an IKE SA moves (a NAT
   * rebinding, a MOBIKE update): for a security gateway whose tunnels are moved by other means
   * (seed 001's update, the port of authenticated ESP). Applies to SAs made from now on.
   */
  public void espFollowsIke(boolean follow) {
    espFollowsIke = follow;
  }

  private boolean espFollowsIke = true;

  public Collection<IkeSa> sas() {
    return List.copyOf(sas.values());
  }

  /** The SA whose local SPI this is, or null. */
  public IkeSa sa(long localSpi) {
    return sas.get(localSpi);
  }

  /**
   * Starts IKE_SA_INIT and IKE_AUTH towards {@code remote}; the SA reports through the listener.
   */
  public IkeSa initiate(Endpoint remote) {
    IkeSa sa = new IkeSa(true, newIkeSpi(), 0, local, remote);
    if (!espFollowsIke) {
      sa.pinEsp();
    }
    sas.put(sa.localSpi(), sa);
    sa.queuedTasks().add(new IkeSaInitTask(config, random));
    sa.queuedTasks().add(new IkeAuthTask(config, random));
    startNext(sa);
    return sa;
  }

  /** Deletes the IKE SA and its Child SAs (§1.4.1); the SA ends when the peer answers. */
  public void delete(IkeSa sa) {
    queue(sa, InformationalTask.deleteIkeSa());
  }

  /** Deletes one Child SA of {@code sa} (§1.4.1); it goes when the peer answers. */
  public void deleteChildSa(IkeSa sa, ChildSa child) {
    queue(sa, InformationalTask.deleteChildSa(child));
  }

  /**
   * MOBIKE initiator (RFC 4555 §3.5): our address changed to {@code newLocal}'s; the SA and its
   * Child SAs move there at once and the responder is told from it with N(UPDATE_SA_ADDRESSES),
   * N(COOKIE2) and NAT-D (and N(NO_NATS_ALLOWED) if the {@link MobikePolicy} says so). A new path
   * uses the NAT-T port at both ends (port 500 becomes 4500), as IKE does once it found a NAT: a
   * NAT may sit on the new path. Only after MOBIKE was negotiated, by the original initiator.
   */
  public boolean updateAddresses(IkeSa sa, Endpoint newLocal) {
    if (!sa.isOriginalInitiator()
        || !sa.peerSupportsMobike()
        || !config.mobike()
        || sa.state() != IkeSaState.ESTABLISHED) {
      return false;
    }
    Endpoint oldLocal = sa.local();
    Endpoint oldRemote = sa.remote();
    sa.endpoints(natTPort(newLocal), natTPort(oldRemote));
    queue(sa, MobikeTask.update(cookie2(), mobikePolicy.noNatsAllowed(), oldLocal, oldRemote));
    return true;
  }

  /**
   * MOBIKE (RFC 4555 §3.6): tells the peer where else we can be reached, with
   * N(ADDITIONAL_IP4_ADDRESS) each, or N(NO_ADDITIONAL_ADDRESSES) for an empty list. A gateway
   * moves an SA to an announced address without a return routability check.
   */
  public boolean announceAddresses(IkeSa sa, List<Ipv4Address> additional) {
    if (!sa.peerSupportsMobike() || !config.mobike() || sa.state() != IkeSaState.ESTABLISHED) {
      return false;
    }
    queue(sa, MobikeTask.addresses(additional));
    return true;
  }

  private static Endpoint natTPort(Endpoint e) {
    return e.port() == Endpoint.IKE_PORT ? e.withPort(Endpoint.NAT_T_PORT) : e;
  }

  private byte[] cookie2() {
    byte[] cookie = new byte[16];
    random.nextBytes(cookie);
    return cookie;
  }

  /**
   * Re-keys one Child SA with CREATE_CHILD_SA (§1.3.3), with perfect forward secrecy in {@code
   * pfsGroup} (0: none); the old pair is deleted once the new one is in.
   */
  public void rekeyChildSa(IkeSa sa, ChildSa child, int pfsGroup) {
    queue(sa, new CreateChildSaTask(config, random, child, pfsGroup));
  }

  /**
   * Asks for an additional Child SA with CREATE_CHILD_SA (§1.3.1) for our {@code local} and the
   * peer's {@code remote} traffic, which the peer may narrow (§2.9), with perfect forward secrecy
   * in {@code pfsGroup} (0: none). {@link Listener#childSaCreated} reports it; a refusal leaves
   * {@link IkeSa#childFailure()} set and nothing installed.
   */
  public void createChildSa(
      IkeSa sa,
      List<io.mvpn.ike.message.TrafficSelector> local,
      List<io.mvpn.ike.message.TrafficSelector> remote,
      int pfsGroup) {
    queue(sa, CreateChildSaTask.additional(config, random, local, remote, pfsGroup));
  }

  /**
   * Re-keys the IKE SA with CREATE_CHILD_SA (§1.3.2, §2.18), in the D-H group it has: the new SA
   * takes over the Child SAs and this end then deletes the old one. {@link Listener#ikeSaRekeyed}
   * reports it.
   */
  public void rekeyIkeSa(IkeSa sa) {
    if (sa.state() != IkeSaState.ESTABLISHED) {
      return; // nothing to re-key yet, or re-keyed already
    }
    int group = ProposalPolicy.single(sa.proposal(), Transform.DH).id();
    queue(sa, new IkeRekeyTask(config, random, group, newIkeSpi()));
  }

  /** Sends an empty INFORMATIONAL: the SA ends if the peer never answers (§2.4). */
  public void checkLiveness(IkeSa sa) {
    queue(sa, InformationalTask.liveness());
  }

  private void queue(IkeSa sa, IkeTask task) {
    if (sa.state() == IkeSaState.ESTABLISHED) {
      sa.queuedTasks().add(task);
      startNext(sa);
    }
  }

  // ---- receiving ------------------------------------------------------------------------------

  /** One UDP/500 payload that arrived. */
  public void receive(Datagram datagram) {
    counters.received++;
    byte[] raw = datagram.payload();
    IkeMessage message;
    try {
      message = IkeMessage.parse(Unpooled.wrappedBuffer(raw));
    } catch (IkeFormatException e) {
      malformed(datagram, e);
      return;
    }
    if ((message.header().flags() & IkeHeader.RESPONSE) != 0) {
      onResponse(message, raw);
    } else if (isInitRequest(message.header())) {
      onInitRequest(datagram, message);
    } else {
      onRequest(datagram, message);
    }
  }

  private static boolean isInitRequest(IkeHeader h) {
    return h.exchangeType() == IkeHeader.IKE_SA_INIT
        && (h.flags() & IkeHeader.RESPONSE) == 0
        && h.spiR() == 0
        && h.messageId() == 0;
  }

  /**
   * A message that does not parse. Only an IKE_SA_INIT request gets an answer, unprotected and
   * stateless (§2.21.1): anything later is not authenticated yet and is dropped (§2.21.2).
   */
  private void malformed(Datagram datagram, IkeFormatException e) {
    counters.malformed++;
    IkeHeader h = e.header();
    if (h != null && isInitRequest(h)) {
      sendStateless(
          datagram,
          h,
          List.of(NotifyPayload.of(e.reason().notifyType(), Octets.of(e.notifyData()))));
    }
  }

  /** The SA a message belongs to: our SPI is the responder's if the original initiator sent it. */
  private IkeSa lookup(IkeHeader h) {
    long ours = (h.flags() & IkeHeader.INITIATOR) != 0 ? h.spiR() : h.spiI();
    IkeSa sa = sas.get(ours);
    if (sa == null || sa.spiI() != h.spiI() || (sa.spiR() != h.spiR() && sa.spiR() != 0)) {
      counters.unknownSpi++;
      return null;
    }
    return sa;
  }

  private void onInitRequest(Datagram datagram, IkeMessage request) {
    IkeHeader h = request.header();
    byte[] raw = datagram.payload();
    IkeSa existing = byInitiator.get(new InitKey(h.spiI(), datagram.source()));
    if (existing != null) {
      answerAgain(existing, h.messageId(), datagram);
      return;
    }
    if (halfOpen() >= settings.halfOpenCookieThreshold()
        && !cookies.valid(request, datagram.source())) {
      Octets cookie = cookies.cookie(request, datagram.source());
      if (cookie == null) { // no nonce to bind the cookie to
        sendStateless(datagram, h, List.of(NotifyPayload.of(NotifyPayload.INVALID_SYNTAX)));
        return;
      }
      sendStateless(datagram, h, List.of(NotifyPayload.of(NotifyPayload.COOKIE, cookie)));
      counters.cookiesSent++;
      return;
    }
    IkeSa sa = new IkeSa(false, h.spiI(), newIkeSpi(), datagram.destination(), datagram.source());
    if (!espFollowsIke) {
      sa.pinEsp();
    }
    IkeSaInitTask.Answer answer = IkeSaInitTask.respond(config, random, sa, request, raw);
    if (!answer.accepted()) {
      sendStateless(datagram, h, answer.payloads());
      return;
    }
    sas.put(sa.localSpi(), sa);
    byInitiator.put(new InitKey(h.spiI(), datagram.source()), sa);
    List<IkePayload> payloads = answer.payloads();
    if (fragmentation.supported(sa)) {
      // RFC 7383 §2.3: the responder announces it only to an initiator that did.
      payloads = IkeFragmentation.announce(payloads);
    }
    respond(sa, datagram, h, payloads);
    scheduler.schedule(HALF_OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> expireHalfOpen(sa));
  }

  private void expireHalfOpen(IkeSa sa) {
    if (sa.state() == IkeSaState.INIT_DONE) {
      sa.fail(-1);
      destroy(sa);
    }
  }

  private long halfOpen() {
    return byInitiator.values().stream().filter(sa -> sa.state() == IkeSaState.INIT_DONE).count();
  }

  /**
   * Sends the cached answer, back to where the copy came from (§2.11), if {@code request} repeats
   * the last request; true if it did.
   */
  private boolean answerAgain(IkeSa sa, long messageId, Datagram request) {
    if (sa.isRetransmission(messageId, request.payload())) {
      counters.duplicatesAnswered++;
      for (byte[] bytes : sa.lastResponse()) {
        transport.send(new Datagram(request.destination(), request.source(), bytes));
      }
      return true;
    }
    counters.unexpectedMessageId++;
    return false;
  }

  private void onRequest(Datagram datagram, IkeMessage request) {
    IkeHeader h = request.header();
    IkeSa sa = lookup(h);
    if (sa == null) {
      return;
    }
    if (request.encryptedPayload() == null
        && request.first(EncryptedFragmentPayload.class) == null) {
      counters.undecryptable++; // after IKE_SA_INIT nothing counts outside SK (§3.14)
      return;
    }
    if (h.messageId() != sa.expectedRequestId() || sa.cipher() == null) {
      answerAgain(sa, h.messageId(), datagram);
      return;
    }
    IkeMessage opened;
    try {
      if (request.encryptedFragment() != null) {
        FragmentReassembly set = fragmentation.reassemble(sa, true, request, datagram.payload());
        if (set == null) {
          return;
        }
        // From here on the request is its first fragment: what a retransmission of it repeats,
        // which brings the answer again (RFC 7383 §2.6.1).
        datagram = new Datagram(datagram.source(), datagram.destination(), set.firstFragment());
        opened = IkeMessage.reassembled(h, set.firstType(), set.joined());
      } else {
        opened = request.opened(sa.cipher());
      }
    } catch (GeneralSecurityException e) {
      counters.undecryptable++;
      return;
    } catch (IkeFormatException e) {
      // Authentic but malformed inside: tell the peer; a broken IKE_AUTH ends the SA (§2.21.2).
      counters.malformed++;
      if (h.exchangeType() == IkeHeader.IKE_AUTH) {
        sa.fail(e.reason().notifyType());
      }
      respond(
          sa,
          datagram,
          h,
          List.of(NotifyPayload.of(e.reason().notifyType(), Octets.of(e.notifyData()))));
      afterResponding(sa, h);
      return;
    }
    boolean mobike =
        sa.peerSupportsMobike() && config.mobike() && sa.state() == IkeSaState.ESTABLISHED;
    MobikeResponder.Answer moved = new MobikeResponder.Answer(List.of(), false);
    if (mobike && h.exchangeType() == IkeHeader.INFORMATIONAL) {
      // RFC 4555 §3.5: only N(UPDATE_SA_ADDRESSES) moves a MOBIKE SA, to the IP header's
      // addresses, unless NO_NATS_ALLOWED refuses it (§3.9).
      moved = MobikeResponder.respond(sa, opened, datagram, mobikePolicy, counters);
    } else if (sa.natDetected() && !mobike) {
      // §2.23: behind a NAT the peer's mapping may change, and it floats to port 4500 after
      // IKE_SA_INIT; an authentic request tells where it is now. Not with MOBIKE (RFC 4555
      // §3.8): there only the peer's updates move the SA.
      sa.endpoints(datagram.destination(), datagram.source());
    }
    if (h.exchangeType() == IkeHeader.CREATE_CHILD_SA && IkeRekeyTask.rekeysIkeSa(opened)) {
      answerIkeRekey(sa, datagram, h, opened);
      return;
    }
    if (h.exchangeType() == IkeHeader.CREATE_CHILD_SA && sa.state() != IkeSaState.ESTABLISHED) {
      // Re-keyed or being deleted: no new Child SAs here (§2.25).
      respond(sa, datagram, h, List.of(NotifyPayload.of(NotifyPayload.TEMPORARY_FAILURE)));
      return;
    }
    List<ChildSa> children = sa.childSas();
    List<IkePayload> payloads = new ArrayList<>(moved.payloads());
    List<IkePayload> answer = answer(sa, opened);
    payloads.addAll(answer);
    respond(sa, datagram, h, payloads);
    if (h.exchangeType() == IkeHeader.IKE_AUTH && sa.peerSupportsMobike()) {
      MobikeResponder.learnAddresses(sa, opened);
    }
    if (moved.checkPath()) {
      // §3.5: ESP waits on the old path until the new one answers our COOKIE2.
      counters.returnRoutabilityChecks++;
      queue(sa, MobikeTask.returnRoutability(cookie2(), sa.local(), sa.remote()));
    }
    if (sa.state() == IkeSaState.ESTABLISHED) {
      for (ChildSa child : children) {
        if (!sa.childSas().contains(child)) {
          listener.childSaDeleted(sa, child);
        }
      }
      // A Child SA this request created (a re-key answered): the SAD learns it now.
      for (ChildSa child : sa.childSas()) {
        if (!children.contains(child) && h.exchangeType() == IkeHeader.CREATE_CHILD_SA) {
          childSaCreated(sa, child);
          childRekeyCollision(sa, opened, answer);
        }
      }
    }
    afterResponding(sa, h);
  }

  /**
   * §2.8.1: the peer's request re-keyed the Child SA that our own outstanding request re-keys; the
   * nonces decide which new pair goes once our answer is in.
   */
  private static void childRekeyCollision(IkeSa sa, IkeMessage request, List<IkePayload> answer) {
    NotifyPayload rekey = request.notification(NotifyPayload.REKEY_SA);
    NoncePayload ni = request.first(NoncePayload.class);
    if (rekey != null
        && ni != null
        && sa.activeTask() instanceof CreateChildSaTask ours
        && ours.rekeyed() != null
        && ChildSaFactory.spiOf(rekey.spi()) == ours.rekeyed().outbound().spi()) {
      for (IkePayload p : answer) {
        if (p instanceof NoncePayload nr) {
          ours.collided(ni.data().toByteArray(), nr.data().toByteArray());
        }
      }
    }
  }

  private List<IkePayload> answer(IkeSa sa, IkeMessage request) {
    switch (request.header().exchangeType()) {
      case IkeHeader.IKE_AUTH:
        if (!sa.isInitiator() && sa.state() == IkeSaState.INIT_DONE) {
          return IkeAuthTask.respond(config, random, sa, request);
        }
        return List.of(NotifyPayload.of(NotifyPayload.INVALID_SYNTAX));
      case IkeHeader.INFORMATIONAL:
        return InformationalTask.respond(sa, request);
      case IkeHeader.CREATE_CHILD_SA:
        return CreateChildSaTask.respond(config, random, sa, request);
      default:
        // Unknown exchanges.
        return List.of(NotifyPayload.of(NotifyPayload.NO_ADDITIONAL_SAS));
    }
  }

  /**
   * The peer re-keys {@code sa} (§2.18). While a request of ours on it is out that is not our own
   * re-key of it, or once it is re-keyed or being deleted, the answer is TEMPORARY_FAILURE (§2.25):
   * the peer tries again later. While our own re-key is out, both new SAs exist until our answer
   * tells which one survives (§2.8.2).
   */
  private void answerIkeRekey(IkeSa sa, Datagram datagram, IkeHeader h, IkeMessage request) {
    IkeTask active = sa.activeTask();
    IkeRekeyTask ours = active instanceof IkeRekeyTask r ? r : null;
    if (sa.state() != IkeSaState.ESTABLISHED || (active != null && ours == null)) {
      respond(sa, datagram, h, List.of(NotifyPayload.of(NotifyPayload.TEMPORARY_FAILURE)));
      return;
    }
    IkeRekeyTask.Answer answer = IkeRekeyTask.respond(config, random, sa, request, this::newIkeSpi);
    respond(sa, datagram, h, answer.payloads());
    IkeSa successor = answer.successor();
    if (successor == null) {
      return;
    }
    sas.put(successor.localSpi(), successor);
    logKeys(successor);
    if (ours != null) {
      ours.collided(successor, answer.ni(), answer.nr());
      return;
    }
    replace(sa, successor);
    expireRekeyed(sa);
  }

  /** The re-key of {@code old} is through: {@code successor} takes over its Child SAs. */
  private void replace(IkeSa old, IkeSa successor) {
    successor.takeOver(old);
    old.state(IkeSaState.REKEYED);
    listener.ikeSaRekeyed(old, successor);
    scheduleIkeRekey(successor);
    startNext(successor); // what we had queued on the old SA
  }

  /** Ends {@code sa} if its peer does not delete it in time: it is redundant. */
  private void expireRekeyed(IkeSa sa) {
    scheduler.schedule(
        REKEYED_TIMEOUT_SECONDS,
        TimeUnit.SECONDS,
        () -> {
          if (sa.state() != IkeSaState.DESTROYED && sa.childSas().isEmpty()) {
            destroy(sa);
          }
        });
  }

  /** Our re-key of {@code old} is through; with the peer's at the same time, one SA goes. */
  private void ikeRekeyed(IkeSa old, IkeRekeyTask rekey) {
    IkeSa ours = rekey.successor();
    sas.put(ours.localSpi(), ours);
    logKeys(ours);
    IkeSa theirs = rekey.peerSuccessor();
    if (theirs != null && rekey.redundant()) {
      // §2.8.2: ours had the lowest nonce; we delete it, the peer deletes the old SA.
      replace(old, theirs);
      ours.queuedTasks().add(InformationalTask.deleteIkeSa());
      startNext(ours);
      expireRekeyed(old);
      return;
    }
    replace(old, ours);
    if (theirs != null) {
      expireRekeyed(theirs); // the peer deletes its redundant SA
    }
    // §2.18: the Delete is the last request on the old SA.
    old.queuedTasks().add(InformationalTask.deleteIkeSa());
  }

  /** At debug level only: the keys that let Wireshark open this SA's messages. */
  private static void logKeys(IkeSa sa) {
    if (KEY_LOG.isDebugEnabled() && sa.keys() != null) {
      KEY_LOG.debug("ikev2_decryption_table: {}", sa.wiresharkKeyLine());
    }
  }

  private static final org.slf4j.Logger KEY_LOG =
      org.slf4j.LoggerFactory.getLogger(IkeEngine.class.getName() + ".keys");

  private void afterResponding(IkeSa sa, IkeHeader request) {
    if (sa.failure() != 0 || sa.state() == IkeSaState.DELETING) {
      destroy(sa);
    } else if (request.exchangeType() == IkeHeader.IKE_AUTH
        && sa.state() == IkeSaState.ESTABLISHED) {
      established(sa);
    }
  }

  private void established(IkeSa sa) {
    logKeys(sa);
    listener.established(sa);
    scheduleIkeRekey(sa);
    sa.childSas().forEach(this::scheduleChildRekey);
  }

  private void childSaCreated(IkeSa sa, ChildSa child) {
    listener.childSaCreated(sa, child);
    scheduleChildRekey(child);
  }

  // ---- re-keys by policy (§2.8) ---------------------------------------------------------------

  private void scheduleIkeRekey(IkeSa sa) {
    long delay = settings.rekey().ikeDelayMillis(random);
    if (delay >= 0) {
      scheduleIkeRekey(sa, delay);
    }
  }

  private void scheduleIkeRekey(IkeSa sa, long delayMillis) {
    scheduler.schedule(
        delayMillis,
        TimeUnit.MILLISECONDS,
        () -> {
          if (sa.state() == IkeSaState.ESTABLISHED && sas.get(sa.localSpi()) == sa) {
            rekeyIkeSa(sa);
          }
        });
  }

  /** The Child SA is re-keyed in whichever IKE SA holds it then: IKE re-keys move it. */
  private void scheduleChildRekey(ChildSa child) {
    long delay = settings.rekey().childDelayMillis(random);
    if (delay < 0) {
      return;
    }
    scheduler.schedule(
        delay,
        TimeUnit.MILLISECONDS,
        () -> {
          for (IkeSa sa : sas.values()) {
            if (sa.state() == IkeSaState.ESTABLISHED && sa.childSas().contains(child)) {
              rekeyChildSa(sa, child, settings.rekey().pfsGroup());
              return;
            }
          }
        });
  }

  private void onResponse(IkeMessage response, byte[] raw) {
    IkeHeader h = response.header();
    IkeSa sa = lookup(h);
    if (sa == null) {
      return;
    }
    IkeTask task = sa.activeTask();
    if (task == null
        || sa.pendingRequest() == null
        || h.messageId() != sa.nextRequestId()
        || h.exchangeType() != task.exchangeType()) {
      counters.unexpectedMessageId++;
      return;
    }
    IkeMessage message = response;
    if (h.exchangeType() != IkeHeader.IKE_SA_INIT) {
      try {
        if (response.encryptedFragment() != null) {
          FragmentReassembly set = fragmentation.reassemble(sa, false, response, raw);
          if (set == null) {
            return;
          }
          message = IkeMessage.reassembled(h, set.firstType(), set.joined());
        } else {
          message = response.opened(sa.cipher());
        }
      } catch (GeneralSecurityException e) {
        counters.undecryptable++;
        return;
      } catch (IkeFormatException e) {
        counters.malformed++;
        return;
      }
    }
    IkeTask.Outcome outcome = task.processResponse(sa, message, raw);
    if (outcome == IkeTask.Outcome.DONE
        && h.exchangeType() == IkeHeader.IKE_AUTH
        && sa.peerSupportsMobike()) {
      MobikeResponder.learnAddresses(sa, message);
    }
    switch (outcome) {
      case RETRY:
        sa.requestDone(false);
        sendRequest(sa, task);
        break;
      case DONE:
        sa.requestDone(true);
        sa.activeTask(null);
        taskDone(sa, task);
        break;
      case REFUSED:
        sa.requestDone(true);
        sa.activeTask(null);
        refused(sa, task);
        startNext(sa);
        break;
      default:
        sa.requestDone(true);
        destroy(sa);
    }
  }

  /** A re-key of ours refused: the peer's own, if it came meanwhile, wins; else try later. */
  private void refused(IkeSa sa, IkeTask task) {
    if (task instanceof IkeRekeyTask rekey) {
      if (rekey.peerSuccessor() != null) {
        replace(sa, rekey.peerSuccessor());
        expireRekeyed(sa);
      } else if (settings.rekey().ikeSeconds() != 0) {
        scheduleIkeRekey(sa, retryDelayMillis());
      }
    }
  }

  private long retryDelayMillis() {
    return 1000 + random.nextLong(TimeUnit.SECONDS.toMillis(REKEY_RETRY_SECONDS));
  }

  private void taskDone(IkeSa sa, IkeTask task) {
    if (task instanceof InformationalTask info) {
      if (info.deletesIkeSa()) {
        destroy(sa);
        return;
      }
      if (info.deletedChild() != null) {
        listener.childSaDeleted(sa, info.deletedChild());
      }
    }
    if (task instanceof IkeAuthTask) {
      established(sa);
    }
    if (task instanceof CreateChildSaTask create) {
      childSaCreated(sa, create.created());
      if (create.redundant()) {
        // §2.8.1: the peer re-keyed it too and ours had the lowest nonce: we delete ours, the
        // peer deletes the old pair.
        sa.queuedTasks().add(InformationalTask.deleteChildSa(create.created()));
      } else if (create.rekeyed() != null) {
        // §2.8: the new pair is in; the initiator of the re-key deletes the old one.
        sa.queuedTasks().add(InformationalTask.deleteChildSa(create.rekeyed()));
      }
    }
    if (task instanceof IkeRekeyTask rekey) {
      ikeRekeyed(sa, rekey);
    }
    startNext(sa);
  }

  // ---- sending --------------------------------------------------------------------------------

  private void startNext(IkeSa sa) {
    if (sa.activeTask() == null && !sa.queuedTasks().isEmpty()) {
      IkeTask task = sa.queuedTasks().poll();
      sa.activeTask(task);
      sendRequest(sa, task);
    }
  }

  private void sendRequest(IkeSa sa, IkeTask task) {
    IkeHeader h =
        IkeHeader.of(
            sa.spiI(),
            sa.isInitiator() && task.exchangeType() == IkeHeader.IKE_SA_INIT ? 0 : sa.spiR(),
            task.exchangeType(),
            sa.isInitiator() ? IkeHeader.INITIATOR : 0,
            sa.nextRequestId());
    List<IkePayload> payloads = task.buildRequest(sa);
    if (task.exchangeType() == IkeHeader.IKE_SA_INIT && settings.fragmentation()) {
      payloads = IkeFragmentation.announce(payloads); // RFC 7383 §2.3
    }
    List<byte[]> datagrams = fragmentation.encode(sa, new IkeMessage(h, payloads), sa.local());
    if (task.exchangeType() == IkeHeader.IKE_SA_INIT) {
      // RealMessage1 is the request as last sent (§2.15)
      sa.initMessage(true, datagrams.get(0));
    }
    sa.requestSent(datagrams, retransmitTimer(sa, 0));
    send(sa, datagrams);
  }

  private Scheduler.Timer retransmitTimer(IkeSa sa, int sent) {
    return scheduler.schedule(
        settings.retransmitMillis() << sent, TimeUnit.MILLISECONDS, () -> retransmit(sa));
  }

  /**
   * §2.1: the same bytes again, each timeout twice the last, every fragment of a fragmented request
   * (RFC 7383 §2.6.1); then the peer is dead.
   */
  private void retransmit(IkeSa sa) {
    List<byte[]> pending = sa.pendingRequest();
    if (pending == null || sa.state() == IkeSaState.DESTROYED) {
      return;
    }
    if (sa.retransmissions() >= settings.retransmitTries()) {
      sa.fail(-1);
      destroy(sa);
      return;
    }
    counters.retransmissions++;
    send(sa, pending);
    sa.retransmitted(retransmitTimer(sa, sa.retransmissions() + 1));
  }

  /**
   * Answers {@code datagram}'s request: to the address and port it came from, from the ones it was
   * sent to (§2.11), which after a move to port 4500 (§2.23) need not be the SA's of IKE_SA_INIT.
   */
  private void respond(IkeSa sa, Datagram datagram, IkeHeader request, List<IkePayload> payloads) {
    int flags = IkeHeader.RESPONSE | (sa.isInitiator() ? IkeHeader.INITIATOR : 0);
    IkeHeader h =
        IkeHeader.of(sa.spiI(), sa.spiR(), request.exchangeType(), flags, request.messageId());
    List<byte[]> datagrams =
        fragmentation.encode(sa, new IkeMessage(h, payloads), datagram.destination());
    if (request.exchangeType() == IkeHeader.IKE_SA_INIT) {
      sa.initMessage(false, datagrams.get(0)); // RealMessage2
    }
    sa.answered(datagram.payload(), datagrams);
    for (byte[] bytes : datagrams) {
      transport.send(new Datagram(datagram.destination(), datagram.source(), bytes));
    }
  }

  /**
   * An IKE_SA_INIT answer that keeps no state: SPIr 0 (§2.6), back to where the request came from.
   */
  private void sendStateless(Datagram request, IkeHeader h, List<IkePayload> payloads) {
    IkeHeader answer =
        IkeHeader.of(h.spiI(), 0, IkeHeader.IKE_SA_INIT, IkeHeader.RESPONSE, h.messageId());
    transport.send(
        new Datagram(
            request.destination(),
            request.source(),
            new IkeMessage(answer, payloads).toByteArray()));
  }

  /** For tests: bytes the fragment sets of all SAs hold now. */
  long fragmentBytesHeld() {
    return fragmentation.bytesHeld();
  }

  /** For tests: what all fragment sets together may hold, instead of 16 MiB. */
  void limitFragmentMemory(long bytes) {
    fragmentation.limitMemory(bytes);
  }

  private void send(IkeSa sa, List<byte[]> datagrams) {
    for (byte[] bytes : datagrams) {
      transport.send(new Datagram(sa.local(), sa.remote(), bytes));
    }
  }

  private void destroy(IkeSa sa) {
    sa.requestDone(false);
    sa.fragments(true, null);
    sa.state(IkeSaState.DESTROYED);
    sas.remove(sa.localSpi());
    byInitiator.values().remove(sa); // keyed by where IKE_SA_INIT came from, maybe not remote()
    listener.ended(sa);
  }

  /** A random SPI, never 0 (§3.1) and not one of ours already. */
  private long newIkeSpi() {
    long spi;
    do {
      spi = random.nextLong();
    } while (spi == 0 || sas.containsKey(spi));
    return spi;
  }
}
