package io.mvpn.aodv.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.OptionalLong;

/**
 * An AODV control message (RFC 3561 §5): a fixed part, then extensions to the end of the UDP
 * payload. Messages are immutable values; parsing reads the fixed fields straight from the buffer
 * and copies only extension data. Sequence numbers are unsigned 32-bit values in an {@code int}
 * (see {@link SequenceNumbers}). Reserved bits are ignored on receipt and written as zero.
 */
public sealed interface AodvMessage permits RouteRequest, RouteReply, RouteError, RouteReplyAck {

  /** The Type byte: {@link AodvMessages#RREQ} to {@link AodvMessages#RREP_ACK}. */
  int type();

  /** Extensions after the fixed part, in message order. */
  List<AodvExtension> extensions();

  /** Bytes on the wire, extensions included. */
  int encodedLength();

  /** Appends the message at the writer index. */
  void writeTo(ByteBuf out);

  /** The message in a new buffer of exactly {@link #encodedLength()} bytes. */
  default ByteBuf encode(ByteBufAllocator alloc) {
    int length = encodedLength();
    ByteBuf out = alloc.buffer(length, length);
    writeTo(out);
    return out;
  }

  /** The first extension of this type, or null. */
  default AodvExtension extension(int extensionType) {
    for (AodvExtension e : extensions()) {
      if (e.type() == extensionType) {
        return e;
      }
    }
    return null;
  }

  /** The Hello Interval extension's milliseconds, if the message carries one. */
  default OptionalLong helloIntervalMillis() {
    return AodvExtension.helloIntervalMillis(extensions());
  }
}
