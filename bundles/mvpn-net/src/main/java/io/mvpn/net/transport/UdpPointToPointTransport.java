package io.mvpn.net.transport;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A point-to-point link over the host's UDP: each UDP payload is one raw IPv4 datagram. Two mvpn
 * processes (or machines) whose transports name each other join into one emulated network.
 * Datagrams from any address other than the configured peer are counted and dropped.
 */
public final class UdpPointToPointTransport implements Transport {

  /** An IPv4 datagram that fits one UDP payload without IP fragmentation on a 1500-byte path. */
  public static final int DEFAULT_MTU = 1500 - 20 - 8;

  private final EventLoopGroup group;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private final int mtu;
  private Interface owner;
  private Channel channel;
  private ChannelFuture bound;
  private volatile long strangers;

  public UdpPointToPointTransport(
      EventLoopGroup group, InetSocketAddress local, InetSocketAddress remote, int mtu) {
    this.group = Objects.requireNonNull(group, "group");
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
    if (mtu < 68 || mtu > DEFAULT_MTU + 28) {
      throw new IllegalArgumentException("MTU " + mtu + " outside 68.." + (DEFAULT_MTU + 28));
    }
    this.mtu = mtu;
  }

  /** The socket address actually bound (useful when the local port was 0). */
  public InetSocketAddress localAddress() {
    InetSocketAddress bound = channel == null ? null : (InetSocketAddress) channel.localAddress();
    return bound == null ? local : bound;
  }

  /** Datagrams that came from an address other than the peer. */
  public long strangers() {
    return strangers;
  }

  /**
   * Binds without waiting (attach may run on the event loop that does the binding); until the
   * socket is bound, datagrams to send are counted as DOWN. A failed bind is logged.
   */
  @Override
  public void attach(Interface owner) {
    this.owner = owner;
    bound =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .handler(new Receiver())
            .bind(local)
            .addListener(Sockets.logBindFailure(describe()));
    channel = bound.channel();
  }

  /** Waits until the socket is bound; not from the event loop. */
  public void awaitBound(long timeout, TimeUnit unit) {
    Sockets.await(bound, timeout, unit, describe());
  }

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    if (channel == null || !channel.isActive()) {
      owner.counters().onDrop(DropReason.DOWN);
      datagram.release();
      return;
    }
    channel.writeAndFlush(new DatagramPacket(datagram, remote), channel.voidPromise());
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public String describe() {
    return "udp:" + hostPort(localAddress()) + "->" + hostPort(remote);
  }

  static String hostPort(InetSocketAddress a) {
    return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress())
        + ":"
        + a.getPort();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close();
    }
  }

  private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      if (!packet.sender().equals(remote)) {
        strangers++;
        return;
      }
      ByteBuf datagram = packet.content().retain();
      if (owner.scheduler().inEventLoop()) {
        owner.receive(datagram);
      } else {
        owner.scheduler().execute(() -> owner.receive(datagram));
      }
    }
  }
}
