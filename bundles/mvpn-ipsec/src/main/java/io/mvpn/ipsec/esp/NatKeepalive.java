package io.mvpn.ipsec.esp;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * NAT keepalives for one UDP-encapsulated ESP tunnel (RFC 3948 §2.3, §4): after {@code interval}
 * (M, 20 s by default) without any outbound packet on the tunnel, a one-byte UDP payload 0xFF goes
 * from the local address to the peer, both on port 4500, so that the NAT on the path keeps its
 * mapping. It runs from {@link #start()} until {@link #stop()}, that is for as long as the tunnel
 * exists.
 *
 * <p>{@link #outboundSent()} is on the data path and only notes the time: there is one timer per
 * tunnel, and when it fires early because traffic flowed it re-arms for the rest of the idle time.
 *
 * <p>Not thread-safe: everything runs on the scheduler's thread, as the tunnel's SA does.
 */
public final class NatKeepalive {

  /** RFC 3948 §4: M, whose suggested default is 20 seconds. */
  public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(20);

  /** RFC 3948 §2.3: the keepalive's payload, one octet. */
  public static final int KEEPALIVE_BYTE = 0xFF;

  /**
   * Sends one UDP datagram. The shape of {@code Vrf.sendUdp}, so that a VRF can be the sender
   * ({@code vrf::sendUdp}) without this bundle depending on mvpn-net. The payload is a new buffer
   * per keepalive; the sender copies it or keeps it, and need not release it (unpooled heap).
   */
  @FunctionalInterface
  public interface Sender {
    void send(
        Ipv4Address source,
        Ipv4Address destination,
        int sourcePort,
        int destinationPort,
        ByteBuf payload);
  }

  private final Scheduler scheduler;
  private final Sender sender;
  private final long intervalNanos;
  private Ipv4Address local;
  private Ipv4Address peer;
  private Scheduler.Timer timer;
  private long lastSentNanos;
  private long sent;

  /** With the default interval M = 20 s. */
  public NatKeepalive(Ipv4Address local, Ipv4Address peer, Scheduler scheduler, Sender sender) {
    this(local, peer, scheduler, sender, DEFAULT_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
  }

  public NatKeepalive(
      Ipv4Address local,
      Ipv4Address peer,
      Scheduler scheduler,
      Sender sender,
      long interval,
      TimeUnit unit) {
    this.local = Objects.requireNonNull(local, "local");
    this.peer = Objects.requireNonNull(peer, "peer");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.intervalNanos = unit.toNanos(interval);
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException("keepalive interval " + interval + " " + unit);
    }
  }

  /** Starts the idle timer from now; a second call does nothing. */
  public void start() {
    if (timer != null) {
      return;
    }
    lastSentNanos = scheduler.nanoTime();
    arm(intervalNanos);
  }

  /** Stops for good until the next {@link #start()}: no keepalive is sent after this returns. */
  public void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  public boolean running() {
    return timer != null;
  }

  /** The owner sent a packet on the tunnel: the idle time starts again. Costs one clock read. */
  public void outboundSent() {
    lastSentNanos = scheduler.nanoTime();
  }

  /** Follows the tunnel's ends when they move (a new care-of address, a new NAT mapping). */
  public void repoint(Ipv4Address newLocal, Ipv4Address newPeer) {
    this.local = Objects.requireNonNull(newLocal, "newLocal");
    this.peer = Objects.requireNonNull(newPeer, "newPeer");
  }

  /** Keepalives sent so far. */
  public long sent() {
    return sent;
  }

  public long intervalNanos() {
    return intervalNanos;
  }

  /** A new keepalive payload: the single octet 0xFF. */
  public static ByteBuf payload() {
    return Unpooled.wrappedBuffer(new byte[] {(byte) KEEPALIVE_BYTE});
  }

  private void arm(long delayNanos) {
    timer = scheduler.schedule(delayNanos, TimeUnit.NANOSECONDS, this::expired);
  }

  private void expired() {
    if (timer == null) {
      return; // stopped after this task was already taken to run
    }
    long idle = scheduler.nanoTime() - lastSentNanos;
    if (idle < intervalNanos) {
      arm(intervalNanos - idle);
      return;
    }
    sent++;
    lastSentNanos = scheduler.nanoTime(); // the keepalive is itself an outbound packet
    arm(intervalNanos); // armed before sending: a sender that calls stop() is obeyed
    sender.send(local, peer, EspInUdp.PORT, EspInUdp.PORT, payload());
  }
}
