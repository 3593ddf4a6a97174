package io.mvpn.mn.sam;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Fragmenter;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.function.Predicate;

/**
 * The host's TUN device with the SAM path in front of its kernel side: what the engine would write
 * into the kernel goes to the path first, which keeps ESP from its correspondents and KINK from its
 * manager (the kernel has no SA for either and would refuse them) and lets the rest through. What
 * the kernel sends comes in unchanged.
 *
 * <p>The engine sizes what it writes here by {@link #mtu}: the kernel's MTU plus the most ESP adds,
 * so a correspondent's ESP carrying a datagram as large as the kernel takes reaches the path whole
 * (the path cannot open fragments). The kernel's own MTU is held here instead, for what goes on to
 * the kernel: larger datagrams are cut as the VRF would cut them, or dropped with DF set.
 */
final class SamTun implements Transport {

  /**
   * The most ESP adds to a datagram over the suites a manager may hand out: the outer IPv4 header
   * (20), SPI and sequence number (8), an AES-CBC IV (16), at most 15 bytes of padding with the pad
   * length and next header (17) and an HMAC-SHA2-512-256 ICV (32).
   */
  static final int MAX_ESP_OVERHEAD = 20 + 8 + 16 + 17 + 32;

  private final Transport kernel;
  private final Predicate<ByteBuf> path;
  private Interface owner;

  /** {@code path}: true when it took the datagram (and its buffer). */
  SamTun(Transport kernel, Predicate<ByteBuf> path) {
    this.kernel = kernel;
    this.path = path;
  }

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    kernel.attach(owner);
  }

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    if (!path.test(datagram)) {
      toKernel(datagram, nextHop);
    }
  }

  /** Into the kernel, held to its MTU; takes the buffer. */
  void toKernel(ByteBuf datagram, int nextHop) {
    int mtu = kernel.mtu();
    if (datagram.readableBytes() <= mtu) {
      kernel.send(datagram, nextHop);
      return;
    }
    Ipv4Packet ip;
    try {
      ip = Ipv4Packet.parse(datagram);
    } catch (MalformedPacketException e) {
      ip = null; // the VRF parsed it before sending: not expected, dropped as too large
    }
    if (ip == null || !Ipv4Fragmenter.canFragment(ip, mtu)) {
      owner.counters().onDrop(DropReason.MTU_EXCEEDED);
      owner.vrf().counters().onDrop(DropReason.MTU_EXCEEDED);
      datagram.release();
      return;
    }
    List<ByteBuf> fragments = Ipv4Fragmenter.fragment(owner.vrf().alloc(), ip, mtu);
    datagram.release();
    owner.counters().onFragmented(fragments.size());
    int sent = 0;
    try {
      while (sent < fragments.size()) {
        kernel.send(fragments.get(sent++), nextHop);
      }
    } finally {
      for (int i = sent; i < fragments.size(); i++) {
        fragments.get(i).release();
      }
    }
  }

  @Override
  public int mtu() {
    return kernel.mtu() + MAX_ESP_OVERHEAD;
  }

  @Override
  public String describe() {
    return kernel.describe() + " (SAM path)";
  }

  @Override
  public void close() {
    kernel.close();
  }
}
