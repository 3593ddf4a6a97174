package io.mvpn.mn;

import io.mvpn.net.transport.UdpSegmenter;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;

/**
 * The loop and UDP sockets of the data path: Netty's native epoll transport where it loads (Linux
 * on the architectures its jar carries), so a burst of datagrams leaves in one {@code sendmmsg},
 * and where the kernel segments UDP (Linux 4.18 on) each run of equal datagrams to one recipient in
 * that burst (the ESP segments of one TCP super-packet) is one {@code UDP_SEGMENT} datagram in it;
 * the JDK's NIO, one {@code sendto} per datagram, otherwise.
 */
final class NativeSockets {

  /** Whether the native transport loaded. */
  static final boolean EPOLL = Epoll.isAvailable();

  /** Whether it sends UDP_SEGMENT datagrams. */
  static final boolean UDP_SEGMENT =
      EPOLL && EpollDatagramChannel.isSegmentedDatagramPacketSupported();

  private NativeSockets() {}

  /** The I/O handler of the loop the sockets run on. */
  static IoHandlerFactory ioHandler() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** The UDP channel class {@link #ioHandler()}'s loop serves. */
  static Class<? extends DatagramChannel> datagramChannel() {
    return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** What makes {@link #datagramChannel()}'s UDP_SEGMENT datagrams; null where it has none. */
  static UdpSegmenter segmenter() {
    return UDP_SEGMENT ? SegmentedDatagramPacket::new : null;
  }

  /** For the log: which one runs. */
  static String describe() {
    if (!EPOLL) {
      return "nio (" + Epoll.unavailabilityCause() + ")";
    }
    return UDP_SEGMENT ? "epoll (sendmmsg with UDP_SEGMENT)" : "epoll (sendmmsg)";
  }
}
