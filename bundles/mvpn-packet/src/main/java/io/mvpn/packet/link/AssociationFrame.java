package io.mvpn.packet.link;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_LINK_FRAME;

import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * One frame of the association handshake, carried as the payload of a UDP datagram to or from
 * {@link #PORT} on the access link:
 *
 * <pre>
 *  0  version (1)          1  message (0 request, 1-4 the four-way exchange)
 *  2  key lifetime, s (2)  4  replay counter (8)
 * 12  nonce (32)          44  identity length N (1)   45  identity (N, UTF-8 NAI)
 * 45+N  MIC (32, messages 2-4): HMAC-SHA256 under the key confirmation key over bytes 0..44+N
 * </pre>
 */
public record AssociationFrame(
    int message, int lifetimeSeconds, long replayCounter, byte[] nonce, String identity) {

  /** UDP port of the access point function (a private port of the appliance). */
  public static final int PORT = 4343;

  public static final int VERSION = 1;

  public static final int REQUEST = 0;

  public static final int NONCE_LENGTH = 32;

  public static final int MIC_LENGTH = 32;

  private static final int HEADER = 45;

  public AssociationFrame {
    if (message < REQUEST || message > 4) {
      throw new IllegalArgumentException("message " + message);
    }
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce of " + nonce.length + " bytes");
    }
    nonce = nonce.clone();
    int n = identity.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > 255) {
      throw new IllegalArgumentException("identity of " + n + " bytes");
    }
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  /** Messages 2, 3 and 4 carry a MIC; the request and message 1 cannot (no key yet). */
  public boolean hasMic() {
    return message >= 2;
  }

  /** The frame's bytes; with {@code keys} given (messages 2-4) the MIC is appended. */
  public ByteBuf encode(ByteBufAllocator alloc, PairwiseKeys keys) {
    if (hasMic() != (keys != null)) {
      throw new IllegalArgumentException(
          "message " + message + (hasMic() ? " needs" : " has no") + " MIC");
    }
    byte[] name = identity.getBytes(StandardCharsets.UTF_8);
    ByteBuf out = alloc.buffer(HEADER + name.length + (keys == null ? 0 : MIC_LENGTH));
    out.writeByte(VERSION);
    out.writeByte(message);
    out.writeShort(lifetimeSeconds);
    out.writeLong(replayCounter);
    out.writeBytes(nonce);
    out.writeByte(name.length);
    out.writeBytes(name);
    if (keys != null) {
      out.writeBytes(keys.mic(out, out.readerIndex(), out.readableBytes()));
    }
    return out;
  }

  /**
   * Reads a frame (the buffer's readable bytes; nothing consumed). Checks the layout only: the MIC,
   * if any, is for {@link #micVerifies} once the receiver knows the key.
   */
  public static AssociationFrame parse(ByteBuf in) throws MalformedPacketException {
    int at = in.readerIndex();
    int length = in.readableBytes();
    if (length < HEADER) {
      throw new MalformedPacketException(BAD_LINK_FRAME, "frame of " + length + " bytes");
    }
    if (in.getUnsignedByte(at) != VERSION) {
      throw new MalformedPacketException(BAD_LINK_FRAME, "version " + in.getUnsignedByte(at));
    }
    int message = in.getUnsignedByte(at + 1);
    if (message > 4) {
      throw new MalformedPacketException(BAD_LINK_FRAME, "message " + message);
    }
    int n = in.getUnsignedByte(at + 44);
    int expected = HEADER + n + (message >= 2 ? MIC_LENGTH : 0);
    if (n == 0 || length != expected) {
      throw new MalformedPacketException(
          BAD_LINK_FRAME, "message " + message + " of " + length + " bytes, expected " + expected);
    }
    byte[] nonce = new byte[NONCE_LENGTH];
    in.getBytes(at + 12, nonce);
    try {
      return new AssociationFrame(
          message,
          in.getUnsignedShort(at + 2),
          in.getLong(at + 4),
          nonce,
          in.toString(at + HEADER, n, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      // Bytes that are not UTF-8 decode to longer replacement characters.
      throw new MalformedPacketException(BAD_LINK_FRAME, "identity: " + e.getMessage());
    }
  }

  /** True if the frame in {@code in} (already parsed) carries a MIC that {@code keys} made. */
  public static boolean micVerifies(ByteBuf in, PairwiseKeys keys) {
    int at = in.readerIndex();
    int covered = in.readableBytes() - MIC_LENGTH;
    byte[] received = new byte[MIC_LENGTH];
    in.getBytes(at + covered, received);
    return java.security.MessageDigest.isEqual(keys.mic(in, at, covered), received);
  }
}
