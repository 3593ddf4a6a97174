package io.mvpn.net.transport.tun;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Hands bursts of packets from a transport's reader threads to the VRF's single thread, with a
 * bound on the packets handed over and not yet taken: readers of several queues can read faster
 * than the VRF forwards, and every packet waiting in the scheduler's queue holds a buffer of a
 * whole link MTU. Above the bound the reader drops what it read and counts it as an overrun, so
 * memory stays bounded by the limit however long a flood lasts.
 */
final class BurstHandOver {

  private final Executor scheduler;
  private final Consumer<ByteBuf> receiver;
  private final Consumer<ReaderStage.Result> stagedReceiver;
  private final Runnable onOverrun;
  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger unreported = new AtomicInteger();
  private final LongAdder overruns = new LongAdder();

  /**
   * @param scheduler the VRF's scheduler, the only thread {@code receiver} and {@code onOverrun}
   *     run on
   * @param stagedReceiver takes what a reader stage made of a packet, on the scheduler
   * @param onOverrun counts one overrun on the interface (run on the scheduler, in a later burst's
   *     task, so that a flood adds no tasks of its own)
   */
  BurstHandOver(
      Executor scheduler,
      Consumer<ByteBuf> receiver,
      Consumer<ReaderStage.Result> stagedReceiver,
      Runnable onOverrun,
      int limit) {
    this.scheduler = scheduler;
    this.receiver = receiver;
    this.stagedReceiver = stagedReceiver;
    this.onOverrun = onOverrun;
    this.limit = limit;
  }

  /**
   * To the VRF of {@code ingress}, on its scheduler: packets as received on the interface, a reader
   * stage's results as {@link Interface#receive(ReaderStage.Result)} takes them, and each overrun
   * counted on the interface as a {@link DropReason#LINK} drop, on the VRF's thread like every
   * other count there.
   */
  static BurstHandOver toVrfOf(Interface ingress, int limit) {
    return new BurstHandOver(
        ingress.scheduler()::execute,
        ingress::receive,
        ingress::receive,
        () -> ingress.counters().onDrop(DropReason.LINK),
        limit);
  }

  /**
   * Hands {@code count} packets (each a {@link ByteBuf}, or a {@link ReaderStage.Result} in its
   * place) to the VRF in one task, in order, as far as the bound allows; the rest are released and
   * counted. The array is the task's from now on.
   */
  void handOver(Object[] packets, int count) {
    int admitted = admit(count);
    if (admitted < count) {
      for (int i = admitted; i < count; i++) {
        release(packets[i]);
      }
      overruns.add(count - admitted);
      unreported.addAndGet(count - admitted);
    }
    if (admitted == 0) {
      return;
    }
    try {
      scheduler.execute(() -> deliver(packets, admitted));
    } catch (RejectedExecutionException e) {
      inFlight.addAndGet(-admitted);
      releaseFrom(packets, 0, admitted);
    }
  }

  private void deliver(Object[] packets, int count) {
    int next = 0;
    try {
      for (int missed = unreported.getAndSet(0); missed > 0; missed--) {
        onOverrun.run();
      }
      while (next < count) {
        Object packet = packets[next++];
        if (packet instanceof ByteBuf raw) {
          receiver.accept(raw);
        } else {
          stagedReceiver.accept((ReaderStage.Result) packet);
        }
      }
    } finally {
      inFlight.addAndGet(-count);
      // A receiver that threw leaves the packets after the one it took to nobody else.
      releaseFrom(packets, next, count);
    }
  }

  /** How many of {@code count} packets fit under the bound, now counted as in flight. */
  private int admit(int count) {
    while (true) {
      int now = inFlight.get();
      int admitted = Math.min(count, Math.max(0, limit - now));
      if (admitted == 0 || inFlight.compareAndSet(now, now + admitted)) {
        return admitted;
      }
    }
  }

  private static void releaseFrom(Object[] packets, int from, int to) {
    for (int i = from; i < to; i++) {
      release(packets[i]);
    }
  }

  /** Lets go of a packet read, or of what a reader stage made of it. */
  static void release(Object packet) {
    if (packet instanceof ByteBuf raw) {
      raw.release();
    } else {
      ((ReaderStage.Result) packet).discard();
    }
  }

  /** Packets read and dropped because the VRF had not taken {@code limit} earlier ones yet. */
  long overruns() {
    return overruns.sum();
  }

  /** Packets handed over and not yet taken by the VRF. */
  int inFlight() {
    return inFlight.get();
  }
}
