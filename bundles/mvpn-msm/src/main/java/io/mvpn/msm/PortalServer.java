package io.mvpn.msm;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The portal on a real TCP socket: HTTP/1.1 with keep-alive, bodies up to 64 KiB (beyond: 413),
 * idle connections closed after 30 s. Each request is handed whole to {@link WorkgroupPortal}.
 */
public final class PortalServer implements AutoCloseable {

  public static final int MAX_BODY = 64 * 1024;

  private final Channel channel;

  private PortalServer(Channel channel) {
    this.channel = channel;
  }

  /** Binds and starts serving; {@code group} runs the connections (one loop is plenty). */
  public static PortalServer start(
      WorkgroupPortal portal, InetSocketAddress bind, EventLoopGroup group)
      throws InterruptedException {
    Handler handler = new Handler(portal);
    Channel ch =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(new ReadTimeoutHandler(30))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(handler);
                  }
                })
            .bind(bind)
            .sync()
            .channel();
    return new PortalServer(ch);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  @Sharable
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final WorkgroupPortal portal;

    Handler(WorkgroupPortal portal) {
      this.portal = portal;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      WorkgroupPortal.Response r;
      if (!request.decoderResult().isSuccess()) {
        r = new WorkgroupPortal.Response(400, "{\"error\":\"bad-request\"}");
      } else {
        r =
            portal.handle(
                request.method().name(),
                request.uri(),
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                ByteBufUtil.getBytes(request.content()),
                (InetSocketAddress) ctx.channel().remoteAddress());
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(r.status()),
              Unpooled.copiedBuffer(r.json(), StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      if (r.status() == 401) {
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"mvpn\"");
      }
      HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
      var future = ctx.writeAndFlush(response);
      if (!HttpUtil.isKeepAlive(request)) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
