package io.mvpn.ipsec.esp;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.AtomicInteger;

/** The byte-level writes ESP packets are built with, straight into heap arrays. */
final class EspFraming {

  /**
   * The identification of the next outer header this sender writes. The header has DF clear, so a
   * link may fragment it; fragments of different ESP packets between the same addresses must not
   * share an identification (RFC 6864 §4.1) or reassembly mixes them. One counter for every SA of
   * this sender keeps SAs between the same pair of addresses apart too.
   */
  private static final AtomicInteger IDENTIFICATIONS = new AtomicInteger();

  private EspFraming() {}

  /** A fresh identification, 16 bits, wrapping. */
  static int nextIdentification() {
    return IDENTIFICATIONS.incrementAndGet() & 0xFFFF;
  }

  /**
   * A heap buffer for the whole outer datagram, its 20-byte IPv4 header written: no options, a
   * fresh identification, no flags, as {@link Ipv4Builder} writes it, but straight into the array
   * with the checksum summed from the fields (this runs once per packet sent).
   */
  static ByteBuf outerHeader(
      ByteBufAllocator alloc,
      int source,
      int destination,
      int protocol,
      int ttl,
      int tos,
      int payloadLength) {
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("TTL " + ttl + " outside 0..255");
    }
    int totalLength = Ipv4Packet.MIN_HEADER_LENGTH + payloadLength;
    if (totalLength > Ipv4Packet.MAX_LENGTH) {
      throw new IllegalArgumentException("datagram of " + totalLength + " bytes exceeds 65535");
    }
    int identification = nextIdentification();
    long sum =
        (0x4500L | tos)
            + identification
            + totalLength
            + (ttl << 8 | protocol)
            + (source >>> 16)
            + (source & 0xFFFF)
            + (destination >>> 16)
            + (destination & 0xFFFF);
    ByteBuf out = alloc.heapBuffer(totalLength);
    byte[] a = out.array();
    int at = out.arrayOffset() + out.writerIndex();
    putInt(a, at, 0x4500_0000 | tos << 16 | totalLength);
    putInt(a, at + 4, identification << 16); // no flags, fragment offset 0
    putInt(a, at + 8, ttl << 24 | protocol << 16 | ~InternetChecksum.fold(sum) & 0xFFFF);
    putInt(a, at + 12, source);
    putInt(a, at + 16, destination);
    out.writerIndex(out.writerIndex() + Ipv4Packet.MIN_HEADER_LENGTH);
    return out;
  }

  static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) (v >>> 32));
    putInt(b, at + 4, (int) v);
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
