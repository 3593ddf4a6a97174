package io.mvpn.sam.manager;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.time.Scheduler;
import io.mvpn.sam.manager.SessionKeySource.KdcUnavailableException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;

/**
 * A security association manager (seed 000 c6, c16-18) as a plain engine on one scheduler's thread:
 * asked by a node for an SA with a peer, it hands out the pair it holds while that is valid, with
 * no key exchange at all (c8: one pair serves many sessions); otherwise it gets a session key for
 * the peer's service principal from the KDC (c17-18), derives the pair from it as KINK does, keeps
 * it and hands it out.
 *
 * <p>The pairs are a bounded cache: at {@code capacity} the least recently granted pair is evicted
 * (its nodes get a new one when they next ask). Pairs expire after {@code lifetime}; {@link
 * #revoke} withdraws one at once.
 */
public final class SaManager {

  /** The grant a node receives: the pair and whether it took a KDC exchange to make. */
  public record Grant(SecurityAssociationPair pair, boolean fromCache) {}

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
    long granted;
    long fromCache;
    long keyed;
    long kdcExchanges;
    long kdcFailures;
    long expired;
    long evicted;
    long revoked;

    public long granted() {
      return granted;
    }

    /** Grants of a stored pair: no key exchange. */
    public long fromCache() {
      return fromCache;
    }

    /** Pairs made from a new session key. */
    public long keyed() {
      return keyed;
    }

    /** Requests to the KDC, failed ones included. */
    public long kdcExchanges() {
      return kdcExchanges;
    }

    public long kdcFailures() {
      return kdcFailures;
    }

    public long expired() {
      return expired;
    }

    public long evicted() {
      return evicted;
    }

    public long revoked() {
      return revoked;
    }
  }

  /** No SA could be made: the KDC did not give a session key within the allowed attempts. */
  public static final class SaUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    SaUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final int NONCE_LENGTH = 16;
  private static final EspSaKeys.Algorithm ALGORITHM = EspSaKeys.Algorithm.AES_GCM_16;
  private static final int KEY_LENGTH = 32;

  private final Scheduler time;
  private final SessionKeySource kdc;
  private final Settings settings;
  private final SecureRandom random;
  private final Counters counters = new Counters();
  // Access order: iteration starts at the least recently granted pair, the one to evict.
  private final LinkedHashMap<String, SecurityAssociationPair> pairs =
      new LinkedHashMap<>(64, 0.75f, true);

  public SaManager(Scheduler time, SessionKeySource kdc, Settings settings, SecureRandom random) {
    this.time = time;
    this.kdc = kdc;
    this.settings = settings;
    this.random = random;
  }

  /** An SA pair between {@code requester} and {@code peer}: the stored one, or a new one. */
  public Grant request(String requester, String peer) throws SaUnavailableException {
    if (requester.equals(peer)) {
      throw new IllegalArgumentException("an SA is between two nodes, not " + peer + " alone");
    }
    String key = key(requester, peer);
    long now = time.nanoTime();
    SecurityAssociationPair held = pairs.get(key);
    if (held != null && held.validAt(now)) {
      counters.granted++;
      counters.fromCache++;
      return new Grant(held, true);
    }
    if (held != null) {
      pairs.remove(key);
      counters.expired++;
    }
    EncryptionKey sessionKey = sessionKey(settings.servicePrincipal().apply(peer));
    SecurityAssociationPair made = derive(requester, peer, sessionKey, now);
    pairs.put(key, made);
    counters.keyed++;
    counters.granted++;
    evictBeyondCapacity();
    return new Grant(made, false);
  }

  /** Withdraws the pair between two nodes; true if there was one. */
  public boolean revoke(String a, String b) {
    boolean had = pairs.remove(key(a, b)) != null;
    if (had) {
      counters.revoked++;
    }
    return had;
  }

  /** Drops every pair whose lifetime has run out; returns how many. */
  public int expire() {
    long now = time.nanoTime();
    int dropped = 0;
    for (Iterator<SecurityAssociationPair> it = pairs.values().iterator(); it.hasNext(); ) {
      if (!it.next().validAt(now)) {
        it.remove();
        dropped++;
      }
    }
    counters.expired += dropped;
    return dropped;
  }

  /** The pairs held, least recently granted first. */
  public List<SecurityAssociationPair> pairs() {
    return new ArrayList<>(pairs.values());
  }

  public Counters counters() {
    return counters;
  }

  private EncryptionKey sessionKey(String servicePrincipal) throws SaUnavailableException {
    KdcUnavailableException last = null;
    for (int attempt = 0; attempt < settings.kdcAttempts(); attempt++) {
      counters.kdcExchanges++;
      try {
        return kdc.sessionKey(servicePrincipal);
      } catch (KdcUnavailableException e) {
        counters.kdcFailures++;
        last = e;
      }
    }
    throw new SaUnavailableException(
        "no session key for "
            + servicePrincipal
            + " after "
            + settings.kdcAttempts()
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
        now + settings.lifetime().toNanos());
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
    Iterator<Map.Entry<String, SecurityAssociationPair>> eldest = pairs.entrySet().iterator();
    while (pairs.size() > settings.capacity() && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
      counters.evicted++;
    }
  }

  private static String key(String a, String b) {
    return a.compareTo(b) < 0 ? a + "\u0000" + b : b + "\u0000" + a;
  }
}
