package io.mvpn.diameter.net;

import io.mvpn.diameter.peer.Connection;
import io.mvpn.diameter.peer.ConnectionListener;
import io.mvpn.diameter.peer.Transport;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Diameter over TCP (RFC 6733 §2.1) on one Netty event loop, which is also the node's scheduler:
 * connections' events and the node's timers share one thread, so the engine needs no locks.
 */
public final class DiameterTcp implements Transport, AutoCloseable {

  /**
   * Largest message accepted; the Length field could say 16 MiB, no base or NASREQ one needs it.
   */
  public static final int MAX_MESSAGE = 1 << 20;

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final DiameterTls tls;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
  private Channel server;

  /** Plain TCP (RFC 6733 §2.1, port 3868). */
  public DiameterTcp() {
    this(null);
  }

  /** TLS from the first octet, or plain TCP when {@code tls} is null (§2.1: port 5658). */
  public DiameterTcp(DiameterTls tls) {
    this.tls = tls;
  }

  /** The node's scheduler: the one event loop. */
  public EventLoopScheduler scheduler() {
    return scheduler;
  }

  /** Accepts connections on {@code address}; each is reported to the listener. */
  public InetSocketAddress listen(InetSocketAddress address, ConnectionListener listener)
      throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.server().newHandler(ch.alloc()));
                    }
                    pipeline(
                        ch, new TcpConnection(listener, true, String.valueOf(ch.remoteAddress())));
                  }
                });
    server = b.bind(address).sync().channel();
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public Connection connect(InetSocketAddress remote, ConnectionListener listener) {
    TcpConnection connection = new TcpConnection(listener, false, remote.toString());
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline()
                          .addLast(
                              tls.client()
                                  .newHandler(
                                      ch.alloc(), remote.getHostString(), remote.getPort()));
                    }
                    pipeline(ch, connection);
                  }
                });
    ChannelFuture f = b.connect(remote);
    connection.attach(f.channel());
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            connection.afterHandshake(
                f.channel(),
                () -> listener.connected(connection),
                why -> {
                  listener.connectFailed(connection, why);
                  f.channel().close();
                });
          } else {
            listener.connectFailed(connection, String.valueOf(done.cause()));
          }
        });
    return connection;
  }

  private static void pipeline(SocketChannel ch, TcpConnection connection) {
    // Length is octets 1-3 and counts the whole message, header included.
    ch.pipeline()
        .addLast(new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 1, 3, -4, 0, true))
        .addLast(connection);
  }

  /** Where the server listens, or null. */
  public InetSocketAddress localAddress() {
    return server == null ? null : (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
