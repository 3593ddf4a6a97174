package io.mvpn.ike.sa;

import io.mvpn.api.time.Scheduler;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The requests of one IKE SA, as libcharon's task manager keeps them: the exchanges this end wants
 * to start, in order; at most one of them outstanding (window size 1, RFC 7296 §2.3); that one's
 * datagrams sent again with a doubling timeout until the response comes or the peer counts as dead
 * (§2.1); the message IDs of both ends' requests (§2.2); the answer to the peer's last request, for
 * its retransmissions; and the re-key timers of the SA's soft lifetimes with their jitter ({@link
 * RekeyPolicy}). What a request holds and what its response does stays with the {@link IkeTask};
 * encoding and sending stays with the SA's manager.
 *
 * <p>Runs on the manager's scheduler thread only.
 */
final class TaskManager {

  /** What the task manager needs of the SA's manager. */
  interface Exchanges {

    /** The request of {@code task}, with message ID {@code messageId}, encoded for the wire. */
    List<byte[]> encodeRequest(IkeSa sa, IkeTask task, long messageId);

    /** Sends datagrams from the SA's local endpoint to its remote one. */
    void send(IkeSa sa, List<byte[]> datagrams);

    /** The peer did not answer the last retransmission: the SA is dead. */
    void peerDead(IkeSa sa);

    /** A soft lifetime ran out: re-key the IKE SA, if it still is the one in use. */
    void rekeyIkeSa(IkeSa sa);

    /** A Child SA's soft lifetime ran out: re-key it in whichever IKE SA holds it now. */
    void rekeyChildSa(ChildSa child);
  }

  private final IkeSa sa;
  private final Scheduler scheduler;
  private final EngineSettings settings;
  private final EngineCounters counters;
  private final RandomGenerator random;
  private final Exchanges exchanges;

  private final Deque<IkeTask> queued = new ArrayDeque<>();
  private IkeTask active;
  private long nextRequestId;

  // The outstanding request kept whole: more than one datagram when it went in IKE fragments,
  // which are all sent again (RFC 7383 §2.6.1).
  private List<byte[]> pending;
  private int retransmissions;
  private Scheduler.Timer retransmitTimer;

  // The responding side, as libcharon's task manager keeps it too: the message ID of the peer's
  // next request, its last request (the first fragment if fragmented) and our answer's datagrams,
  // which a retransmission of that request gets again (§2.1, RFC 7383 §2.6.1).
  private long expectedRequestId;
  private byte[] lastPeerRequest;
  private List<byte[]> lastResponse;

  // Fragments of the peer's next request and of the response to ours (RFC 7383 §2.6).
  private FragmentReassembly requestFragments;
  private FragmentReassembly responseFragments;

  TaskManager(
      IkeSa sa,
      Scheduler scheduler,
      EngineSettings settings,
      EngineCounters counters,
      RandomGenerator random,
      Exchanges exchanges) {
    this.sa = sa;
    this.scheduler = scheduler;
    this.settings = settings;
    this.counters = counters;
    this.random = random;
    this.exchanges = exchanges;
  }

  /** Queues {@code task} behind the others and starts it if nothing is outstanding. */
  void queue(IkeTask task) {
    queued.add(task);
    startNext();
  }

  /** Queues {@code task} behind the others; it starts when the outstanding exchange is done. */
  void queueLater(IkeTask task) {
    queued.add(task);
  }

  /** Sends the next queued request, unless one is outstanding. */
  void startNext() {
    if (active == null && !queued.isEmpty()) {
      active = queued.poll();
      send();
    }
  }

  /** The exchange whose response we wait for, or null. */
  IkeTask active() {
    return active;
  }

  /** The exchanges waiting behind the active one, in order. */
  List<IkeTask> queued() {
    return List.copyOf(queued);
  }

  long nextRequestId() {
    return nextRequestId;
  }

  /** Our outstanding request's datagrams, or null. */
  List<byte[]> pendingRequest() {
    return pending;
  }

  /** How often the outstanding request has been sent again so far. */
  int retransmissions() {
    return retransmissions;
  }

  /** Whether a response with this message ID and exchange type answers our outstanding request. */
  boolean awaits(long messageId, int exchangeType) {
    return active != null
        && pending != null
        && messageId == nextRequestId
        && exchangeType == active.exchangeType();
  }

  /** The active task wants a new request under the same message ID (§1.3, §2.6). */
  void retry() {
    stopRetransmitting(false);
    send();
  }

  /** The response to the active task came: the next message ID is ours, the task is done. */
  IkeTask completed() {
    IkeTask done = active;
    stopRetransmitting(true);
    active = null;
    return done;
  }

  /** The SA ends: nothing more goes out. Queued tasks stay for a successor that takes them over. */
  void stop() {
    stopRetransmitting(false);
  }

  /** An IKE SA re-key is through: what was queued on the old SA is ours now (§2.18). */
  void takeOver(TaskManager old) {
    queued.addAll(old.queued);
    old.queued.clear();
  }

  private void send() {
    List<byte[]> datagrams = exchanges.encodeRequest(sa, active, nextRequestId);
    pending = List.copyOf(datagrams);
    retransmissions = 0;
    retransmitTimer = retransmitTimer(0);
    exchanges.send(sa, pending);
  }

  private Scheduler.Timer retransmitTimer(int sent) {
    return scheduler.schedule(
        settings.retransmitMillis() << sent, TimeUnit.MILLISECONDS, this::retransmit);
  }

  /**
   * §2.1: the same bytes again, each timeout twice the last, every fragment of a fragmented request
   * (RFC 7383 §2.6.1); then the peer is dead.
   */
  private void retransmit() {
    if (pending == null || sa.state() == IkeSaState.DESTROYED) {
      return;
    }
    if (retransmissions >= settings.retransmitTries()) {
      exchanges.peerDead(sa);
      return;
    }
    counters.retransmissions.increment();
    exchanges.send(sa, pending);
    retransmissions++;
    retransmitTimer = retransmitTimer(retransmissions);
  }

  private void stopRetransmitting(boolean advanceMessageId) {
    if (retransmitTimer != null) {
      retransmitTimer.cancel();
      retransmitTimer = null;
    }
    pending = null;
    fragments(false, null); // fragments of a response to it are stale now
    if (advanceMessageId) {
      nextRequestId++;
    }
  }

  // ---- the peer's requests --------------------------------------------------------------------

  long expectedRequestId() {
    return expectedRequestId;
  }

  /** Whether {@code raw} repeats the peer's last request, which we answered already. */
  boolean isRetransmission(long messageId, byte[] raw) {
    return lastResponse != null
        && messageId == expectedRequestId - 1
        && Arrays.equals(raw, lastPeerRequest);
  }

  /** We answered the peer's request {@code request} with {@code response}. */
  void answered(byte[] request, List<byte[]> response) {
    lastPeerRequest = request.clone();
    lastResponse = List.copyOf(response);
    expectedRequestId++;
    fragments(true, null); // whatever came of the request answered now is stale
  }

  /** Our answer to the peer's last request, or null. */
  List<byte[]> lastResponse() {
    return lastResponse;
  }

  /**
   * The fragments held of the peer's next request ({@code request}) or of our response, or null.
   */
  FragmentReassembly fragments(boolean request) {
    return request ? requestFragments : responseFragments;
  }

  void fragments(boolean request, FragmentReassembly set) {
    FragmentReassembly old = fragments(request);
    if (old != null && old != set) {
      old.release();
    }
    if (request) {
      requestFragments = set;
    } else {
      responseFragments = set;
    }
  }

  // ---- re-keys by policy (§2.8) ---------------------------------------------------------------

  /** Starts the IKE SA's soft lifetime, if the policy has one. */
  void scheduleIkeRekey() {
    long delay = settings.rekey().ikeDelayMillis(random);
    if (delay >= 0) {
      scheduleIkeRekey(delay);
    }
  }

  void scheduleIkeRekey(long delayMillis) {
    scheduler.schedule(delayMillis, TimeUnit.MILLISECONDS, () -> exchanges.rekeyIkeSa(sa));
  }

  /** A re-key of ours was refused: try again within {@code maxSeconds}, at least 1 s from now. */
  void retryIkeRekey(long maxSeconds) {
    if (settings.rekey().ikeSeconds() != 0) {
      scheduleIkeRekey(1000 + random.nextLong(TimeUnit.SECONDS.toMillis(maxSeconds)));
    }
  }

  /** Starts the soft lifetime of {@code child}, if the policy has one. */
  void scheduleChildRekey(ChildSa child) {
    long delay = settings.rekey().childDelayMillis(random);
    if (delay >= 0) {
      scheduler.schedule(delay, TimeUnit.MILLISECONDS, () -> exchanges.rekeyChildSa(child));
    }
  }
}
