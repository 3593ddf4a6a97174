package io.mvpn.packet.ipv4;

import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an IPv4 datagram into fragments that fit a link (RFC 791 §3.2, RFC 1812 §5.2.6). Every
 * fragment but the last carries a multiple of 8 data bytes and More Fragments; offsets count from
 * the original datagram's, so a fragment cut again keeps its place, and the last piece keeps the
 * original's More Fragments bit. The first fragment carries all options; later ones only those
 * whose copied flag is set. Each fragment gets its own total length and header checksum.
 */
public final class Ipv4Fragmenter {

  private static final int COPIED_FLAG = 0x80;
  private static final int OPTION_EOL = 0;
  private static final int OPTION_NOP = 1;

  private Ipv4Fragmenter() {}

  /** Whether {@code datagram} may be cut to fit {@code mtu}: DF is clear and 8 data bytes fit. */
  public static boolean canFragment(Ipv4Packet datagram, int mtu) {
    return !datagram.dontFragment() && mtu - datagram.headerLength() >= 8;
  }

  /**
   * New buffers, in order, each at most {@code mtu} bytes. The datagram is read, neither consumed
   * nor released. A datagram that already fits comes back as one copy.
   *
   * @throws IllegalArgumentException if DF is set or the link cannot carry 8 data bytes after the
   *     header (the caller checks {@link #canFragment} first)
   */
  public static List<ByteBuf> fragment(ByteBufAllocator alloc, Ipv4Packet datagram, int mtu) {
    if (!canFragment(datagram, mtu)) {
      throw new IllegalArgumentException("cannot fragment " + datagram + " for an MTU of " + mtu);
    }
    ByteBuf buf = datagram.buffer();
    int firstHeader = datagram.headerLength();
    ByteBuf laterOptions = copiedOptions(datagram.options());
    int laterHeader = Ipv4Packet.MIN_HEADER_LENGTH + laterOptions.readableBytes();
    int dataLength = datagram.payloadLength();
    List<ByteBuf> fragments = new ArrayList<>();
    int sent = 0;
    do {
      boolean first = sent == 0;
      int header = first ? firstHeader : laterHeader;
      int room = mtu - header;
      int length = dataLength - sent <= room ? dataLength - sent : room & ~7;
      boolean last = sent + length == dataLength;
      ByteBuf out = alloc.buffer(header + length);
      int start = out.writerIndex();
      if (first) {
        out.writeBytes(buf, datagram.offset(), firstHeader);
      } else {
        out.writeBytes(buf, datagram.offset(), Ipv4Packet.MIN_HEADER_LENGTH);
        out.writeBytes(laterOptions, laterOptions.readerIndex(), laterOptions.readableBytes());
        out.setByte(start, 0x40 | (laterHeader / 4));
      }
      out.writeBytes(buf, datagram.payloadOffset() + sent, length);
      int flags = last && !datagram.moreFragments() ? 0 : 0x2000;
      out.setShort(start + 2, header + length);
      out.setShort(start + 6, flags | ((datagram.fragmentOffset() + sent) / 8));
      out.setShort(start + 10, 0);
      out.setShort(start + 10, InternetChecksum.compute(out, start, header));
      fragments.add(out);
      sent += length;
    } while (sent < dataLength);
    return fragments;
  }

  /** The options a non-first fragment carries, padded with End of Option List to 4 bytes. */
  private static ByteBuf copiedOptions(ByteBuf options) {
    ByteBuf copied = Unpooled.buffer(options.readableBytes());
    int i = options.readerIndex();
    int end = options.writerIndex();
    while (i < end) {
      int type = options.getUnsignedByte(i);
      if (type == OPTION_EOL) {
        break;
      }
      if (type == OPTION_NOP) {
        i++;
        continue;
      }
      int length = options.getUnsignedByte(i + 1); // lengths were checked by Ipv4Packet.parse
      if ((type & COPIED_FLAG) != 0) {
        copied.writeBytes(options, i, length);
      }
      i += length;
    }
    copied.writeZero(((copied.readableBytes() + 3) & ~3) - copied.readableBytes());
    return copied;
  }
}
