package io.mvpn.net.transport.tun;

import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packets one reader thread has read since the device was last empty, up to {@link
 * TunTransport#BATCH}: handed to the VRF in one task when full and when the device has no more. A
 * packet the interface's {@link ReaderStage} takes joins the burst as the stage's result instead.
 */
final class ReaderBurst {

  private static final Logger LOG = LoggerFactory.getLogger(ReaderBurst.class);

  private final BurstHandOver handOver;
  private final Interface ingress;
  private Object[] packets = new Object[TunTransport.BATCH]; // ByteBuf or ReaderStage.Result
  private int count;

  ReaderBurst(BurstHandOver handOver, Interface ingress) {
    this.handOver = handOver;
    this.ingress = ingress;
  }

  /**
   * Adds a packet (the burst's from now on), or what the reader stage made of it, handing the burst
   * over once it is full.
   */
  void add(ByteBuf packet) {
    ReaderStage stage = ingress.readerStage();
    ReaderStage.Result staged = null;
    if (stage != null) {
      try {
        staged = stage.process(ingress, packet);
      } catch (RuntimeException e) {
        // A stage's bug: the packet is lost, the reader goes on (it would stop on the exception).
        ReferenceCountUtil.safeRelease(packet);
        LOG.warn("{}: reader stage failed on a packet: {}", ingress.name(), e.toString());
        return;
      }
    }
    packets[count++] = staged == null ? packet : staged;
    if (count == packets.length) {
      handOver();
    }
  }

  /** Hands over what was read, if anything; the array goes with it. */
  void handOver() {
    if (count > 0) {
      handOver.handOver(packets, count);
      packets = new Object[TunTransport.BATCH];
      count = 0;
    }
  }

  /** Releases what was read and not handed over (the reader stops). */
  void release() {
    for (int i = 0; i < count; i++) {
      BurstHandOver.release(packets[i]);
    }
    count = 0;
  }
}
