package io.mvpn.net.transport.tun;

import io.netty.buffer.ByteBuf;

/**
 * Which queue of a multi-queue TUN device a packet is written through. The kernel steers a flow to
 * the queue the application last wrote that flow to (tun's automatic queue selection, keyed by a
 * hash that is the same for both directions), so writing everything through one queue pulls every
 * flow that is answered onto that queue's one reader, and a flow the kernel had put elsewhere moves
 * in mid-stream. Each flow is written through a queue picked by a hash of its own that is also the
 * same for both directions (addresses, protocol, and ports of unfragmented TCP and UDP): its
 * answers come back on that queue for as long as it lasts, and the flows spread over the queues.
 */
final class WriteQueue {

  private WriteQueue() {}

  /**
   * The queue, of {@code queues}, for the IPv4 packet at {@code ipAt} bytes into the readable bytes
   * of {@code packet}; 0 for what is too short to tell.
   */
  static int of(ByteBuf packet, int ipAt, int queues) {
    int ip = packet.readerIndex() + ipAt;
    if (queues == 1 || packet.readableBytes() < ipAt + 20) {
      return 0;
    }
    int protocol = packet.getUnsignedByte(ip + 9);
    int hash = packet.getInt(ip + 12) ^ packet.getInt(ip + 16) ^ protocol;
    int headerLength = (packet.getUnsignedByte(ip) & 0x0F) * 4;
    boolean whole = (packet.getUnsignedShort(ip + 6) & 0x3FFF) == 0; // neither MF nor an offset
    if (whole
        && (protocol == 6 || protocol == 17)
        && packet.readableBytes() >= ipAt + headerLength + 4) {
      hash ^=
          (packet.getUnsignedShort(ip + headerLength)
                  ^ packet.getUnsignedShort(ip + headerLength + 2))
              << 8;
    }
    hash *= 0x9E3779B9; // spread the bits the xors left in the low ones
    return Math.floorMod(hash ^ (hash >>> 16), queues);
  }
}
