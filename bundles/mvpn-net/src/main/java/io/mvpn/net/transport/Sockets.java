package io.mvpn.net.transport;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the socket-backed transports share: binding without blocking the event loop. */
final class Sockets {

  private static final Logger LOG = LoggerFactory.getLogger(Sockets.class);

  private Sockets() {}

  static ChannelFutureListener logBindFailure(String what) {
    return f -> {
      if (!f.isSuccess()) {
        LOG.error("{}: bind failed: {}", what, f.cause().toString());
      }
    };
  }

  static void await(ChannelFuture f, long timeout, TimeUnit unit, String what) {
    if (!f.awaitUninterruptibly(timeout, unit)) {
      throw new IllegalStateException(what + ": not bound within " + timeout + " " + unit);
    }
    if (!f.isSuccess()) {
      throw new IllegalStateException(what + ": bind failed", f.cause());
    }
  }
}
