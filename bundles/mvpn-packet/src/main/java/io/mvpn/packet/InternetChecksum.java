package io.mvpn.packet;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum of RFC 1071: the ones' complement of the ones' complement sum of 16-bit
 * words. IPv4, ICMP and UDP headers all carry it. It reads the buffer in place, without moving its
 * indexes and without copying.
 */
public final class InternetChecksum {

  private InternetChecksum() {}

  /**
   * The ones' complement sum of {@code length} bytes at {@code offset}, folded to 16 bits but not
   * complemented, so that partial sums (a UDP pseudo-header, then the datagram) can be added. An
   * odd trailing byte is padded with a zero byte, as RFC 1071 §4.1 does.
   */
  public static int sum(ByteBuf buf, int offset, int length, int initial) {
    long sum = initial & 0xFFFFFFFFL;
    int end = offset + length;
    if (length < 8) {
      return fold(sum + shortSum(buf, offset, end));
    }
    // 8 bytes per read, added as two 32-bit halves into a 64-bit accumulator: carries are folded
    // once at the end, and a full-size datagram (every ESP in UDP one) takes half the buffer reads.
    int i = offset;
    for (; i + 8 <= end; i += 8) {
      long w = buf.getLong(i);
      sum += (w >>> 32) + (w & 0xFFFFFFFFL);
    }
    // The last 0 to 7 bytes without a branch on how many: read from the last 8 and masked. Code the
    // JIT compiled for the lengths it saw would otherwise trap and deoptimise on the first datagram
    // of another length, which on a handover is the registration, on its critical path. The first
    // of them starts a 16-bit word; when their count is odd, a shift by a byte puts it there and
    // pads the last one with a zero byte, as RFC 1071 §4.1 does.
    int rest = end - i;
    long tail = buf.getLong(end - 8) & ((1L << (rest << 3)) - 1);
    tail <<= (rest & 1) << 3;
    sum += (tail >>> 32) + (tail & 0xFFFFFFFFL);
    return fold(sum);
  }

  /** Fewer than 8 bytes, two at a time. */
  private static long shortSum(ByteBuf buf, int i, int end) {
    long sum = 0;
    for (; i + 1 < end; i += 2) {
      sum += buf.getUnsignedShort(i);
    }
    if (i < end) {
      sum += buf.getUnsignedByte(i) << 8;
    }
    return sum;
  }

  /**
   * The sum, not complemented, of an IPv4 pseudo-header (source, destination, protocol, length: RFC
   * 768, RFC 9293 §3.1) followed by the {@code length} bytes of the segment at {@code offset}. A
   * segment arrived intact if this is 0xFFFF.
   */
  public static int pseudoHeaderSum(
      int source, int destination, int protocol, ByteBuf buf, int offset, int length) {
    long pseudo =
        (source >>> 16)
            + (source & 0xFFFF)
            + (destination >>> 16)
            + (destination & 0xFFFF)
            + protocol
            + length;
    return sum(buf, offset, length, fold(pseudo));
  }

  /** Folds a wide ones' complement sum into 16 bits. */
  public static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }

  /** The checksum to put in a header whose checksum field is zero while this is computed. */
  public static int compute(ByteBuf buf, int offset, int length) {
    return ~sum(buf, offset, length, 0) & 0xFFFF;
  }

  /**
   * A checksum after one 16-bit word it covers changed from {@code oldWord} to {@code newWord},
   * without summing the rest again: RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m').
   */
  public static int adjust(int checksum, int oldWord, int newWord) {
    long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
    return ~fold(sum) & 0xFFFF;
  }

  /** As {@link #adjust(int, int, int)} for a 32-bit field (an address): both its words. */
  public static int adjust32(int checksum, int oldValue, int newValue) {
    return adjust(
        adjust(checksum, oldValue >>> 16, newValue >>> 16), oldValue & 0xFFFF, newValue & 0xFFFF);
  }

  /** True if the bytes, checksum field included, sum to all ones: the receiver's check. */
  public static boolean verify(ByteBuf buf, int offset, int length) {
    return sum(buf, offset, length, 0) == 0xFFFF;
  }
}
