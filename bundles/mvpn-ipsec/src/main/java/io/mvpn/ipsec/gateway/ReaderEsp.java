package io.mvpn.ipsec.gateway;

import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's ESP opened on the TUN reader threads of the outside VRF ({@code espOnReaders}), as
 * a {@link ReaderStage}: each reader (one per queue of a multi-queue device) opens the ESP it read
 * for the gateway, and hands the loop the inner datagram in the packet's place.
 *
 * <p>Why: handing packets from the gateway's one thread to ESP threads and back cost more CPU per
 * packet than AES-GCM itself, so ESP threads never scaled; the readers already hold the packets on
 * several cores, and an {@link EspSecurityAssociation} may open on several threads at once (its
 * lock covers only the replay window, each thread has its own cipher). The loop keeps everything
 * that is not per SA, unchanged ({@link GatewayInbound#openedOnReader}): the SA still the gateway's
 * (removed or re-keyed meanwhile), the SA store, the inner policy check (RFC 4301 §5.2), the NAT
 * port, counters and events, forwarding. Nothing is counted here.
 *
 * <p>What a reader takes: an unfragmented IPv4 packet without options to the gateway's public
 * address, ESP (protocol 50) or ESP in UDP to port 4500 (not the non-ESP marker, not a keepalive),
 * whose SPI the index names. Everything else, unknown SPIs and packets that do not parse included,
 * goes to the loop as it would without the stage, where it is checked and counted as today. The
 * index maps an SPI to its SA only while the SAD holds exactly that one SA for it, and the reader
 * checks the outer addresses as the SAD's lookup would ({@link SecurityAssociationDatabase#takes}),
 * so a reader opens with the SA the loop would have picked. It is a concurrent map the gateway's
 * thread updates after each change of the SAD ({@link #changed}).
 *
 * <p>Replay protection is the SA's: the ICV is verified before the window changes, and the window's
 * check and update is one step under the SA's lock, so of two readers that read the same packet
 * exactly one accepts it. The SA store reads the window as the loop tells it of each packet;
 * packets still between a reader and the loop at a crash were accepted but never delivered.
 */
final class ReaderEsp implements ReaderStage {

  private final int publicAddress;

  /**
   * Where the inner datagrams are opened into: plain heap arrays, not the VRF's pool. A pooled
   * buffer taken on a reader and released on the loop goes back to the shared arena under its lock
   * rather than to a thread's cache, and the reader's next one comes from there too: with pooled
   * buffers EspReaderStageBenchmark measured about 1.7 µs of reader CPU and 0.6 to 0.9 µs of loop
   * CPU per packet, with these 1.2 and 0.3 to 0.5 µs (docs/benchmarks.md).
   */
  private final ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;

  private final GatewayInbound inbound;
  private final Map<Integer, EspSecurityAssociation> spis = new ConcurrentHashMap<>();

  // With an SA store: per SA, the highest number a reader may accept ({@link #limit}); an SA
  // without one yet, and every SA once closed, is left to the gateway's thread.
  private final Map<EspSecurityAssociation, Bound> limits = new ConcurrentHashMap<>();
  private volatile boolean limited;
  private volatile boolean closed;

  ReaderEsp(int publicAddress, GatewayInbound inbound) {
    this.publicAddress = publicAddress;
    this.inbound = inbound;
  }

  /** On the gateway's thread, after the SAD changed for that SPI. */
  void changed(int spi, SecurityAssociationDatabase sad) {
    EspSecurityAssociation only = sad.only(spi);
    if (only == null) {
      spis.remove(spi);
    } else {
      spis.put(spi, only);
    }
  }

  /**
   * On the gateway's thread: readers accept no number of {@code sa} above {@code highest}
   * (unsigned) until told more; what is above goes to the gateway's thread.
   */
  void limit(EspSecurityAssociation sa, long highest) {
    Bound b = limits.computeIfAbsent(sa, k -> new Bound());
    b.limit = highest;
  }

  /**
   * An SA store reserves the numbers from now on: an SA without a {@link #limit} yet (its first
   * block not reserved) is the gateway's thread's, not unbounded.
   */
  void limitedByStore() {
    limited = true;
  }

  /** The SA's numbers are no longer reserved (its tunnel went). */
  void forget(EspSecurityAssociation sa) {
    limits.remove(sa);
  }

  /** The gateway stops: from now on readers open nothing. */
  void close() {
    closed = true;
  }

  /**
   * What {@code sa} may have used, readers included, once {@link #close}d: a reader that had passed
   * its check before accepts at most up to the SA's limit, which only grows.
   */
  long used(EspSecurityAssociation sa) {
    long used = sa.sequence();
    Bound b = limits.get(sa);
    if (sa.direction() == EspSecurityAssociation.Direction.INBOUND
        && b != null
        && Long.compareUnsigned(b.limit, used) > 0) {
      return b.limit;
    }
    return used;
  }

  /**
   * Whether a reader may open this packet of {@code sa}: without an SA store always; with one only
   * if its number, as far ahead of the window's top as its low 32 bits put it, stays within the
   * SA's limit. The number is not authenticated yet, and need not be: a packet that claims more
   * only goes the gateway's thread's way.
   */
  private static boolean withinReservation(EspSecurityAssociation sa, Bound bound, int number) {
    long top = sa.sequence();
    int ahead = number - (int) top;
    return ahead <= 0 || Long.compareUnsigned(top + ahead, bound.limit) <= 0;
  }

  /**
   * An SA's bound on its readers, with an SA store. Once one of its packets goes to the gateway's
   * thread unopened (above the limit), its later ones follow it there until the gateway's thread
   * has opened them all: a reader that opened the next ones at once would move the window past
   * those still waiting, which would then be refused as too old (a TCP stream through one SA lost a
   * packet in a thousand that way, every block).
   */
  private static final class Bound {
    volatile long limit;
    final AtomicInteger atLoop = new AtomicInteger(); // handed to the loop, not yet opened there
  }

  @Override
  public Result process(Interface ingress, ByteBuf packet) {
    if (packet.readableBytes() < 28 || packet.getUnsignedByte(packet.readerIndex()) != 0x45) {
      return null;
    }
    if (closed) {
      return null;
    }
    Ipv4Packet ip;
    UdpDatagram udp = null;
    int start;
    int end; // where the ESP packet ends: the UDP length's end for ESP in UDP, as the loop reads it
    int natPort = -1;
    try {
      ip = Ipv4Packet.parse(packet);
      if (ip.destination() != publicAddress || ip.isFragment()) {
        return null;
      }
      if (ip.protocol() == IpProtocol.ESP) {
        start = ip.payloadOffset();
        end = ip.payloadOffset() + ip.payloadLength();
      } else if (ip.protocol() == IpProtocol.UDP
          && UdpDatagram.destinationPortOf(ip) == EspInUdp.PORT) {
        udp = UdpDatagram.parse(ip, false);
        if (EspInUdp.classify(udp.payload()) != EspInUdp.Kind.ESP) {
          return null;
        }
        start = udp.payloadOffset();
        end = start + udp.payload().readableBytes();
        // As the loop would read it: only a port no bit error made may move a NAT mapping.
        natPort = udp.checksumValid() ? udp.sourcePort() : -1;
      } else {
        return null;
      }
    } catch (MalformedPacketException e) {
      return null;
    }
    int length = end - start;
    if (length < 8) {
      return null;
    }
    EspSecurityAssociation sa = spis.get(packet.getInt(start));
    int number = packet.getInt(start + 4); // the sequence number's low 32 bits
    if (sa == null || !SecurityAssociationDatabase.takes(sa, ip.destination(), ip.source())) {
      return null;
    }
    if (limited) {
      Bound bound = limits.get(sa);
      if (bound == null) {
        return null; // no block reserved yet: the gateway's thread's
      }
      if (bound.atLoop.get() > 0 || !withinReservation(sa, bound, number)) {
        bound.atLoop.incrementAndGet();
        return new ToLoop(inbound, ip, udp, bound);
      }
    }
    int source = ip.source();
    ByteBuf inner = null;
    EspException refused = null;
    boolean newest = false;
    try {
      inner = sa.open(alloc, packet, start, length);
      newest = sa.openedNewest();
    } catch (EspException x) {
      refused = x;
    } catch (RuntimeException x) {
      return null; // nothing changed (the packet is read, not written): the loop's, as today
    }
    packet.release();
    return new Opened(inbound, sa, source, natPort, inner, refused, newest, number);
  }

  /** A packet opened on a reader, on its way to the gateway's thread. */
  private record Opened(
      GatewayInbound inbound,
      EspSecurityAssociation sa,
      int source,
      int natPort,
      ByteBuf inner,
      EspException refused,
      boolean newest,
      int number)
      implements Result {
    @Override
    public void onLoop(Interface ingress) {
      inbound.openedOnReader(sa, source, natPort, inner, refused, newest, number);
    }

    @Override
    public void discard() {
      ReferenceCountUtil.release(inner);
    }
  }

  /**
   * A packet of an SA whose readers are at their limit, or behind one that was: opened on the
   * gateway's thread as without the stage (the SA's owner there reserves the next block), in the
   * order the reader read it.
   */
  record ToLoop(GatewayInbound inbound, Ipv4Packet ip, UdpDatagram udp, Bound bound)
      implements Result {
    @Override
    public void onLoop(Interface ingress) {
      try {
        inbound.leftToLoop(ip, udp);
      } finally {
        ip.buffer().release(); // an owner that opens it later holds its own reference
        bound.atLoop.decrementAndGet();
      }
    }

    @Override
    public void discard() {
      ip.buffer().release();
      bound.atLoop.decrementAndGet();
    }
  }
}
