package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.Ip4Tcp.MIN_IP_HEADER;
import static io.mvpn.net.transport.tun.Ip4Tcp.MIN_TCP_HEADER;

import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins the TCP/IPv4 segments a VRF sends into a TUN device within one burst into super-packets
 * (receive offload in userspace): the kernel then takes a flow's data in one write, and runs its
 * receive path once for all of them. Segments join the previous ones of their flow if they continue
 * it: same addresses and ports, the next sequence number, the same acknowledgement, window, header
 * length, options, TOS and TTL, the next IPv4 identification, DF set and no IP options, nothing but
 * ACK (and PSH, which ends the run) among the flags, and the run's payload size, which only its
 * last segment may undercut. Anything else goes out as it came, after what its flow queued before
 * it: the order within a flow stays, and different flows never wait on each other past a burst.
 *
 * <p>One per transport, used only on the VRF's thread.
 */
final class TcpCoalescer {

  /** Where the joined and the untouched packets go. */
  interface Output {

    /** One packet as it was sent; the caller keeps the buffer. */
    void packet(ByteBuf packet);

    /** A frame that starts with its virtio_net_hdr; the caller keeps the buffer. */
    void frame(ByteBuf frame);
  }

  /** The most bytes of an IPv4 packet, which a super-packet cannot exceed either. */
  static final int MAX_SUPER_PACKET = 0xFFFF;

  /** Flows followed at once in a burst; a further one ends the oldest's run. */
  private static final int OPEN_RUNS = 8;

  private final OffloadCounters counters;
  private final List<Object> queued = new ArrayList<>(); // ByteBuf or Run, in sending order
  private final Run[] open = new Run[OPEN_RUNS];
  private int openCount;
  private ByteBuf staging;

  TcpCoalescer(OffloadCounters counters) {
    this.counters = counters;
  }

  boolean isEmpty() {
    return queued.isEmpty();
  }

  /** Queues a packet (the buffer is the coalescer's from now on) until {@link #flush}. */
  void add(ByteBuf packet) {
    int ip = packet.readerIndex();
    int length = packet.readableBytes();
    if (length < MIN_IP_HEADER + MIN_TCP_HEADER
        || Ip4Tcp.version(packet, ip) != 4
        || Ip4Tcp.protocol(packet, ip) != Ip4Tcp.PROTOCOL_TCP
        || Ip4Tcp.headerLength(packet, ip) < MIN_IP_HEADER
        || Ip4Tcp.headerLength(packet, ip) + MIN_TCP_HEADER > length) {
      queued.add(packet);
      return;
    }
    int tcp = ip + Ip4Tcp.headerLength(packet, ip);
    int slot = openRun(packet, ip, tcp);
    if (!joinable(packet, ip, tcp, length)) {
      if (slot >= 0) {
        close(slot); // what follows must not overtake this packet within its flow
      }
      queued.add(packet);
      return;
    }
    if (slot >= 0 && open[slot].take(packet, ip, tcp, length)) {
      if (open[slot].ended) {
        close(slot);
      }
      return;
    }
    if (slot >= 0) {
      close(slot);
    }
    if (openCount == OPEN_RUNS) {
      close(0);
    }
    Run run = new Run(packet, ip, tcp, length);
    queued.add(run);
    if (!run.ended) {
      open[openCount++] = run;
    }
  }

  /** Writes everything queued, in order, joined where it could be; releases every buffer. */
  void flush(Output out) {
    try {
      for (Object item : queued) {
        if (item instanceof ByteBuf packet) {
          out.packet(packet);
        } else {
          write((Run) item, out);
        }
      }
    } finally {
      for (Object item : queued) {
        if (item instanceof ByteBuf packet) {
          packet.release();
        } else {
          ((Run) item).release();
        }
      }
      queued.clear();
      java.util.Arrays.fill(open, 0, openCount, null);
      openCount = 0;
    }
  }

  private void write(Run run, Output out) {
    if (run.segments.size() == 1) {
      out.packet(run.segments.get(0));
      return;
    }
    ByteBuf first = run.segments.get(0);
    int ip = first.readerIndex();
    int ipHeader = Ip4Tcp.headerLength(first, ip);
    int headers = ipHeader + run.tcpHeader;
    int total = headers + run.payload;
    if (staging == null) {
      staging = Unpooled.directBuffer(VirtioNetHeader.SIZE + MAX_SUPER_PACKET);
    }
    ByteBuf frame = staging.clear();
    VirtioNetHeader.writeTcp4Super(frame, ipHeader, run.tcpHeader, run.segmentSize);
    int base = frame.writerIndex();
    frame.writeBytes(first, ip, headers);
    for (ByteBuf s : run.segments) {
      int sIp = s.readerIndex();
      frame.writeBytes(s, sIp + headers, s.readableBytes() - headers);
    }
    Ip4Tcp.rewriteIpHeader(frame, base, ipHeader, total, Ip4Tcp.identification(first, ip));
    int tcp = base + ipHeader;
    if (run.pushed) {
      frame.setByte(tcp + 13, Ip4Tcp.tcpFlags(frame, tcp) | Ip4Tcp.PSH);
    }
    // The kernel completes the checksum from the pseudo-header sum (CHECKSUM_PARTIAL).
    frame.setShort(
        tcp + Ip4Tcp.TCP_CHECKSUM,
        Ip4Tcp.pseudoHeaderSum(
            Ip4Tcp.source(first, ip),
            Ip4Tcp.destination(first, ip),
            Ip4Tcp.PROTOCOL_TCP,
            total - ipHeader));
    counters.onCoalescedWrite(run.segments.size());
    out.frame(frame);
  }

  /**
   * Data segments without IP options or fragmentation, DF set, flags ACK or ACK|PSH, whose TCP
   * checksum verifies: a joined super-packet goes out with its checksum left partial, which the
   * kernel takes as good, so a segment damaged on its way here must go out as it came, for the
   * kernel to check and drop.
   */
  private static boolean joinable(ByteBuf p, int ip, int tcp, int length) {
    int tcpHeader = Ip4Tcp.tcpHeaderLength(p, tcp);
    int flags = Ip4Tcp.tcpFlags(p, tcp);
    return tcp - ip == MIN_IP_HEADER
        && Ip4Tcp.totalLength(p, ip) == length
        && (Ip4Tcp.flagsAndFragment(p, ip) & 0xBFFF) == 0
        && (Ip4Tcp.flagsAndFragment(p, ip) & Ip4Tcp.DONT_FRAGMENT) != 0
        && tcpHeader >= MIN_TCP_HEADER
        && MIN_IP_HEADER + tcpHeader < length
        && (flags & ~Ip4Tcp.PSH) == Ip4Tcp.ACK
        && InternetChecksum.pseudoHeaderSum(
                Ip4Tcp.source(p, ip),
                Ip4Tcp.destination(p, ip),
                Ip4Tcp.PROTOCOL_TCP,
                p,
                tcp,
                length - (tcp - ip))
            == 0xFFFF;
  }

  /** Lets go of the staging buffer; the coalescer is not used again. */
  void close() {
    if (staging != null) {
      staging.release();
      staging = null;
    }
  }

  /** The open run of the packet's flow (same addresses and ports), -1 if none. */
  private int openRun(ByteBuf p, int ip, int tcp) {
    int source = Ip4Tcp.source(p, ip);
    int destination = Ip4Tcp.destination(p, ip);
    int ports = p.getInt(tcp);
    for (int i = 0; i < openCount; i++) {
      if (open[i].source == source
          && open[i].destination == destination
          && open[i].ports == ports) {
        return i;
      }
    }
    return -1;
  }

  private void close(int slot) {
    System.arraycopy(open, slot + 1, open, slot, openCount - slot - 1);
    open[--openCount] = null;
  }

  /** Consecutive segments of one flow, to go out as one super-packet. */
  private static final class Run {

    final int source;
    final int destination;
    final int ports;
    final int tcpHeader;
    final int segmentSize;
    final List<ByteBuf> segments = new ArrayList<>(4);
    int payload;
    int nextSequence;
    int lastId;
    boolean ended;
    boolean pushed;

    Run(ByteBuf p, int ip, int tcp, int length) {
      source = Ip4Tcp.source(p, ip);
      destination = Ip4Tcp.destination(p, ip);
      ports = p.getInt(tcp);
      tcpHeader = Ip4Tcp.tcpHeaderLength(p, tcp);
      segmentSize = length - MIN_IP_HEADER - tcpHeader;
      append(p, ip, tcp, segmentSize);
    }

    /** Appends the segment if it continues the run; false if it does not (nothing changes). */
    boolean take(ByteBuf p, int ip, int tcp, int length) {
      ByteBuf first = segments.get(0);
      int fIp = first.readerIndex();
      int fTcp = fIp + MIN_IP_HEADER;
      int size = length - MIN_IP_HEADER - tcpHeader;
      if (ended
          || Ip4Tcp.tcpHeaderLength(p, tcp) != tcpHeader
          || size > segmentSize
          || MIN_IP_HEADER + tcpHeader + payload + size > MAX_SUPER_PACKET
          || p.getInt(tcp + 4) != nextSequence
          || Ip4Tcp.identification(p, ip) != ((lastId + 1) & 0xFFFF)
          || p.getInt(tcp + 8) != first.getInt(fTcp + 8) // acknowledgement
          || p.getUnsignedShort(tcp + 14) != first.getUnsignedShort(fTcp + 14) // window
          || p.getByte(ip + 1) != first.getByte(fIp + 1) // TOS
          || p.getByte(ip + 8) != first.getByte(fIp + 8) // TTL
          || !p.slice(tcp + MIN_TCP_HEADER, tcpHeader - MIN_TCP_HEADER)
              .equals(first.slice(fTcp + MIN_TCP_HEADER, tcpHeader - MIN_TCP_HEADER))) {
        return false;
      }
      append(p, ip, tcp, size);
      return true;
    }

    private void append(ByteBuf p, int ip, int tcp, int size) {
      segments.add(p);
      payload += size;
      nextSequence = p.getInt(tcp + 4) + size;
      lastId = Ip4Tcp.identification(p, ip);
      pushed = (Ip4Tcp.tcpFlags(p, tcp) & Ip4Tcp.PSH) != 0;
      // A short segment or a push ends what the receiver may take as one.
      ended = size < segmentSize || pushed;
    }

    void release() {
      for (ByteBuf s : segments) {
        s.release();
      }
    }
  }
}
