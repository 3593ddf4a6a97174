package io.mvpn.net;

import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.ipv4.Ipv4Reassembler;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;

/**
 * A VRF's reassembly of the fragments delivered to it: bounded in datagrams and bytes, each given
 * up 30 s after its first fragment by a timer that runs only while some are waiting; every datagram
 * given up is a {@link DropReason#REASSEMBLY} drop. Runs on the VRF's scheduler.
 */
final class VrfReassembly {

  private static final int DATAGRAMS = 64;
  private static final int BYTES = 1 << 20;
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Scheduler scheduler;
  private final Counters counters;
  private final Ipv4Reassembler reassembler = new Ipv4Reassembler(DATAGRAMS, BYTES, TIMEOUT_NANOS);
  private Scheduler.Timer timer;

  VrfReassembly(Scheduler scheduler, Counters counters) {
    this.scheduler = scheduler;
    this.counters = counters;
  }

  /** Takes a fragment (not its buffer); the whole datagram once it is complete, else null. */
  ByteBuf offer(Ipv4Packet fragment) {
    long givenUpBefore = reassembler.dropped();
    ByteBuf whole = reassembler.offer(fragment, scheduler.nanoTime());
    if (whole == null) {
      // Over the limits or overlapping: the reassembler gave a datagram up on the spot.
      countDrops(reassembler.dropped() - givenUpBefore);
      arm();
    }
    return whole;
  }

  int inProgress() {
    return reassembler.inProgress();
  }

  private void countDrops(long datagrams) {
    for (long d = datagrams; d > 0; d--) {
      counters.onDrop(DropReason.REASSEMBLY);
    }
  }

  private void arm() {
    if (timer != null) {
      return;
    }
    timer =
        scheduler.schedule(
            TIMEOUT_NANOS,
            TimeUnit.NANOSECONDS,
            () -> {
              timer = null;
              long before = reassembler.dropped();
              reassembler.expire(scheduler.nanoTime());
              countDrops(reassembler.dropped() - before);
              if (reassembler.inProgress() > 0) {
                arm();
              }
            });
  }
}
