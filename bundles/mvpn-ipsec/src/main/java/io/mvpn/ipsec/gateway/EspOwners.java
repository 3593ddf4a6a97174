package io.mvpn.ipsec.gateway;

import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The gateway's ESP cryptography spread over threads, one owner per SA: an SA's owner is picked by
 * its SPI, and only that owner seals or opens with it. Its outbound sequence counter and its
 * inbound replay window (RFC 4303 §3.3.3, §3.4.3) thus have exactly one writer and need no lock,
 * and a packet that arrives twice meets the same window whichever thread read it. The gateway's own
 * scheduler keeps what is not per SA (the SAD lookup, the policy check, forwarding): each result
 * goes back to it in the order its owner produced it, so an SA's packets stay in order.
 *
 * <p>Without owners everything runs at once on the caller's thread, as a gateway on one thread
 * does. Owners are schedulers: an event loop each in production, virtual time in tests.
 */
public final class EspOwners {

  /** What became of one packet; runs on the gateway's scheduler. */
  @FunctionalInterface
  public interface Outcome {
    /**
     * @param result the inner datagram opened (null for a dummy packet) or the outer datagram
     *     sealed, the callee's to release; null with {@code refused}
     * @param refused why the SA would not take the packet, or null
     * @param newest whether an opened packet moved the replay window's top (the node's newest)
     */
    void done(ByteBuf result, EspException refused, boolean newest);
  }

  private final Scheduler[] owners;
  private final Scheduler gateway;
  private final ByteBufAllocator alloc;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder overruns = new LongAdder();
  private Consumer<GatewayCounter> counter = c -> {};
  private boolean stopped; // read and written on the gateway's thread only

  /**
   * @param owners the threads that run SAs; none: everything on the caller's thread
   * @param gateway the scheduler the gateway runs on, where outcomes are delivered
   * @param maxInFlight the most packets handed to owners and not yet back; above, packets are
   *     dropped and counted as overruns rather than queued without bound
   */
  public EspOwners(
      List<Scheduler> owners, Scheduler gateway, ByteBufAllocator alloc, int maxInFlight) {
    this.owners = owners.toArray(new Scheduler[0]);
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.alloc = Objects.requireNonNull(alloc, "alloc");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
  }

  /** Everything on the caller's thread: a gateway on one thread. */
  public static EspOwners inline(Scheduler gateway, ByteBufAllocator alloc) {
    return new EspOwners(List.of(), gateway, alloc, 1);
  }

  /** How many threads SAs are spread over; 0 when everything runs on the caller's thread. */
  public int owners() {
    return owners.length;
  }

  /** The most packets in flight to owners. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * This, if it may run beside {@code store} (null: none): the store reserves sequence numbers on
   * the gateway's thread as outcomes come back, so fewer packets may be in flight than half a
   * reservation, or an owner could use a number the store does not hold yet.
   */
  EspOwners checkedAgainst(GatewaySaStore store) {
    if (store != null && owners.length > 0 && maxInFlight >= store.interval() / 2) {
      throw new IllegalArgumentException(
          maxInFlight + " packets in flight, reservations of " + store.interval());
    }
    if (store != null) {
      // Outcomes come back behind the owners: each may have used this many numbers more already.
      store.usedAhead(owners.length == 0 ? 0 : maxInFlight);
    }
    return this;
  }

  /** The owner of the SA of that SPI: the same SPI always on the same owner. */
  public int ownerOf(int spi) {
    // SPIs are random (RFC 7296 §3.3.1) but need not be: a multiplicative mix spreads sequences.
    return owners.length == 0 ? -1 : Math.floorMod((spi * 0x9E3779B9) >>> 7, owners.length);
  }

  /**
   * Told, on the gateway's thread, of each overrun ({@link GatewayCounter#ESP_THREADS_OVERRUN}) and
   * of each packet an owner failed on ({@link GatewayCounter#ESP_THREADS_FAILED}).
   */
  void countWith(Consumer<GatewayCounter> counter) {
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** Packets dropped because {@link #maxInFlight} were with the owners already. */
  public long overruns() {
    return overruns.sum();
  }

  /**
   * Opens the ESP packet at {@code start} of {@code packet} with the inbound SA, on its owner. The
   * packet stays the caller's: it is retained for as long as an owner needs it.
   */
  public void open(
      EspSecurityAssociation sa, ByteBuf packet, int start, int length, Outcome outcome) {
    if (owners.length == 0) {
      opened(sa, packet, start, length, outcome);
    } else if (admit(packet)) {
      hand(sa, packet, () -> opened(sa, packet, start, length, outcome));
    }
  }

  /**
   * Seals the inner IPv4 datagram with the outbound SA on its owner, as ESP in UDP if {@code
   * inUdp}, with an outer TTL. The datagram stays the caller's, retained as for {@link #open}.
   */
  public void seal(
      EspSecurityAssociation sa, Ipv4Packet inner, boolean inUdp, int ttl, Outcome outcome) {
    if (owners.length == 0) {
      sealed(sa, inner, inUdp, ttl, outcome);
    } else if (admit(inner.buffer())) {
      hand(sa, inner.buffer(), () -> sealed(sa, inner, inUdp, ttl, outcome));
    }
  }

  /**
   * The gateway stops: nothing more is handed over, and outcomes that come back from now on are
   * dropped, their buffers released. Call on the gateway's thread.
   */
  void stop() {
    stopped = true;
  }

  /**
   * Completes on the gateway's thread once every packet handed over before has come back: a barrier
   * through each owner (which runs its tasks in order) and back behind their outcomes. Only then
   * have the owners finished with the SAs' sequence numbers and replay windows.
   */
  public CompletableFuture<Void> drained() {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    AtomicInteger waiting = new AtomicInteger(owners.length);
    if (owners.length == 0) {
      drained.complete(null);
    }
    for (Scheduler owner : owners) {
      Runnable back =
          () -> {
            if (waiting.decrementAndGet() == 0) {
              drained.complete(null);
            }
          };
      try {
        owner.execute(() -> gateway.execute(back));
      } catch (RejectedExecutionException e) {
        drained.completeExceptionally(e); // an owner gone: what it held is unknown
      }
    }
    return drained;
  }

  /** Counts the packet in flight and retains it, or counts an overrun: false then. */
  private boolean admit(ByteBuf packet) {
    if (stopped) {
      return false;
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      overruns.increment();
      counter.accept(GatewayCounter.ESP_THREADS_OVERRUN);
      return false;
    }
    packet.retain();
    return true;
  }

  private void hand(EspSecurityAssociation sa, ByteBuf packet, Runnable work) {
    try {
      owners[ownerOf(sa.spi())].execute(
          () -> {
            try {
              work.run();
            } catch (Throwable e) { // an Error too: else its slot would stay taken for good
              failed();
            } finally {
              packet.release();
            }
          });
    } catch (RejectedExecutionException e) {
      inFlight.decrementAndGet();
      packet.release();
    }
  }

  /** No outcome comes back for a packet an owner failed on: it is counted, its slot freed. */
  private void failed() {
    try {
      gateway.execute(
          () -> {
            inFlight.decrementAndGet();
            counter.accept(GatewayCounter.ESP_THREADS_FAILED);
          });
    } catch (RejectedExecutionException e) {
      inFlight.decrementAndGet();
    }
  }

  private void opened(
      EspSecurityAssociation sa, ByteBuf packet, int start, int length, Outcome outcome) {
    ByteBuf inner = null;
    EspException refused = null;
    boolean newest = false;
    try {
      long topBefore = sa.sequence();
      inner = sa.open(alloc, packet, start, length);
      newest = Long.compareUnsigned(sa.sequence(), topBefore) > 0;
    } catch (EspException x) {
      refused = x;
    }
    deliver(outcome, inner, refused, newest);
  }

  private void sealed(
      EspSecurityAssociation sa, Ipv4Packet inner, boolean inUdp, int ttl, Outcome outcome) {
    ByteBuf out = null;
    EspException refused = null;
    try {
      out = inUdp ? sa.encapsulateInUdp(alloc, inner, ttl) : sa.encapsulate(alloc, inner, ttl);
    } catch (EspException x) {
      refused = x;
    }
    deliver(outcome, out, refused, false);
  }

  private void deliver(Outcome outcome, ByteBuf result, EspException refused, boolean newest) {
    if (owners.length == 0) {
      outcome.done(result, refused, newest);
      return;
    }
    try {
      gateway.execute(
          () -> {
            inFlight.decrementAndGet();
            if (stopped) { // the gateway let go of its interfaces and its store
              ReferenceCountUtil.release(result);
              return;
            }
            outcome.done(result, refused, newest);
          });
    } catch (RejectedExecutionException e) {
      inFlight.decrementAndGet();
      if (result != null) {
        result.release();
      }
    }
  }
}
