package io.mvpn.diameter.net;

import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.peer.Connection;
import io.mvpn.diameter.peer.ConnectionListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A TCP connection carrying Diameter messages: one length-delimited frame per message (the
 * pipeline's frame decoder cuts them by the header's Length), decoded here and handed to the node's
 * listener on the channel's event loop, which is the node's scheduler.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter implements Connection {

  private final ConnectionListener listener;
  private final boolean accepted;
  private volatile Channel channel;
  private volatile String remote;
  private boolean gone;
  private volatile Set<String> certifiedNames;

  TcpConnection(ConnectionListener listener, boolean accepted, String remote) {
    this.listener = listener;
    this.accepted = accepted;
    this.remote = remote;
  }

  void attach(Channel c) {
    this.channel = c;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    remote = String.valueOf(ctx.channel().remoteAddress());
    if (accepted) {
      afterHandshake(ctx.channel(), () -> listener.connected(this), why -> ctx.close());
    }
    ctx.fireChannelActive();
  }

  /**
   * Runs {@code ready} once the connection can carry Diameter: at once over TCP, after the
   * handshake over TLS (RFC 6733 §13: before the CER), with the peer certificate's names noted.
   */
  void afterHandshake(Channel c, Runnable ready, java.util.function.Consumer<String> failed) {
    SslHandler ssl = c.pipeline().get(SslHandler.class);
    if (ssl == null) {
      ready.run();
      return;
    }
    ssl.handshakeFuture()
        .addListener(
            done -> {
              if (!done.isSuccess()) {
                failed.accept("TLS handshake: " + done.cause());
                return;
              }
              try {
                Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
                certifiedNames = DiameterTls.names((X509Certificate) chain[0]);
              } catch (SSLPeerUnverifiedException e) {
                certifiedNames = Set.of();
              }
              ready.run();
            });
  }

  @Override
  public Set<String> certifiedNames() {
    Channel c = channel;
    if (c == null || c.pipeline().get(SslHandler.class) == null) {
      return null;
    }
    Set<String> names = certifiedNames;
    return names == null ? Set.of() : names;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      DiameterMessage m;
      try {
        m = DiameterMessage.decode(frame);
      } catch (MalformedDiameterException e) {
        listener.malformed(this, e);
        return;
      }
      listener.received(this, m);
    } finally {
      frame.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!gone) {
      gone = true;
      listener.disconnected(this);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A frame the decoder could not cut (Length below 20 or above the limit): framing is lost.
    listener.malformed(
        this,
        new MalformedDiameterException(
            ResultCode.INVALID_MESSAGE_LENGTH, String.valueOf(cause.getMessage())));
    ctx.close();
  }

  @Override
  public void send(DiameterMessage message) {
    Channel c = channel;
    if (c != null && c.isActive()) {
      c.writeAndFlush(message.encode(c.alloc()), c.voidPromise());
    }
  }

  @Override
  public void close() {
    Channel c = channel;
    if (c != null) {
      // After what was written: a CEA with 3010 or a DPA must reach the peer before the FIN.
      c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public String remote() {
    return remote;
  }
}
