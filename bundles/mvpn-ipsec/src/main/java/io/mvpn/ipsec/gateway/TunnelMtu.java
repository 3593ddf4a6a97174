package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.Ipv4Fragmenter;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.function.Consumer;

/**
 * How large an inner datagram a tunnel can carry over the outside link toward its node. Fragments
 * of an ESP packet would reach the node only if every one arrived and its NAT passed them, so the
 * gateway keeps each ESP packet within that link: an inner datagram with DF clear is fragmented
 * before encryption (RFC 4301 §8.1), one with DF set is refused and its sender told what fits, with
 * ICMP "fragmentation needed" (RFC 4301 §8.2, RFC 1191), as a kernel's IPsec does: a TUN or
 * Ethernet link of 1400 or 1500 bytes then carries TCP at full segments after one round of path MTU
 * discovery.
 */
final class TunnelMtu {

  private static final int IPV4_HEADER = 20;
  private static final int UDP_HEADER = 8;

  /** Padding beyond the 2-byte trailer is below the largest alignment, 16 bytes (AES-CBC). */
  private static final int MAX_PADDING = 15;

  private TunnelMtu() {}

  /** Refuses an inner datagram whose ESP would not fit the outside link, telling what fits. */
  static void tellWhatFits(Vrf inside, Ipv4Address gateway, Ipv4Packet inner, int fits) {
    if (inside.mayAnswerWithError(inner)) {
      int code = IcmpType.UNREACHABLE_FRAGMENTATION_NEEDED;
      inside.send(
          IcmpBuilder.destinationUnreachable(inside.alloc(), gateway.toInt(), code, inner, fits));
    }
  }

  /** The outer datagram's length (IPv4, UDP 4500 if used, ESP) for an inner one. */
  static int outerLength(MobileTunnel tunnel, int innerLength) {
    return IPV4_HEADER
        + (tunnel.udpEncapsulated() ? UDP_HEADER : 0)
        + tunnel.outbound().espLength(innerLength);
  }

  /** The largest inner datagram whose outer one fits the link a route leaves by. */
  static int largestInner(MobileTunnel tunnel, Route path) {
    return largestInner(tunnel, path.via().mtu());
  }

  /**
   * Cuts an inner datagram with DF clear into fragments of at most {@code fits} bytes and hands
   * each to {@code sender} (its buffer released after). False, with nothing sent, if DF is set or
   * {@code fits} leaves no room for fragment data.
   */
  static boolean fragment(
      Ipv4Packet inner, int fits, ByteBufAllocator alloc, Consumer<Ipv4Packet> sender) {
    if (!Ipv4Fragmenter.canFragment(inner, fits)) {
      return false;
    }
    List<ByteBuf> fragments = Ipv4Fragmenter.fragment(alloc, inner, fits);
    int next = 0;
    try {
      while (next < fragments.size()) {
        ByteBuf fragment = fragments.get(next++);
        try {
          sender.accept(Ipv4Packet.parse(fragment));
        } catch (MalformedPacketException e) {
          throw new IllegalStateException("a fragment cut here does not parse", e);
        } finally {
          fragment.release();
        }
      }
    } finally {
      // A sender that threw leaves the fragments after its one unreleased otherwise.
      for (int i = next; i < fragments.size(); i++) {
        fragments.get(i).release();
      }
    }
    return true;
  }

  /** The largest inner datagram whose outer one fits a link of {@code linkMtu}; 0 if none. */
  static int largestInner(MobileTunnel tunnel, int linkMtu) {
    // outerLength(0) holds the trailer padded once: no larger inner length can fit than this.
    int inner = linkMtu - outerLength(tunnel, 0) + MAX_PADDING;
    while (inner > 0 && outerLength(tunnel, inner) > linkMtu) {
      inner--;
    }
    return Math.max(inner, 0);
  }
}
