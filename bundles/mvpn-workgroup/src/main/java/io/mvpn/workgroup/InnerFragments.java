package io.mvpn.workgroup;

import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.ipv4.Ipv4Reassembler;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reassembly of the ESP packets another gateway carries in fragments: a party's VRF fragments an
 * ESP packet larger than its link, the routers on the way forward the pieces as they are, and ESP
 * is opened only whole (RFC 4303 §3.4.1). One reassembler per tunnel source, each bounded: parties
 * behind different gateways share private addresses and may share IP identifications, so pieces
 * from two tunnels are never put together. Only configured peer gateways get one. When a peer's
 * reassembler is full the oldest datagram in progress gives way, so one party behind that gateway
 * sending pieces that never complete cannot block every other party's large datagrams for the
 * timeout. What a reassembler drops is counted as the gateway's counters.
 */
final class InnerFragments {

  static final int DATAGRAMS_PER_PEER = 16;
  static final int BYTES_PER_PEER = 256 * 1024;
  static final long TIMEOUT_NANOS = 30_000_000_000L;

  private final Map<Integer, Ipv4Reassembler> bySource = new HashMap<>();
  private final Consumer<WorkgroupCounter> count;

  InnerFragments(Consumer<WorkgroupCounter> count) {
    this.count = count;
  }

  /** The whole ESP packet, in a buffer the caller owns, once this piece completes it; else null. */
  ByteBuf offer(int tunnelSource, Ipv4Packet piece, long nowNanos) {
    Ipv4Reassembler r =
        bySource.computeIfAbsent(
            tunnelSource,
            s ->
                new Ipv4Reassembler(
                    DATAGRAMS_PER_PEER,
                    BYTES_PER_PEER,
                    TIMEOUT_NANOS,
                    Ipv4Reassembler.WhenFull.EVICT_OLDEST));
    long overLimit = r.overLimit();
    long overlapping = r.overlapping();
    long timedOut = r.timedOut();
    ByteBuf whole = r.offer(piece, nowNanos);
    report(WorkgroupCounter.REASSEMBLY_OVER_LIMIT, r.overLimit() - overLimit);
    report(WorkgroupCounter.REASSEMBLY_OVERLAP, r.overlapping() - overlapping);
    report(WorkgroupCounter.REASSEMBLY_TIMEOUT, r.timedOut() - timedOut);
    return whole;
  }

  private void report(WorkgroupCounter c, long times) {
    for (long i = 0; i < times; i++) {
      count.accept(c);
    }
  }

  /** Drops what a peer's tunnel holds (the peer is gone, or the gateway stops). */
  void forget(int tunnelSource, long nowNanos) {
    Ipv4Reassembler r = bySource.remove(tunnelSource);
    if (r != null) {
      r.expire(nowNanos + TIMEOUT_NANOS);
    }
  }

  void forgetAll(long nowNanos) {
    for (Integer source : bySource.keySet().toArray(new Integer[0])) {
      forget(source, nowNanos);
    }
  }
}
