package io.mvpn.net.transport.tun;

import io.netty.buffer.ByteBuf;

/**
 * The packets one reader thread has read since the device was last empty, up to {@link
 * TunTransport#BATCH}: handed to the VRF in one task when full and when the device has no more.
 */
final class ReaderBurst {

  private final BurstHandOver handOver;
  private ByteBuf[] packets = new ByteBuf[TunTransport.BATCH];
  private int count;

  ReaderBurst(BurstHandOver handOver) {
    this.handOver = handOver;
  }

  /** Adds a packet (the burst's from now on), handing the burst over once it is full. */
  void add(ByteBuf packet) {
    packets[count++] = packet;
    if (count == packets.length) {
      handOver();
    }
  }

  /** Hands over what was read, if anything; the array goes with it. */
  void handOver() {
    if (count > 0) {
      handOver.handOver(packets, count);
      packets = new ByteBuf[TunTransport.BATCH];
      count = 0;
    }
  }

  /** Releases what was read and not handed over (the reader stops). */
  void release() {
    for (int i = 0; i < count; i++) {
      packets[i].release();
    }
    count = 0;
  }
}
