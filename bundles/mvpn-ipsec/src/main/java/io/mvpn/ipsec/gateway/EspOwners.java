package io.mvpn.ipsec.gateway;

import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
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
 * <p>Packets cross between threads in batches ({@link EspBatch}): what is handed to a busy owner
 * joins its running task, and only a packet that finds it idle wakes it; an owner sends its
 * outcomes back a burst at a time, one task on the gateway's thread for up to {@link
 * #RETURN_EVERY}. Under load a packet thus costs queue insertions, not wake-ups, on both threads;
 * the same packet object makes the trip there and back.
 *
 * <p>Without owners everything runs at once on the caller's thread, as a gateway on one thread
 * does; then several threads may call at once, each with the packets it holds (as multi-queue
 * readers would), with no hand-over at all: an SA takes its lock only around its sequence counter
 * and its replay window, and each thread seals and opens on a cipher of its own ({@link
 * EspSecurityAssociation}). Each outcome then runs on the thread that called, and {@code newest}
 * speaks of that thread's packet. Owners are schedulers: an event loop each in production, virtual
 * time in tests.
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

  /** Outcomes an owner sends back at once, at most: a reader's burst is up to 32 packets. */
  static final int RETURN_EVERY = 32;

  private final Owner[] owners;
  private final int shares; // the owners, and the gateway's thread if it owns SAs too
  private final Scheduler gatewayThread;
  private final EspBatch gateway; // outcomes, back on the gateway's thread
  private final ByteBufAllocator alloc;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder overruns = new LongAdder();
  private Consumer<GatewayCounter> counter = c -> {};
  private volatile boolean stopped; // written on the gateway's thread

  /**
   * @param owners the threads that run SAs; none: everything on the caller's thread
   * @param gateway the scheduler the gateway runs on, where outcomes are delivered
   * @param maxInFlight the most packets handed to owners and not yet back; above, packets are
   *     dropped and counted as overruns rather than queued without bound
   */
  public EspOwners(
      List<Scheduler> owners, Scheduler gateway, ByteBufAllocator alloc, int maxInFlight) {
    this(owners, false, gateway, alloc, maxInFlight);
  }

  /**
   * @param gatewayOwnsToo whether the gateway's own thread owns a share of the SAs as well, one of
   *     {@code owners.size() + 1}: it seals and opens those at once, with no hand-over, so N cores
   *     take N - 1 owners and the gateway's thread, not N owners beside it; it needs at least one
   *     owner (without any, everything runs on the caller's thread already)
   */
  public EspOwners(
      List<Scheduler> owners,
      boolean gatewayOwnsToo,
      Scheduler gateway,
      ByteBufAllocator alloc,
      int maxInFlight) {
    if (owners.isEmpty() && gatewayOwnsToo) {
      // A share handed in from another thread would wait on the gateway's thread unseen by
      // drained(), which has no owner to pass a barrier through.
      throw new IllegalArgumentException("the gateway's thread owns a share only beside owners");
    }
    this.owners = owners.stream().map(Owner::new).toArray(Owner[]::new);
    this.shares = this.owners.length + (gatewayOwnsToo ? 1 : 0);
    this.gatewayThread = gateway;
    this.gateway = new EspBatch(gateway);
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

  /**
   * The owner of the SA of that SPI: the same SPI always on the same owner; {@link #owners()} for
   * the gateway's own thread when it owns a share, -1 when everything runs on the caller's thread.
   */
  public int ownerOf(int spi) {
    // SPIs are random (RFC 7296 §3.3.1) but need not be: a multiplicative mix spreads sequences.
    return shares == 0 ? -1 : Math.floorMod((spi * 0x9E3779B9) >>> 7, shares);
  }

  /** Whether the SA runs now on this thread: no owners, or the gateway's thread owns it. */
  private boolean atOnce(int owner) {
    return owner < 0 || (owner == owners.length && gatewayThread.inEventLoop());
  }

  /** The owner at that index; null for the gateway's thread. */
  private Owner ownerAt(int owner) {
    return owner == owners.length ? null : owners[owner];
  }

  /** To its owner; to the gateway's thread for its own share, handed in from another thread. */
  private void hand(Handed packet) {
    (packet.owner == null ? gateway : packet.owner.batch).add(packet);
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
    int owner = ownerOf(sa.spi());
    if (atOnce(owner)) {
      opened(sa, packet, start, length, outcome);
    } else if (admit(packet)) {
      hand(new Handed(ownerAt(owner), sa, packet, null, start, length, outcome));
    }
  }

  /**
   * Seals the inner IPv4 datagram with the outbound SA on its owner, as ESP in UDP if {@code
   * inUdp}, with an outer TTL. The datagram stays the caller's, retained as for {@link #open}.
   */
  public void seal(
      EspSecurityAssociation sa, Ipv4Packet inner, boolean inUdp, int ttl, Outcome outcome) {
    int owner = ownerOf(sa.spi());
    if (atOnce(owner)) {
      sealed(sa, inner, inUdp, ttl, outcome);
    } else if (admit(inner.buffer())) {
      Owner o = ownerAt(owner);
      hand(new Handed(o, sa, inner.buffer(), inner, inUdp ? 1 : 0, ttl, outcome));
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
    for (Owner owner : owners) {
      Runnable back =
          () -> {
            if (waiting.decrementAndGet() == 0) {
              drained.complete(null);
            }
          };
      owner.batch.add(new Barrier(owner, back, drained));
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

  /**
   * A packet on its way through its SA's owner and back: on the owner it is sealed or opened, then
   * the same object goes back to the gateway's thread with the outcome.
   */
  private final class Handed implements EspBatch.Job {
    private final Owner owner; // null: the gateway's thread
    private final EspSecurityAssociation sa;
    private final ByteBuf packet; // retained while with the owner
    private final Ipv4Packet inner; // to seal; null to open
    private final int start; // to open; with inner: 1 to seal as ESP in UDP
    private final int lengthOrTtl;
    private final Outcome outcome;
    private boolean back; // crossed to the gateway's thread
    private boolean failed; // the owner failed on it: no outcome
    private ByteBuf result;
    private EspException refused;
    private boolean newest;

    Handed(
        Owner owner,
        EspSecurityAssociation sa,
        ByteBuf packet,
        Ipv4Packet inner,
        int start,
        int lengthOrTtl,
        Outcome outcome) {
      this.owner = owner;
      this.sa = sa;
      this.packet = packet;
      this.inner = inner;
      this.start = start;
      this.lengthOrTtl = lengthOrTtl;
      this.outcome = outcome;
    }

    @Override
    public void run() {
      if (back) {
        delivered();
        return;
      }
      try {
        if (inner == null) {
          opened(sa, packet, start, lengthOrTtl, this::keep);
        } else {
          sealed(sa, inner, start == 1, lengthOrTtl, this::keep);
        }
      } catch (Throwable e) { // an Error too: else its slot would stay taken for good
        failed = true;
      } finally {
        packet.release();
      }
      back = true;
      if (owner == null) { // the gateway's own share, handed in from another thread
        delivered();
      } else {
        owner.finished(this);
      }
    }

    private void keep(ByteBuf result, EspException refused, boolean newest) {
      this.result = result;
      this.refused = refused;
      this.newest = newest;
    }

    /** On the gateway's thread. */
    private void delivered() {
      inFlight.decrementAndGet();
      if (failed) { // no outcome comes back for a packet an owner failed on: it is counted
        counter.accept(GatewayCounter.ESP_THREADS_FAILED);
      } else if (stopped) { // the gateway let go of its interfaces and its store
        ReferenceCountUtil.release(result);
      } else {
        outcome.done(result, refused, newest);
      }
    }

    @Override
    public void discard() {
      inFlight.decrementAndGet();
      if (back) {
        ReferenceCountUtil.release(result);
      } else {
        packet.release();
      }
    }
  }

  /** Runs on an owner, then on the gateway's thread once everything handed over before has. */
  private static final class Barrier implements EspBatch.Job {
    private final Owner owner;
    private final Runnable back;
    private final CompletableFuture<Void> drained;
    private boolean returned;

    Barrier(Owner owner, Runnable back, CompletableFuture<Void> drained) {
      this.owner = owner;
      this.back = back;
      this.drained = drained;
    }

    @Override
    public void run() {
      if (returned) {
        back.run();
      } else {
        returned = true;
        owner.finished(this);
      }
    }

    @Override
    public void discard() {
      drained.completeExceptionally(
          new RejectedExecutionException("an ESP thread is gone: what it held is unknown"));
    }
  }

  /**
   * An owner's thread: the packets handed to it, and what it finished with them, sent back to the
   * gateway's thread in order a burst at a time (one task there for up to {@link #RETURN_EVERY}).
   */
  private final class Owner {
    final EspBatch batch;
    private final List<EspBatch.Job> finished = new ArrayList<>(); // the owner's thread only

    Owner(Scheduler thread) {
      this.batch = new EspBatch(thread, this::sendBack, RETURN_EVERY);
    }

    void finished(EspBatch.Job job) {
      finished.add(job);
    }

    private void sendBack() {
      if (!finished.isEmpty()) {
        gateway.add(new Returned(finished.toArray(new EspBatch.Job[0])));
        finished.clear();
      }
    }
  }

  /** A burst of an owner's finished jobs, run on the gateway's thread in the order finished. */
  private record Returned(EspBatch.Job[] jobs) implements EspBatch.Job {
    @Override
    public void run() {
      Throwable thrown = null;
      for (EspBatch.Job job : jobs) {
        try {
          job.run();
        } catch (Throwable e) { // an Error too: the outcomes after it still come, slots freed
          if (thrown == null) {
            thrown = e;
          } else if (thrown != e) {
            thrown.addSuppressed(e);
          }
        }
      }
      if (thrown instanceof RuntimeException e) {
        throw e;
      } else if (thrown instanceof Error e) {
        throw e;
      } else if (thrown != null) {
        throw new IllegalStateException("an ESP outcome failed", thrown);
      }
    }

    @Override
    public void discard() {
      for (EspBatch.Job job : jobs) {
        job.discard();
      }
    }
  }

  private void opened(
      EspSecurityAssociation sa, ByteBuf packet, int start, int length, Outcome outcome) {
    ByteBuf inner = null;
    EspException refused = null;
    boolean newest = false;
    try {
      inner = sa.open(alloc, packet, start, length);
      newest = sa.openedNewest(); // this thread's packet, whatever others opened meanwhile
    } catch (EspException x) {
      refused = x;
    }
    outcome.done(inner, refused, newest);
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
    outcome.done(out, refused, false);
  }
}
