package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.Ip4Tcp.MIN_IP_HEADER;
import static io.mvpn.net.transport.tun.Ip4Tcp.MIN_TCP_HEADER;
import static io.mvpn.net.transport.tun.Ip4Tcp.PROTOCOL_TCP;
import static io.mvpn.net.transport.tun.Ip4Tcp.PROTOCOL_UDP;
import static io.mvpn.net.transport.tun.Ip4Tcp.UDP_HEADER;

import io.mvpn.net.transport.tun.BadVnetHeaderException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * Turns what one read of a TUN device with IFF_VNET_HDR returned into the IP packets the kernel
 * would have sent without offload: a TCP/IPv4 (TSO) or UDP/IPv4 (USO) super-packet is cut into
 * segments of gso_size payload bytes, each with its own IPv4 length, identification and header
 * checksum, TCP sequence number and flags (FIN and PSH on the last segment only, CWR on the first
 * only) and a complete transport checksum; a single packet whose checksum the kernel left partial
 * (NEEDS_CSUM) gets it completed. Each packet is a new buffer from the allocator; the frame read
 * stays the caller's.
 *
 * <p>A whole UDP datagram whose checksum the kernel left partial (NEEDS_CSUM), for an address and
 * port of this host whose consumer authenticates what it takes without the checksum (ESP in UDP,
 * whose ICV covers more; RFC 3948 §2.1 has its senders transmit the UDP checksum as zero), is not
 * summed: it gets checksum zero, "none" (RFC 768). A completed partial sum is right by
 * construction, so summing it would detect nothing. Every other datagram is completed as before,
 * even one for this host's own address: a port the NAPT translates passes its datagrams on to a
 * tenant's host, which must get a checksum. A datagram that arrives with a full checksum (no
 * NEEDS_CSUM) keeps it for the VRF to check.
 */
final class GsoSplitter {

  private final ByteBufAllocator alloc;
  private final int minCapacity;
  private final OffloadCounters counters;
  private final ChecksumFree checksumFree;

  /** Whether a whole UDP datagram for this destination address and port needs no checksum. */
  @FunctionalInterface
  interface ChecksumFree {
    /** Any thread may ask. */
    boolean test(int destination, int port);
  }

  /**
   * As {@link #GsoSplitter(ByteBufAllocator, int, OffloadCounters, ChecksumFree)}, trusting none.
   */
  GsoSplitter(ByteBufAllocator alloc, int minCapacity, OffloadCounters counters) {
    this(alloc, minCapacity, counters, (address, port) -> false);
  }

  /**
   * @param minCapacity the least capacity of a packet's buffer (the link MTU), so buffers come from
   *     one size class of the pool
   * @param checksumFree whether a UDP datagram for an address and port is delivered here to a
   *     consumer that authenticates it without the checksum (ESP in UDP), never forwarded or
   *     translated onwards
   */
  GsoSplitter(
      ByteBufAllocator alloc,
      int minCapacity,
      OffloadCounters counters,
      ChecksumFree checksumFree) {
    this.alloc = alloc;
    this.minCapacity = minCapacity;
    this.counters = counters;
    this.checksumFree = checksumFree;
  }

  /**
   * Hands the packets of {@code frame} (its readable bytes: virtio_net_hdr, then the packet) to
   * {@code sink} in order; each is the sink's to release. Throws before handing over anything if
   * the header cannot be honoured.
   */
  void split(ByteBuf frame, Consumer<ByteBuf> sink) throws BadVnetHeaderException {
    int at = frame.readerIndex();
    int length = frame.readableBytes() - VirtioNetHeader.SIZE;
    if (length < 1) {
      throw new BadVnetHeaderException(Reason.TRUNCATED, length + " bytes after the header");
    }
    int ip = at + VirtioNetHeader.SIZE;
    int gsoType = VirtioNetHeader.gsoType(frame, at) & ~VirtioNetHeader.GSO_ECN;
    boolean needsChecksum =
        (VirtioNetHeader.flags(frame, at) & VirtioNetHeader.FLAG_NEEDS_CSUM) != 0;
    if (gsoType == VirtioNetHeader.GSO_NONE) {
      checkChecksumOffsets(frame, at, length);
      ByteBuf packet = copy(frame, ip, length);
      finishChecksum(frame, at, packet);
      sink.accept(packet);
      return;
    }
    int protocol;
    if (gsoType == VirtioNetHeader.GSO_TCPV4) {
      protocol = PROTOCOL_TCP;
    } else if (gsoType == VirtioNetHeader.GSO_UDP_L4) {
      protocol = PROTOCOL_UDP;
    } else {
      throw new BadVnetHeaderException(Reason.UNSUPPORTED_GSO_TYPE, "gso_type " + gsoType);
    }
    if (length < MIN_IP_HEADER) {
      throw new BadVnetHeaderException(Reason.TRUNCATED, length + " bytes of a super-packet");
    }
    if (Ip4Tcp.version(frame, ip) != 4 || Ip4Tcp.protocol(frame, ip) != protocol) {
      throw new BadVnetHeaderException(
          Reason.GSO_PROTOCOL_MISMATCH,
          "gso_type "
              + gsoType
              + " on IPv"
              + Ip4Tcp.version(frame, ip)
              + " protocol "
              + Ip4Tcp.protocol(frame, ip));
    }
    int ipHeader = Ip4Tcp.headerLength(frame, ip);
    if (ipHeader < MIN_IP_HEADER
        || Ip4Tcp.totalLength(frame, ip) != length
        || ipHeader + (protocol == PROTOCOL_TCP ? MIN_TCP_HEADER : UDP_HEADER) > length) {
      throw new BadVnetHeaderException(
          Reason.BAD_HEADER_LENGTH,
          "IPv4 header "
              + ipHeader
              + ", total length "
              + Ip4Tcp.totalLength(frame, ip)
              + " in "
              + length
              + " bytes");
    }
    int l4Header =
        protocol == PROTOCOL_TCP ? Ip4Tcp.tcpHeaderLength(frame, ip + ipHeader) : UDP_HEADER;
    int headers = ipHeader + l4Header;
    if (l4Header < (protocol == PROTOCOL_TCP ? MIN_TCP_HEADER : UDP_HEADER) || headers > length) {
      throw new BadVnetHeaderException(
          Reason.BAD_HEADER_LENGTH, "transport header " + l4Header + " in " + length + " bytes");
    }
    if (needsChecksum
        && (VirtioNetHeader.csumStart(frame, at) != ipHeader
            || VirtioNetHeader.csumOffset(frame, at)
                != (protocol == PROTOCOL_TCP ? Ip4Tcp.TCP_CHECKSUM : Ip4Tcp.UDP_CHECKSUM))) {
      throw new BadVnetHeaderException(
          Reason.BAD_CHECKSUM_OFFSETS,
          "csum_start "
              + VirtioNetHeader.csumStart(frame, at)
              + " csum_offset "
              + VirtioNetHeader.csumOffset(frame, at)
              + " after a "
              + ipHeader
              + "-byte IPv4 header");
    }
    int segmentSize = VirtioNetHeader.gsoSize(frame, at);
    if (segmentSize == 0 || headers + segmentSize > 0xFFFF) {
      throw new BadVnetHeaderException(Reason.BAD_GSO_SIZE, "gso_size " + segmentSize);
    }
    boolean trusted =
        needsChecksum
            && protocol == PROTOCOL_UDP
            && !fragment(frame, ip)
            && checksumFree.test(
                Ip4Tcp.destination(frame, ip), Ip4Tcp.udpDestinationPort(frame, ip + ipHeader));
    cut(frame, ip, length, ipHeader, headers, protocol, segmentSize, trusted, sink);
  }

  /**
   * Hands {@code packet} (its readable bytes: one packet, read into a buffer of its own) to {@code
   * sink} with its checksum completed or left as {@code header} (its virtio_net_hdr, from its
   * reader index, with gso_type none) says; it is then the sink's. Throws, keeping the packet the
   * caller's, if the header cannot be honoured.
   */
  void single(ByteBuf header, ByteBuf packet, Consumer<ByteBuf> sink)
      throws BadVnetHeaderException {
    int at = header.readerIndex();
    int length = packet.readableBytes();
    if (length < 1) {
      throw new BadVnetHeaderException(Reason.TRUNCATED, length + " bytes after the header");
    }
    if ((VirtioNetHeader.gsoType(header, at) & ~VirtioNetHeader.GSO_ECN)
        != VirtioNetHeader.GSO_NONE) {
      throw new IllegalArgumentException("a super-packet goes through split");
    }
    checkChecksumOffsets(header, at, length);
    finishChecksum(header, at, packet);
    sink.accept(packet);
  }

  private static void checkChecksumOffsets(ByteBuf header, int at, int length)
      throws BadVnetHeaderException {
    if ((VirtioNetHeader.flags(header, at) & VirtioNetHeader.FLAG_NEEDS_CSUM) == 0) {
      return;
    }
    int start = VirtioNetHeader.csumStart(header, at);
    int offset = VirtioNetHeader.csumOffset(header, at);
    if (start < MIN_IP_HEADER || start + offset + 2 > length) {
      throw new BadVnetHeaderException(
          Reason.BAD_CHECKSUM_OFFSETS,
          "csum_start " + start + " csum_offset " + offset + " in " + length + " bytes");
    }
  }

  /** Completes the packet's partial checksum, or gives a datagram for this host none. */
  private void finishChecksum(ByteBuf header, int at, ByteBuf packet) {
    if ((VirtioNetHeader.flags(header, at) & VirtioNetHeader.FLAG_NEEDS_CSUM) == 0) {
      return;
    }
    int start = VirtioNetHeader.csumStart(header, at);
    int offset = VirtioNetHeader.csumOffset(header, at);
    int length = packet.readableBytes();
    if (offset == Ip4Tcp.UDP_CHECKSUM && deliveredUdp(packet, start, length)) {
      packet.setShort(packet.readerIndex() + start + offset, 0);
      counters.onChecksumTrusted(1);
    } else {
      completeChecksum(packet, start, offset, length);
      counters.onChecksumCompleted();
    }
  }

  /**
   * Whether {@code packet}, with its partial checksum at {@code start} + 6, is a whole UDP/IPv4
   * datagram for a consumer here that needs no checksum: it need not be summed.
   */
  private boolean deliveredUdp(ByteBuf packet, int start, int length) {
    int base = packet.readerIndex();
    return length >= MIN_IP_HEADER + UDP_HEADER
        && Ip4Tcp.version(packet, base) == 4
        && Ip4Tcp.protocol(packet, base) == PROTOCOL_UDP
        && Ip4Tcp.headerLength(packet, base) == start
        && !fragment(packet, base)
        && checksumFree.test(
            Ip4Tcp.destination(packet, base), Ip4Tcp.udpDestinationPort(packet, base + start));
  }

  private static boolean fragment(ByteBuf b, int ip) {
    return (Ip4Tcp.flagsAndFragment(b, ip) & ~Ip4Tcp.DONT_FRAGMENT) != 0;
  }

  private void cut(
      ByteBuf frame,
      int ip,
      int length,
      int ipHeader,
      int headers,
      int protocol,
      int segmentSize,
      boolean trusted,
      Consumer<ByteBuf> sink) {
    int payload = length - headers;
    int segments = Math.max(1, (payload + segmentSize - 1) / segmentSize);
    int id = Ip4Tcp.identification(frame, ip);
    int l4 = ipHeader;
    int sequence = protocol == PROTOCOL_TCP ? frame.getInt(ip + l4 + 4) : 0;
    int flags = protocol == PROTOCOL_TCP ? Ip4Tcp.tcpFlags(frame, ip + l4) : 0;
    for (int s = 0; s < segments; s++) {
      int offset = s * segmentSize;
      int size = Math.min(segmentSize, payload - offset);
      int total = headers + size;
      ByteBuf segment = alloc.directBuffer(Math.max(minCapacity, total));
      segment.writeBytes(frame, ip, headers);
      segment.writeBytes(frame, ip + headers + offset, size);
      int base = segment.readerIndex();
      Ip4Tcp.rewriteIpHeader(segment, base, ipHeader, total, (id + s) & 0xFFFF);
      if (protocol == PROTOCOL_TCP) {
        segment.setInt(base + l4 + 4, sequence + offset);
        int f = flags;
        if (s < segments - 1) {
          f &= ~(Ip4Tcp.FIN | Ip4Tcp.PSH);
        }
        if (s > 0) {
          f &= ~Ip4Tcp.CWR;
        }
        segment.setByte(base + l4 + 13, f);
      } else {
        segment.setShort(base + l4 + 4, total - ipHeader);
      }
      if (trusted) {
        segment.setShort(base + l4 + Ip4Tcp.UDP_CHECKSUM, 0);
      } else {
        Ip4Tcp.fillTransportChecksum(segment, base, base + l4, total, protocol);
      }
      sink.accept(segment);
    }
    counters.onSuperPacket(segments);
    if (trusted) {
      counters.onChecksumTrusted(segments);
    }
  }

  private ByteBuf copy(ByteBuf frame, int from, int length) {
    ByteBuf packet = alloc.directBuffer(Math.max(minCapacity, length));
    packet.writeBytes(frame, from, length);
    return packet;
  }

  /**
   * Completes a partial checksum: the field at {@code start + offset} holds the pseudo-header sum,
   * so the sum from {@code start} to the end, complemented, is the checksum.
   */
  private static void completeChecksum(ByteBuf packet, int start, int offset, int length) {
    int base = packet.readerIndex();
    int checksum =
        ~io.mvpn.packet.InternetChecksum.sum(packet, base + start, length - start, 0) & 0xFFFF;
    if (checksum == 0
        && offset == Ip4Tcp.UDP_CHECKSUM
        && length >= MIN_IP_HEADER
        && Ip4Tcp.protocol(packet, base) == PROTOCOL_UDP) {
      checksum = 0xFFFF;
    }
    packet.setShort(base + start + offset, checksum);
  }
}
