package io.mvpn.foreignagent.link;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.link.LinkKey;
import io.mvpn.api.link.LinkKeyService;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.link.AssociationFrame;
import io.mvpn.packet.link.PairwiseKeys;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.security.Key;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The access point function of an access link (seed 000 claim 12's base transceiver station): runs
 * the four-way association handshake with each node that attaches, deriving a pairwise key from the
 * node's master key, and publishes the link key of each completed handshake to layer 3 as a {@link
 * LinkKeyService}. Frames are UDP datagrams to {@link AssociationFrame#PORT} on the access VRF;
 * answers go back to the station the request came from, as a link layer's would.
 *
 * <p>A plain engine on the access VRF's scheduler; one handler class per message it receives.
 */
public final class AccessPoint implements LinkKeyService {

  /** A handshake not finished in this time is forgotten (the node starts again). */
  static final long HANDSHAKE_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * Handshakes in progress at most: requests are unauthenticated, so a flood of them (from many
   * stations, or many identities on a link without stations) evicts the least recently used
   * handshake rather than growing the table.
   */
  public static final int MAX_HANDSHAKES = 1024;

  /** A handshake is the station's and the identity's: one node cannot restart another's. */
  private record HandshakeKey(int station, String identity) {}

  /**
   * @param address the access point's address on the link (the foreign agent's care-of address)
   * @param masterKeys each node's master key by identity (from the operator's key store or token)
   * @param provider the provider holding the master keys, or null for software keys
   */
  public record Config(
      Ipv4Address address, Map<String, Key> masterKeys, Provider provider, int keyLifetimeSeconds) {

    public Config {
      masterKeys = Map.copyOf(masterKeys);
      if (keyLifetimeSeconds < 1 || keyLifetimeSeconds > 0xFFFF) {
        throw new IllegalArgumentException("key lifetime " + keyLifetimeSeconds + " s");
      }
    }
  }

  private final Config config;
  private final Vrf access;
  private final Interface accessInterface;
  private final Scheduler scheduler;
  private final SecureRandom random = new SecureRandom();
  private final Map<HandshakeKey, Handshake> handshakes =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<HandshakeKey, Handshake> eldest) {
          return size() > MAX_HANDSHAKES;
        }
      };
  private final Map<String, LinkKey> keys = new HashMap<>();
  private final EnumMap<Refusal, Long> refusals = new EnumMap<>(Refusal.class);
  private final AssociationRequestHandler requests = new AssociationRequestHandler(this);
  private final SecondMessageHandler seconds = new SecondMessageHandler(this);
  private final FourthMessageHandler fourths = new FourthMessageHandler(this);
  private Registration bound;
  private long counter;
  private long established;
  private long withdrawn;

  public AccessPoint(Config config, Vrf access, Interface accessInterface) {
    this.config = config;
    this.access = access;
    this.accessInterface = accessInterface;
    this.scheduler = access.scheduler();
  }

  public void start() {
    bound = access.bindUdp(AssociationFrame.PORT, this::onFrame);
  }

  public void stop() {
    if (bound != null) {
      bound.close();
    }
  }

  // ---- LinkKeyService -------------------------------------------------------------------------

  @Override
  public Optional<LinkKey> keyOf(String identity) {
    LinkKey key = keys.get(identity);
    if (key != null && !key.validAt(scheduler.nanoTime())) {
      keys.remove(identity);
      withdrawn++;
      return Optional.empty();
    }
    return Optional.ofNullable(key);
  }

  @Override
  public List<LinkKey> keys() {
    List<LinkKey> valid = new ArrayList<>();
    for (String identity : List.copyOf(keys.keySet())) {
      keyOf(identity).ifPresent(valid::add);
    }
    return valid;
  }

  @Override
  public long withdrawn() {
    return withdrawn;
  }

  /** Handshakes completed since start. */
  public long established() {
    return established;
  }

  /** Frames refused for this reason since start. */
  public long refused(Refusal reason) {
    return refusals.getOrDefault(reason, 0L);
  }

  // ---- frames ---------------------------------------------------------------------------------

  private void onFrame(Vrf vrf, Interface in, UdpDatagram udp) {
    int station = in == null ? Interface.NO_STATION : in.receivingFrom();
    AssociationFrame frame;
    try {
      frame = AssociationFrame.parse(udp.payload());
    } catch (MalformedPacketException e) {
      refuse(Refusal.MALFORMED);
      return;
    }
    switch (frame.message()) {
      case AssociationFrame.REQUEST -> requests.handle(frame, station, udp);
      case 2 -> seconds.handle(frame, udp.payload(), handshakeOf(station, frame.identity()));
      case 4 -> fourths.handle(frame, udp.payload(), handshakeOf(station, frame.identity()));
      default -> refuse(Refusal.UNEXPECTED); // messages 1 and 3 are the access point's own
    }
  }

  /** The station's handshake in progress for the identity, or null (none, or it took too long). */
  private Handshake handshakeOf(int station, String identity) {
    HandshakeKey key = new HandshakeKey(station, identity);
    Handshake h = handshakes.get(key);
    if (h != null && scheduler.nanoTime() - h.startedAt() > HANDSHAKE_NANOS) {
      handshakes.remove(key);
      return null;
    }
    return h;
  }

  /** Handshakes in progress (at most {@link #MAX_HANDSHAKES}). */
  public int handshakesInProgress() {
    return handshakes.size();
  }

  // ---- for the handlers -----------------------------------------------------------------------

  Config config() {
    return config;
  }

  long now() {
    return scheduler.nanoTime();
  }

  byte[] nonce() {
    byte[] nonce = new byte[AssociationFrame.NONCE_LENGTH];
    random.nextBytes(nonce);
    return nonce;
  }

  long nextCounter() {
    return ++counter;
  }

  void refuse(Refusal reason) {
    refusals.merge(reason, 1L, Long::sum);
  }

  /**
   * True if {@code frame} is the message {@code h} waits for, from the same node, with the counter
   * of the access point's last message; otherwise the frame is refused (and counted) here.
   */
  boolean follows(Handshake h, AssociationFrame frame, int message) {
    if (h == null || h.expected() != message || !h.identity().equals(frame.identity())) {
      refuse(Refusal.UNEXPECTED);
      return false;
    }
    if (frame.replayCounter() != h.replayCounter()) {
      refuse(Refusal.REPLAYED_COUNTER);
      return false;
    }
    return true;
  }

  /** A new handshake; the ones that took too long are swept first. */
  void record(Handshake handshake) {
    long now = scheduler.nanoTime();
    handshakes.values().removeIf(h -> now - h.startedAt() > HANDSHAKE_NANOS);
    handshakes.put(new HandshakeKey(handshake.station(), handshake.identity()), handshake);
  }

  /** Message 4 verified: the key goes up to layer 3; the handshake is done. */
  void establish(Handshake h) {
    handshakes.remove(new HandshakeKey(h.station(), h.identity()));
    long expires = now() + TimeUnit.SECONDS.toNanos(config.keyLifetimeSeconds());
    keys.put(h.identity(), new LinkKey(h.identity(), h.station(), h.keys().linkKey(), expires));
    established++;
  }

  /** Sends a frame back to the station a handshake runs with. */
  void send(Handshake h, AssociationFrame frame, PairwiseKeys micKeys) {
    ByteBuf payload = frame.encode(access.alloc(), micKeys);
    try {
      ByteBuf datagram =
          UdpDatagram.build(
              access.alloc(),
              config.address().toInt(),
              h.source(),
              AssociationFrame.PORT,
              h.port(),
              payload,
              64);
      accessInterface.transmitToStation(datagram, h.station());
    } finally {
      payload.release();
    }
  }
}
