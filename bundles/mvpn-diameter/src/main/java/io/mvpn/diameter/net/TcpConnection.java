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
      listener.connected(this);
    }
    ctx.fireChannelActive();
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
