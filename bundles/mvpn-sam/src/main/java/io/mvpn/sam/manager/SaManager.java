package io.mvpn.sam.manager;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.time.Scheduler;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.manager.SessionKeySource.KdcUnavailableException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * A security association manager (seed 000 c6, c16-18) as a plain engine on one scheduler's thread:
 * asked by a node for an SA with a peer, it derives a new pair, as KINK does, from the session key
 * of the ticket it holds for the peer's service principal (c17-18), or from one the KDC gives it
 * when it holds none; it keeps the pair and hands it out. A ticket serves every pair with that peer
 * while it is valid (each pair from its own nonces and SPIs), so the KDC is asked only when the
 * manager holds no ticket.
 *
 * <p>A request never gets the pair the manager holds already. A node asks only when it holds no
 * valid SA with the peer: it never had one, or it restarted and lost it (and its sequence numbers).
 * Handing it the same keys again would make it send AES-GCM nonces (sequence numbers from 1 under
 * the same key and salt) it or its peer sent before, which gives the keys away. So one pair serves
 * many sessions (c8) through the nodes' own SADs, where a node sends at once with no message to
 * anyone, and every request costs a key derivation, never a KDC exchange while a ticket is held.
 *
 * <p>The pairs are a bounded cache: at {@code capacity} the least recently granted pair is evicted
 * (its nodes get a new one when they next ask). Pairs expire after {@code lifetime}; {@link
 * #revoke} withdraws one at once. Every change is written through to a {@link SaPairStore}, and a
 * new manager over the same store starts with the pairs the last one held.
 */
public final class SaManager {

  /**
   * The grant a node receives: a new pair, and the ticket for the peer whose session key made it
   * (to hand the peer its half).
   */
  public record Grant(SecurityAssociationPair pair, SgtTicket peerTicket) {}

  /** A manager's settings. */
  public record Settings(
      Duration lifetime, int capacity, int kdcAttempts, UnaryOperator<String> servicePrincipal) {
    public Settings {
      if (lifetime.isNegative() || lifetime.isZero() || capacity < 1 || kdcAttempts < 1) {
        throw new IllegalArgumentException("a positive lifetime, capacity and KDC attempts");
      }
    }

    /** Nodes' service principals {@code kink/NODE@REALM}. */
    public static Settings of(Duration lifetime, int capacity, String realm) {
      return new Settings(lifetime, capacity, 3, node -> "kink/" + node + "@" + realm);
    }
  }

  /** What the manager has done, for the shell and metrics. */
  public static final class Counters {
    final Counter granted;
    final Counter keyed;
    final Counter keyedFromHeldTicket;
    final Counter kdcExchanges;
    final Counter kdcFailures;
    final Counter ticketsReused;
    final Counter kdcHeldOff;
    final Counter kdcBusy;
    final Counter expired;
    final Counter evicted;
    final Counter revoked;
    final Counter storeFailures;

    /** Counts of the manager's own. */
    public Counters() {
      this(null, null);
    }

    /**
     * Counts in {@code store} (if not null), in {@code scope}: a manager over the same store and
     * scope goes on from them.
     */
    public Counters(CounterStore store, String scope) {
      granted = Counter.of(store, scope, "granted");
      keyed = Counter.of(store, scope, "keyed");
      keyedFromHeldTicket = Counter.of(store, scope, "keyed-from-held-ticket");
      kdcExchanges = Counter.of(store, scope, "kdc-exchanges");
      kdcFailures = Counter.of(store, scope, "kdc-failures");
      ticketsReused = Counter.of(store, scope, "tickets-reused");
      kdcHeldOff = Counter.of(store, scope, "kdc-held-off");
      kdcBusy = Counter.of(store, scope, "kdc-busy");
      expired = Counter.of(store, scope, "expired");
      evicted = Counter.of(store, scope, "evicted");
      revoked = Counter.of(store, scope, "revoked");
      storeFailures = Counter.of(store, scope, "store-failures");
    }

    public long granted() {
      return granted.get();
    }

    /** Pairs made from a new session key. */
    public long keyed() {
      return keyed.get();
    }

    /** Of {@link #keyed()}, those whose ticket was held already (the rest waited for the KDC). */
    public long keyedFromHeldTicket() {
      return keyedFromHeldTicket.get();
    }

    /** Requests to the KDC, failed ones included. */
    public long kdcExchanges() {
      return kdcExchanges.get();
    }

    public long kdcFailures() {
      return kdcFailures.get();
    }

    /** Requests refused at once because the KDC failed lately and its backoff has not run out. */
    public long kdcHeldOff() {
      return kdcHeldOff.get();
    }

    /**
     * Requests refused because the KDC executor had no room for another exchange, or because {@link
     * SaManager#WAITERS_PER_PEER} nodes already waited for the exchange about that peer.
     */
    public long kdcBusy() {
      return kdcBusy.get();
    }

    /** New pairs keyed from a ticket already held: no KDC exchange. */
    public long ticketsReused() {
      return ticketsReused.get();
    }

    public long expired() {
      return expired.get();
    }

    public long evicted() {
      return evicted.get();
    }

    public long revoked() {
      return revoked.get();
    }

    /** Writes and removals the store refused: the pair stayed as it was, in memory and on disk. */
    public long storeFailures() {
      return storeFailures.get();
    }
  }

  /** No SA could be made: the KDC did not give a session key within the allowed attempts. */
  public static final class SaUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean peerUnknown;

    private final boolean storeFailed;

    SaUnavailableException(String message, KdcUnavailableException cause) {
      super(message, cause);
      this.peerUnknown = cause.principalUnknown();
      this.storeFailed = false;
    }

    SaUnavailableException(String message, RuntimeException storeFailure) {
      super(message, storeFailure);
      this.peerUnknown = false;
      this.storeFailed = true;
    }

    /** The pair could not be stored, so it was not handed out (and is not held). */
    public boolean storeFailed() {
      return storeFailed;
    }

    /** The KDC knows no principal for the peer (rather than not answering). */
    public boolean peerUnknown() {
      return peerUnknown;
    }
  }

  private static final int NONCE_LENGTH = 16;
  private static final EspSaKeys.Algorithm ALGORITHM = EspSaKeys.Algorithm.AES_GCM_16;
  private static final int KEY_LENGTH = 32;

  /** A ticket this close to its end is not used for a new pair: the peer might refuse it. */
  private static final long TICKET_MARGIN_MILLIS = 60_000;

  /** Nodes that may wait for one KDC exchange; more are told the KDC is busy. */
  static final int WAITERS_PER_PEER = 1_024;

  private static final long MIN_KDC_BACKOFF_MILLIS = 1_000;
  private static final long MAX_KDC_BACKOFF_MILLIS = 60_000;

  private final KerberosClock clock;
  private final SessionKeySource kdc;
  private final SaPairStore store;
  private final Map<String, SgtTicket> tickets = new HashMap<>();
  private final Map<String, List<Waiter>> asking = new HashMap<>();
  // After the KDC failed every attempt, it is left alone until then; the wait doubles per failure.
  private long kdcHoldOffUntil = Long.MIN_VALUE;
  private long kdcBackoffMillis;
  private final Settings settings;
  private final SecureRandom random;
  private final Counters counters;
  // Access order: iteration starts at the least recently granted pair, the one to evict.
  private final LinkedHashMap<String, SecurityAssociationPair> pairs =
      new LinkedHashMap<>(64, 0.75f, true);

  /** A manager that starts with the valid pairs {@code store} holds, oldest first. */
  public SaManager(
      KerberosClock clock,
      SessionKeySource kdc,
      SaPairStore store,
      Settings settings,
      SecureRandom random) {
    this(clock, kdc, store, settings, random, new Counters());
  }

  /** As the other, counting in {@code counters}: a new manager may go on from an old one's. */
  public SaManager(
      KerberosClock clock,
      SessionKeySource kdc,
      SaPairStore store,
      Settings settings,
      SecureRandom random,
      Counters counters) {
    this.counters = counters;
    this.clock = clock;
    this.kdc = kdc;
    this.store = store;
    this.settings = settings;
    this.random = random;
    List<SecurityAssociationPair> kept = store.pairs();
    kept.sort(Comparator.comparingLong(SecurityAssociationPair::createdAtUnixMillis));
    long now = clock.unixMillis();
    for (SecurityAssociationPair pair : kept) {
      if (pair.validAt(now)) {
        pairs.put(key(pair.first(), pair.second()), pair);
      } else {
        store.remove(pair);
        counters.expired.increment();
      }
    }
    evictBeyondCapacity();
  }

  /** The wall clock the manager's lifetimes run on. */
  public KerberosClock clock() {
    return clock;
  }

  /**
   * Where a grant asked for with {@link #request(String, String, Scheduler, Executor, Done)} goes.
   */
  public interface Done {
    void granted(Grant grant);

    void unavailable(SaUnavailableException e);
  }

  /** A node waiting for the KDC's answer about its peer. */
  private record Waiter(String requester, String peer, Done done) {}

  /** What a KDC exchange (all its attempts) gave: a ticket, or the last failure. */
  private record KdcAnswer(SgtTicket ticket, KdcUnavailableException failure, int attempts) {}

  /**
   * A new SA pair between {@code requester} and {@code peer}, replacing any held. A KDC exchange,
   * when one is needed, runs on the caller's thread.
   */
  public Grant request(String requester, String peer) throws SaUnavailableException {
    Grant ready = withoutKdc(requester, peer);
    if (ready != null) {
      return ready;
    }
    String service = settings.servicePrincipal().apply(peer);
    SgtTicket ticket = ticketFrom(service, askKdc(service));
    return keyNew(requester, peer, ticket, false);
  }

  /**
   * The same grant without blocking {@code loop}: a held ticket answers at once; otherwise the KDC
   * is asked on {@code kdcCalls} (requests for the same peer share one exchange) and {@code done}
   * is told on {@code loop}. A full executor is an unreachable KDC to the node.
   */
  public void request(String requester, String peer, Scheduler loop, Executor kdcCalls, Done done) {
    Grant ready;
    try {
      ready = withoutKdc(requester, peer);
    } catch (SaUnavailableException e) {
      done.unavailable(e);
      return;
    }
    if (ready != null) {
      done.granted(ready);
      return;
    }
    String service = settings.servicePrincipal().apply(peer);
    List<Waiter> waiting = asking.get(service);
    if (waiting != null && waiting.size() >= WAITERS_PER_PEER) {
      counters.kdcBusy.increment();
      done.unavailable(
          new SaUnavailableException(
              "too many nodes waiting for the KDC", new KdcUnavailableException("busy", null)));
      return;
    }
    if (waiting != null) {
      waiting.add(new Waiter(requester, peer, done));
      return;
    }
    waiting = new ArrayList<>(List.of(new Waiter(requester, peer, done)));
    asking.put(service, waiting);
    try {
      kdcCalls.execute(
          () -> {
            KdcAnswer answer = askKdc(service);
            loop.execute(() -> answered(service, answer));
          });
    } catch (RejectedExecutionException e) {
      asking.remove(service);
      counters.kdcBusy.increment();
      done.unavailable(
          new SaUnavailableException(
              "too many KDC requests outstanding", new KdcUnavailableException("busy", e)));
    }
  }

  /** KDC requests under way, one per peer however many nodes wait for it. */
  public int kdcRequestsOutstanding() {
    return asking.size();
  }

  private void answered(String service, KdcAnswer answer) {
    List<Waiter> waiting = asking.remove(service);
    SgtTicket ticket;
    try {
      ticket = ticketFrom(service, answer);
    } catch (SaUnavailableException e) {
      waiting.forEach(w -> w.done().unavailable(e));
      return;
    }
    // Every waiter waited for this exchange: none was keyed from a ticket held (not "cached").
    for (Waiter w : waiting) {
      try {
        w.done().granted(keyNew(w.requester(), w.peer(), ticket, false));
      } catch (SaUnavailableException e) {
        w.done().unavailable(e);
      }
    }
  }

  /** A new pair from a ticket held; null when only the KDC can help. */
  private Grant withoutKdc(String requester, String peer) throws SaUnavailableException {
    if (requester.equals(peer)) {
      throw new IllegalArgumentException("an SA is between two nodes, not " + peer + " alone");
    }
    String key = key(requester, peer);
    long now = clock.unixMillis();
    SecurityAssociationPair held = pairs.get(key);
    // A valid pair held is never handed out again (see the class comment): a new one replaces it.
    if (held != null && !held.validAt(now) && drop(key, held)) {
      counters.expired.increment();
    }
    String service = settings.servicePrincipal().apply(peer);
    SgtTicket ticket = tickets.get(service);
    if (ticket != null
        && ticket.getEncKdcRepPart().getEndTime().getTime() - TICKET_MARGIN_MILLIS > now) {
      return keyNew(requester, peer, ticket, true);
    }
    if (now < kdcHoldOffUntil) {
      counters.kdcHeldOff.increment();
      throw new SaUnavailableException(
          "the KDC failed lately; next attempt in " + (kdcHoldOffUntil - now) + " ms",
          new KdcUnavailableException("held off", null));
    }
    return null;
  }

  private Grant keyNew(String requester, String peer, SgtTicket ticket, boolean heldTicket)
      throws SaUnavailableException {
    SecurityAssociationPair made =
        derive(requester, peer, ticket.getSessionKey(), clock.unixMillis());
    // Disk first: a pair handed out but not stored would be lost, and differ, after a restart.
    try {
      store.put(made);
    } catch (RuntimeException e) {
      counters.storeFailures.increment();
      throw new SaUnavailableException("the pair was not stored: " + e.getMessage(), e);
    }
    pairs.put(key(requester, peer), made);
    counters.keyed.increment();
    if (heldTicket) {
      // Counted once the pair is stored: a refused store reused nothing.
      counters.keyedFromHeldTicket.increment();
      counters.ticketsReused.increment();
    }
    counters.granted.increment();
    evictBeyondCapacity();
    return new Grant(made, ticket);
  }

  /** The pair held between two nodes if it is still valid, else null; counts nothing. */
  public SecurityAssociationPair held(String a, String b) {
    SecurityAssociationPair pair = pairs.get(key(a, b));
    return pair != null && pair.validAt(clock.unixMillis()) ? pair : null;
  }

  /** Withdraws every pair (and forgets every ticket); returns how many pairs were withdrawn. */
  public int flush() {
    int count = 0;
    for (SecurityAssociationPair pair : new ArrayList<>(pairs.values())) {
      if (drop(key(pair.first(), pair.second()), pair)) {
        count++;
      }
    }
    tickets.clear();
    counters.revoked.add(count);
    return count;
  }

  /** Withdraws the pair between two nodes; true if there was one and it is gone from the store. */
  public boolean revoke(String a, String b) {
    SecurityAssociationPair had = pairs.get(key(a, b));
    if (had == null || !drop(key(a, b), had)) {
      return false;
    }
    counters.revoked.increment();
    return true;
  }

  /** Drops every pair whose lifetime has run out; returns how many. */
  public int expire() {
    long now = clock.unixMillis();
    int dropped = 0;
    for (SecurityAssociationPair pair : new ArrayList<>(pairs.values())) {
      if (!pair.validAt(now) && drop(key(pair.first(), pair.second()), pair)) {
        dropped++;
      }
    }
    counters.expired.add(dropped);
    return dropped;
  }

  /**
   * Forgets a pair on disk, then in memory; a store that fails keeps both as they were, so a
   * restart does not bring back a pair this manager no longer holds.
   */
  private boolean drop(String key, SecurityAssociationPair pair) {
    try {
      store.remove(pair);
    } catch (RuntimeException e) {
      counters.storeFailures.increment();
      return false;
    }
    pairs.remove(key);
    return true;
  }

  /** The pairs held, least recently granted first. */
  public List<SecurityAssociationPair> pairs() {
    return new ArrayList<>(pairs.values());
  }

  public Counters counters() {
    return counters;
  }

  /** The KDC's answer, all attempts; touches nothing of the manager, so any thread may run it. */
  private KdcAnswer askKdc(String servicePrincipal) {
    KdcUnavailableException last = null;
    int attempt = 0;
    while (attempt < settings.kdcAttempts()) {
      attempt++;
      try {
        return new KdcAnswer(kdc.ticket(servicePrincipal), null, attempt);
      } catch (KdcUnavailableException e) {
        last = e;
        if (e.principalUnknown()) {
          break;
        }
      }
    }
    return new KdcAnswer(null, last, attempt);
  }

  /** Takes in a KDC answer on the manager's thread: counts, keeps the ticket or backs off. */
  private SgtTicket ticketFrom(String servicePrincipal, KdcAnswer answer)
      throws SaUnavailableException {
    counters.kdcExchanges.add(answer.attempts());
    if (answer.ticket() != null) {
      counters.kdcFailures.add(answer.attempts() - 1);
      tickets.put(servicePrincipal, answer.ticket());
      kdcBackoffMillis = 0;
      return answer.ticket();
    }
    counters.kdcFailures.add(answer.attempts());
    KdcUnavailableException last = answer.failure();
    if (last.principalUnknown()) {
      throw new SaUnavailableException(
          "the KDC knows no " + servicePrincipal + ": " + last.getMessage(), last);
    }
    kdcBackoffMillis =
        Math.min(MAX_KDC_BACKOFF_MILLIS, Math.max(MIN_KDC_BACKOFF_MILLIS, kdcBackoffMillis * 2));
    kdcHoldOffUntil = clock.unixMillis() + kdcBackoffMillis;
    throw new SaUnavailableException(
        "no session key for "
            + servicePrincipal
            + " after "
            + answer.attempts()
            + " attempts: "
            + last.getMessage(),
        last);
  }

  /**
   * Both directions from one session key, each with its own SPI: KEYMAT(ESP, SPI, Ni, Nr) per
   * direction as KINK derives it, the first 32 octets the AES-GCM key, the next 4 its salt.
   */
  private SecurityAssociationPair derive(String a, String b, EncryptionKey key, long now) {
    String first = a.compareTo(b) < 0 ? a : b;
    String second = first.equals(a) ? b : a;
    byte[] ni = nonce();
    byte[] nr = nonce();
    int spiOut = spi();
    int spiBack = spi();
    while (spiBack == spiOut) {
      spiBack = spi();
    }
    return new SecurityAssociationPair(
        first,
        second,
        esp(key, spiOut, ni, nr),
        esp(key, spiBack, ni, nr),
        now,
        now + settings.lifetime().toMillis());
  }

  private static EspSaKeys esp(EncryptionKey key, int spi, byte[] ni, byte[] nr) {
    byte[] keymat = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, spi, ni, nr, KEY_LENGTH + 4);
    return new EspSaKeys(
        spi,
        ALGORITHM,
        Arrays.copyOfRange(keymat, 0, KEY_LENGTH),
        Arrays.copyOfRange(keymat, KEY_LENGTH, KEY_LENGTH + 4),
        new byte[0],
        false);
  }

  private byte[] nonce() {
    byte[] n = new byte[NONCE_LENGTH];
    random.nextBytes(n);
    return n;
  }

  /** An SPI outside the 1-255 range IANA reserves (RFC 4303 §2.1). */
  private int spi() {
    int spi;
    do {
      spi = random.nextInt();
    } while (Integer.compareUnsigned(spi, 256) < 0);
    return spi;
  }

  private void evictBeyondCapacity() {
    for (Map.Entry<String, SecurityAssociationPair> eldest : new ArrayList<>(pairs.entrySet())) {
      if (pairs.size() <= settings.capacity() || !drop(eldest.getKey(), eldest.getValue())) {
        return;
      }
      counters.evicted.increment();
    }
  }

  private static String key(String a, String b) {
    return a.compareTo(b) < 0 ? a + "\u0000" + b : b + "\u0000" + a;
  }
}
