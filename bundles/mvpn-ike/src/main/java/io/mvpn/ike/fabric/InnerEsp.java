package io.mvpn.ike.fabric;

import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One end of an ESP tunnel that runs inside a Mobile IP tunnel (seed 002 claim 24): the inbound SAs
 * IKE gave it, by SPI, and what it refused, by reason. The outer header of such ESP carries the
 * home address and the home agent, never a care-of address, so a move leaves every SA as it was.
 *
 * <p>Used on one engine's thread only; its counts may be read from anywhere (stale at worst).
 */
public final class InnerEsp {

  private final IntObjectMap<ChildSa> inbound = new IntObjectHashMap<>();
  private final Map<InnerEspRefusal, Long> refused = new EnumMap<>(InnerEspRefusal.class);
  private long opened;
  private long sealed;

  InnerEsp() {}

  void add(ChildSa child) {
    inbound.put(child.inbound().spi(), child);
  }

  void remove(ChildSa child) {
    inbound.remove(child.inbound().spi(), child);
  }

  void clear() {
    inbound.clear();
  }

  /** ESP datagrams decrypted and taken. */
  public long decrypted() {
    return opened;
  }

  /** Datagrams sent in ESP. */
  public long encrypted() {
    return sealed;
  }

  /** ESP datagrams refused for that reason. */
  public long refused(InnerEspRefusal why) {
    return refused.getOrDefault(why, 0L);
  }

  /** Every refusal, by reason; the reasons never seen left out. */
  public Map<InnerEspRefusal, Long> refusals() {
    return Map.copyOf(refused);
  }

  void refuse(InnerEspRefusal why) {
    refused.merge(why, 1L, Long::sum);
  }

  /**
   * The datagram an ESP packet for us carries, or null when it is refused (counted) or a dummy. It
   * must come from the SA's peer and carry only what the peer may send: a source on the peer's side
   * of the Child SA's traffic selectors.
   */
  ByteBuf open(ByteBufAllocator alloc, Ipv4Packet esp) {
    int start = esp.payloadOffset();
    ChildSa child = esp.payloadLength() < 8 ? null : inbound.get(esp.buffer().getInt(start));
    if (child == null) {
      refuse(InnerEspRefusal.UNKNOWN_SPI);
      return null;
    }
    EspSecurityAssociation sa = child.inbound();
    if (sa.tunnelSource() != null && esp.source() != sa.tunnelSource().toInt()) {
      refuse(InnerEspRefusal.WRONG_PEER);
      return null;
    }
    ByteBuf inner;
    try {
      inner = sa.open(alloc, esp.buffer(), start, esp.payloadLength());
    } catch (EspException e) {
      refuse(
          switch (e.reason()) {
            case REPLAY -> InnerEspRefusal.REPLAY;
            case ICV -> InnerEspRefusal.ICV;
            case UNKNOWN_SPI -> InnerEspRefusal.UNKNOWN_SPI;
            default -> InnerEspRefusal.OTHER;
          });
      return null;
    }
    if (inner == null) {
      return null;
    }
    try {
      if (covers(child.remoteSelectors(), Ipv4Packet.parse(inner).source())) {
        opened++;
        return inner;
      }
    } catch (MalformedPacketException e) {
      // An authenticated peer sent something that is not IPv4: refused like a stray source.
    }
    refuse(InnerEspRefusal.OUTSIDE_SELECTORS);
    inner.release();
    return null;
  }

  /** {@code inner} in ESP of {@code sa}: a new datagram the caller releases, or null (counted). */
  Ipv4Packet seal(ByteBufAllocator alloc, EspSecurityAssociation sa, Ipv4Packet inner, int ttl) {
    ByteBuf esp = null;
    try {
      esp = sa.encapsulate(alloc, inner, ttl);
      Ipv4Packet sent = Ipv4Packet.parse(esp);
      sealed++;
      return sent;
    } catch (EspException | MalformedPacketException e) {
      if (esp != null) {
        esp.release();
      }
      refuse(InnerEspRefusal.OTHER);
      return null;
    }
  }

  private static boolean covers(List<TrafficSelector> selectors, int address) {
    long a = address & 0xFFFFFFFFL;
    for (TrafficSelector ts : selectors) {
      if (ts.isIpv4()
          && a >= (ts.startIpv4().toInt() & 0xFFFFFFFFL)
          && a <= (ts.endIpv4().toInt() & 0xFFFFFFFFL)) {
        return true;
      }
    }
    return false;
  }

  /** The one address a list of selectors names, or null if it names a range or several. */
  static Integer singleAddress(List<TrafficSelector> selectors) {
    Integer address = null;
    for (TrafficSelector ts : selectors) {
      if (!ts.isIpv4() || !ts.startIpv4().equals(ts.endIpv4())) {
        return null;
      }
      int a = ts.startIpv4().toInt();
      if (address != null && address != a) {
        return null;
      }
      address = a;
    }
    return address;
  }
}
