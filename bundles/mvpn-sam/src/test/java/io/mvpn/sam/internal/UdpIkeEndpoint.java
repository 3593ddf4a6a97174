package io.mvpn.sam.internal;

import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.PeerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.function.Consumer;

/** mvpn's IKEv2 engine on a UDP socket of its own, for tests across real links. */
final class UdpIkeEndpoint implements AutoCloseable {

  private final Channel socket;
  private IkeEngine engine;

  /** {@code at}'s port 0 takes any free one. */
  UdpIkeEndpoint(
      EventLoopGroup loop,
      Scheduler time,
      InetSocketAddress at,
      PeerConfig config,
      IkeEngine.Listener listener)
      throws InterruptedException {
    socket =
        bind(
            loop,
            at,
            p ->
                engine.receive(
                    new Datagram(
                        Endpoint.of(p.sender().getAddress().getHostAddress(), p.sender().getPort()),
                        engine.local(),
                        ByteBufUtil.getBytes(p.content()))));
    InetSocketAddress bound = (InetSocketAddress) socket.localAddress();
    engine =
        new IkeEngine(
            time,
            d ->
                socket.writeAndFlush(
                    new DatagramPacket(
                        Unpooled.wrappedBuffer(d.payload()),
                        new InetSocketAddress(
                            d.destination().address().toString(), d.destination().port()))),
            Endpoint.of(bound.getAddress().getHostAddress(), bound.getPort()),
            config,
            EngineSettings.defaults(),
            new SecureRandom(),
            listener);
  }

  IkeEngine engine() {
    return engine;
  }

  /** A UDP socket on {@code at} whose datagrams go to {@code receiver} on {@code loop}. */
  static Channel bind(EventLoopGroup loop, InetSocketAddress at, Consumer<DatagramPacket> receiver)
      throws InterruptedException {
    return new Bootstrap()
        .group(loop)
        .channel(NioDatagramChannel.class)
        .handler(
            new SimpleChannelInboundHandler<DatagramPacket>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                receiver.accept(packet);
              }
            })
        .bind(at)
        .sync()
        .channel();
  }

  @Override
  public void close() {
    socket.close();
  }
}
