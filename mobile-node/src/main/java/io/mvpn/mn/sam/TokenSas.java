package io.mvpn.mn.sam;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.mn.ConfigException;
import io.mvpn.mobilenode.sim.TokenSaStore;
import io.mvpn.mobilenode.sim.TokenSaStore.StoredSa;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SaKeeper;
import io.mvpn.sam.client.SamEspPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SAs the node's manager grants, kept in the PKCS#11 token of {@code sam.token} (the node's
 * SIM, seed 000 claim 7) through {@link TokenSaStore}: each half is written into the token as a
 * sensitive, non-extractable key with its end, and runs inside it. When the node starts again it
 * reopens the pairs that have not ended ({@link #restoreInto}), so a correspondent it had an SA
 * with is reached with no KINK exchange; ended ones are deleted from the token. An outbound SA
 * reopened never sends a sequence number again (the store reserves them ahead in the token).
 *
 * <p>A half the token cannot take (not AES-GCM) or a token that fails while the node runs leaves
 * that SA in memory, as without a token, and counts it. Runs on the engine's loop.
 */
public final class TokenSas implements SaKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(TokenSas.class);

  private final TokenSaStore store;
  private final Path configuration;
  private long stored;
  private long reopened;
  private long deletedEnded;
  private long inMemory;
  private final Set<EspSecurityAssociation> unreserved =
      Collections.newSetFromMap(new IdentityHashMap<>());

  TokenSas(TokenSaStore store, Path configuration) {
    this.store = store;
    this.configuration = configuration;
  }

  /**
   * Opens the token {@code settings} name with its PIN; null without {@code sam.token}.
   *
   * @param environment where {@code env:NAME} PINs are read
   * @throws ConfigException in one line: no configuration file, no PIN, no library, no token in the
   *     slot, a wrong PIN
   */
  public static TokenSas open(SamSettings settings, Map<String, String> environment)
      throws ConfigException {
    if (settings == null || settings.token() == null) {
      return null;
    }
    Path cfg = settings.token();
    String where = "sam.token " + cfg + ": ";
    if (!Files.isReadable(cfg)) {
      throw new ConfigException(where + "no such file (a SunPKCS11 configuration)");
    }
    char[] pin = pin(settings.tokenPin(), environment);
    try {
      return new TokenSas(new TokenSaStore(TokenSaStore.provider(cfg), pin), cfg);
    } catch (RuntimeException e) {
      throw new ConfigException(where + "cannot open the token: " + rootCause(e));
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static char[] pin(String spec, Map<String, String> environment) throws ConfigException {
    if (spec.startsWith("env:")) {
      String value = environment.get(spec.substring(4));
      if (value == null || value.isEmpty()) {
        throw new ConfigException("sam.tokenPin: " + spec.substring(4) + " is not set");
      }
      return value.toCharArray();
    }
    Path file = Path.of(spec.substring(5));
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new ConfigException("sam.tokenPin: " + file + " is empty");
      }
      return text.toCharArray();
    } catch (IOException e) {
      throw new ConfigException("sam.tokenPin: cannot read " + file);
    }
  }

  /** What the provider says last, which names the fault (CKR_PIN_INCORRECT, a missing library). */
  private static String rootCause(Throwable e) {
    String said = e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        said = t.getMessage();
      }
    }
    return said == null ? e.toString() : said.lines().findFirst().orElse(said);
  }

  public TokenSaStore store() {
    return store;
  }

  @Override
  public Running run(InstalledSa sa, Ipv4Address self, Ipv4Address peer, int replayWindow) {
    try {
      return new Running(
          half(sa.outbound(), Direction.OUTBOUND, self, peer, sa, 0),
          half(sa.inbound(), Direction.INBOUND, peer, self, sa, replayWindow));
    } catch (RuntimeException e) {
      inMemory++;
      LOG.warn("the SA with {} runs in memory only: {}", sa.peer(), rootCause(e));
      return IN_MEMORY.run(sa, self, peer, replayWindow);
    }
  }

  /** The token's half, written first unless the token holds this very SA already. */
  private EspSecurityAssociation half(
      EspSaKeys keys,
      Direction direction,
      Ipv4Address source,
      Ipv4Address destination,
      InstalledSa sa,
      int replayWindow) {
    if (!store.holds(keys, direction)) {
      store.store(keys, direction, source, destination, sa.expiresAtUnixMillis());
      stored++;
    }
    return store.open(keys.spi(), direction, replayWindow).orElseThrow();
  }

  /**
   * False once the token failed to reserve the SA's next sequence numbers: from then on the SA
   * sends nothing, since after a restart it would resume below what it sent.
   */
  @Override
  public boolean sent(EspSecurityAssociation outbound) {
    if (unreserved.contains(outbound)) {
      return false;
    }
    try {
      store.sent(outbound);
      return true;
    } catch (RuntimeException e) {
      unreserved.add(outbound);
      LOG.warn("SPI {} sends no more: {}", Integer.toHexString(outbound.spi()), rootCause(e));
      return false;
    }
  }

  @Override
  public void replaced(InstalledSa replaced, InstalledSa by) {
    try {
      if (replaced.outbound().spi() != by.outbound().spi()) {
        store.remove(replaced.outbound().spi(), Direction.OUTBOUND);
      }
      if (replaced.inbound().spi() != by.inbound().spi()) {
        store.remove(replaced.inbound().spi(), Direction.INBOUND);
      }
    } catch (RuntimeException e) {
      LOG.warn("the SA with {} stays in the token: {}", replaced.peer(), rootCause(e));
    }
  }

  /**
   * Puts the pairs the token holds for {@code home} back on {@code path}: an outbound half to a
   * correspondent and the inbound half from it, both to end later than {@code nowUnixMillis}.
   * Halves that have ended are deleted from the token; halves of a peer no longer a correspondent
   * stay.
   *
   * @param peerAt the correspondent at an address, or null
   * @return the pairs reopened
   */
  public int restoreInto(
      SamEspPath path,
      Ipv4Address home,
      Function<Ipv4Address, String> peerAt,
      int replayWindow,
      long nowUnixMillis) {
    int pairs = 0;
    for (StoredSa out : store.sas()) {
      OptionalLong outEnds = store.endsAt(out.spi(), out.direction());
      if (outEnds.isPresent() && outEnds.getAsLong() <= nowUnixMillis) {
        store.remove(out.spi(), out.direction());
        deletedEnded++;
        continue;
      }
      if (out.direction() != Direction.OUTBOUND || !home.equals(out.source())) {
        continue;
      }
      String peer = peerAt.apply(out.destination());
      StoredSa in = inboundFrom(out.destination(), home, nowUnixMillis);
      if (peer == null || in == null || outEnds.isEmpty()) {
        continue;
      }
      long ends = Math.min(outEnds.getAsLong(), store.endsAt(in.spi(), in.direction()).orElse(0));
      InstalledSa sa = new InstalledSa(peer, standIn(out), standIn(in), ends);
      Running esp =
          new Running(
              store.open(out.spi(), Direction.OUTBOUND, 0).orElseThrow(),
              store.open(in.spi(), Direction.INBOUND, replayWindow).orElseThrow());
      if (path.restore(sa, esp)) {
        pairs++;
        LOG.info(
            "SA with {} reopened from the token: {} s left", peer, (ends - nowUnixMillis) / 1000);
      }
    }
    reopened += pairs;
    return pairs;
  }

  private StoredSa inboundFrom(Ipv4Address peer, Ipv4Address home, long nowUnixMillis) {
    StoredSa found = null;
    long latest = nowUnixMillis;
    for (StoredSa sa : store.sas()) {
      OptionalLong ends = store.endsAt(sa.spi(), sa.direction());
      if (sa.direction() == Direction.INBOUND
          && peer.equals(sa.source())
          && home.equals(sa.destination())
          && ends.isPresent()
          && ends.getAsLong() > latest) {
        found = sa;
        latest = ends.getAsLong();
      }
    }
    return found;
  }

  /**
   * The keys of a reopened half as the client's SAD records them: its SPI; the key is the token's.
   */
  private static EspSaKeys standIn(StoredSa sa) {
    return EspSaKeys.aesGcm(sa.spi(), new byte[36], sa.esn());
  }

  /** The status line: {@code sam-token: CONFIG stored N reopened N ...}. */
  public String status() {
    return "sam-token: "
        + configuration
        + " stored "
        + stored
        + " reopened "
        + reopened
        + " deleted-ended "
        + deletedEnded
        + " in-memory "
        + inMemory;
  }
}
