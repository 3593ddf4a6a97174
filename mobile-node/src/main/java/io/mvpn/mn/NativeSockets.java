package io.mvpn.mn;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The loop and UDP sockets of the data path: Netty's native epoll transport where it loads (Linux
 * on the architectures its jar carries), so a burst of datagrams leaves in one {@code sendmmsg};
 * the JDK's NIO, one {@code sendto} per datagram, otherwise.
 */
final class NativeSockets {

  /** Whether the native transport loaded. */
  static final boolean EPOLL = Epoll.isAvailable();

  private NativeSockets() {}

  /** The I/O handler of the loop the sockets run on. */
  static IoHandlerFactory ioHandler() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** The UDP channel class {@link #ioHandler()}'s loop serves. */
  static Class<? extends DatagramChannel> datagramChannel() {
    return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** For the log: which one runs. */
  static String describe() {
    return EPOLL ? "epoll (sendmmsg)" : "nio (" + Epoll.unavailabilityCause() + ")";
  }
}
