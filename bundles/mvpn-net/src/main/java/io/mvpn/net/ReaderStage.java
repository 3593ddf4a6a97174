package io.mvpn.net;

import io.netty.buffer.ByteBuf;

/**
 * Work a component does on the thread that read a packet from a link (a TUN reader, one per queue
 * of a multi-queue device), before the reader's burst goes to the VRF's single thread: the reader
 * hands the VRF the stage's result in the packet's place. Set on an interface with {@link
 * Interface#setReaderStage}; without one (the default) the readers hand over the packets as they
 * are, and the only cost is one volatile read per packet.
 *
 * <p>Why: a component whose per-packet work is heavy and safe on several threads at once (ESP's
 * cryptography on SAs that take their own locks) runs it on the readers, which already hold the
 * packets on several cores, rather than on the VRF's thread or on threads of its own the packets
 * would cross to. What is not safe across threads (tables, counters, forwarding) stays in {@link
 * Result#onLoop}, on the VRF's thread, in the order the reader read.
 *
 * <p>A stage sees a packet only while the interface captures nothing: a capture records the packets
 * as they arrived, which a stage's result no longer is. What a stage takes does not pass the VRF's
 * own checks and delivery ({@link Vrf#observeDeliveries} included): a stage takes only what it
 * would have been handed, addressed to it and whole.
 */
@FunctionalInterface
public interface ReaderStage {

  /**
   * On a reader thread, several at once: the IPv4 packet just read on {@code ingress}, of its full
   * length and not otherwise checked. Must not touch the VRF or anything of its thread, and should
   * not throw: a packet whose stage throws is released and lost (logged, not counted).
   *
   * @return null to leave the packet to the VRF as without a stage (it stays the caller's); or what
   *     the VRF's thread runs instead, which then owns the packet
   */
  Result process(Interface ingress, ByteBuf packet);

  /** What a stage made of a packet, on its way to the VRF's thread. */
  interface Result {

    /**
     * On the VRF's thread, where the packet would have been delivered, after the interface and the
     * VRF counted it as received and delivered.
     */
    void onLoop(Interface ingress);

    /**
     * The result never reaches the VRF's thread (the VRF had too many packets waiting, the
     * interface is down, the transport stops): release what it holds. Any thread.
     */
    void discard();
  }
}
