package io.mvpn.mobilenode.link;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node's side of the access link's association handshake (the supplicant, in 802.11 terms):
 * asks the access point to associate, answers message 1 with its SNonce under a MIC, checks message
 * 3's MIC and counter, confirms with message 4 and installs the link key, which it offers its own
 * layer 3 as a {@link LinkKeyService}. The master key may stay in a token (only HMAC is asked of
 * it). A request unanswered within a second is sent again, three times at most; then the node goes
 * on without a key (and its login will be refused).
 *
 * <p>A plain engine on the node's scheduler; one handler class per message it receives.
 */
public final class LinkSupplicant implements LinkKeyService {

  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final int ATTEMPTS = 3;

  /** What the supplicant refused, counted; none of these changes its state. */
  public record Refused(long malformed, long unexpected, long replayed, long badMic) {}

  private final String identity;
  private final Key masterKey;
  private final Provider provider;
  private final Scheduler scheduler;
  private final SecureRandom random = new SecureRandom();
  private final FirstMessageHandler firsts = new FirstMessageHandler(this);
  private final ThirdMessageHandler thirds = new ThirdMessageHandler(this);
  private Registration bound;
  private Vrf vrf;
  private Interface iface;
  private Ipv4Address source;
  private Runnable whenDone;
  private Scheduler.Timer retry;
  private int attempts;
  private Exchange exchange; // the handshake in progress, or null
  private long lastCounter = -1; // the highest replay counter accepted from the access point
  private LinkKey key;
  private long malformed;
  private long unexpected;
  private long replayed;
  private long badMic;
  private long withdrawn;

  /** Where a handshake stands: message 1's counter and ANonce, our SNonce, the derived keys. */
  record Exchange(int accessPoint, long counter, byte[] accessPointNonce, PairwiseKeys keys) {}

  /**
   * @param identity the node's network access identifier
   * @param masterKey its master key, shared with the access network (a token object may do)
   * @param provider the provider that holds {@code masterKey}, or null for a software key
   */
  public LinkSupplicant(String identity, Key masterKey, Provider provider, Scheduler scheduler) {
    this.identity = identity;
    this.masterKey = masterKey;
    this.provider = provider;
    this.scheduler = scheduler;
  }

  public String identity() {
    return identity;
  }

  /**
   * Associates on a link: drops any key of an earlier link, asks the access point (broadcast from
   * {@code source}), and runs {@code done} once the key is installed or the attempts ran out.
   */
  public void associate(Vrf vrf, Interface iface, Ipv4Address source, Runnable done) {
    if (bound != null) {
      bound.close();
    }
    if (retry != null) {
      retry.cancel();
    }
    this.vrf = vrf;
    this.iface = iface;
    this.source = source;
    this.whenDone = done;
    key = null;
    exchange = null;
    lastCounter = -1; // another access point counts from its own start
    attempts = 0;
    bound = vrf.bindUdp(AssociationFrame.PORT, this::onFrame);
    request();
  }

  private void request() {
    if (attempts++ == ATTEMPTS) {
      finish();
      return;
    }
    exchange = null;
    send(
        new AssociationFrame(
            AssociationFrame.REQUEST, 0, 0, new byte[AssociationFrame.NONCE_LENGTH], identity),
        null,
        -1);
    retry = scheduler.schedule(RETRY_NANOS, TimeUnit.NANOSECONDS, this::request);
  }

  private void onFrame(Vrf v, Interface in, UdpDatagram udp) {
    AssociationFrame frame;
    try {
      frame = AssociationFrame.parse(udp.payload());
    } catch (MalformedPacketException e) {
      malformed++;
      return;
    }
    if (!frame.identity().equals(identity)) {
      unexpected++;
      return;
    }
    switch (frame.message()) {
      case 1 -> firsts.handle(frame, udp.ip().source());
      case 3 -> thirds.handle(frame, udp.payload(), exchange);
      default -> unexpected++;
    }
  }

  // ---- LinkKeyService: the node's own layer 3 reads its key here -----------------------------

  @Override
  public Optional<LinkKey> keyOf(String nai) {
    if (key != null && !key.validAt(scheduler.nanoTime())) {
      key = null;
      withdrawn++;
    }
    return key != null && key.identity().equals(nai) ? Optional.of(key) : Optional.empty();
  }

  @Override
  public List<LinkKey> keys() {
    return keyOf(identity).map(List::of).orElse(List.of());
  }

  @Override
  public long withdrawn() {
    return withdrawn;
  }

  public Refused refused() {
    return new Refused(malformed, unexpected, replayed, badMic);
  }

  // ---- for the handlers -----------------------------------------------------------------------

  PairwiseKeys derive(int accessPoint, byte[] accessPointNonce, byte[] nodeNonce) {
    return PairwiseKeys.derive(
        masterKey, provider, accessPoint, identity, accessPointNonce, nodeNonce);
  }

  byte[] nonce() {
    byte[] nonce = new byte[AssociationFrame.NONCE_LENGTH];
    random.nextBytes(nonce);
    return nonce;
  }

  long lastCounter() {
    return lastCounter;
  }

  /** Message 1 (unauthenticated) starts an exchange; the replay counter stays where it was. */
  void begin(Exchange next) {
    exchange = next;
  }

  /** Message 3 verified: its counter is the last one accepted. */
  void accepted(long counter, Exchange next) {
    lastCounter = counter;
    exchange = next;
  }

  void countUnexpected() {
    unexpected++;
  }

  void countReplayed() {
    replayed++;
  }

  void countBadMic() {
    badMic++;
  }

  /** Message 3 verified and message 4 sent: the key is ours until the lifetime it announced. */
  void install(PairwiseKeys keys, int lifetimeSeconds) {
    key =
        new LinkKey(
            identity,
            Interface.NO_STATION,
            keys.linkKey(),
            scheduler.nanoTime() + TimeUnit.SECONDS.toNanos(lifetimeSeconds));
    exchange = null;
    finish();
  }

  private void finish() {
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    Runnable done = whenDone;
    whenDone = null;
    if (done != null) {
      done.run();
    }
  }

  /** Sends a frame to the access point ({@code destination} -1: the link's broadcast). */
  void send(AssociationFrame frame, PairwiseKeys micKeys, int destination) {
    ByteBuf payload = frame.encode(vrf.alloc(), micKeys);
    try {
      ByteBuf datagram =
          UdpDatagram.build(
              vrf.alloc(),
              source.toInt(),
              destination,
              AssociationFrame.PORT,
              AssociationFrame.PORT,
              payload,
              64);
      vrf.send(datagram, iface, -1);
    } finally {
      payload.release();
    }
  }
}
