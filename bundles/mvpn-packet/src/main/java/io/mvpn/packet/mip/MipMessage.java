package io.mvpn.packet.mip;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_EXTENSION;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_MESSAGE;

import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * What registration requests and replies share: a fixed part, then Type-Length-Data extensions (RFC
 * 5944 §1.9) up to the end of the UDP payload. A view over the buffer; nothing is copied.
 */
public abstract sealed class MipMessage permits RegistrationRequest, RegistrationReply {

  final ByteBuf buf;
  final int start;
  final int length;
  // Nothing per extension is kept: the walk that validated them is cheap to repeat, and a lookup
  // makes only the extension it returns. A request's parse allocates the message alone.
  private final int extensionsStart;
  private final int count;

  MipMessage(ByteBuf buf, int fixedLength, int expectedType) throws MalformedPacketException {
    this(buf, buf.readerIndex(), buf.readableBytes(), fixedLength, expectedType);
  }

  MipMessage(ByteBuf buf, int offset, int length, int fixedLength, int expectedType)
      throws MalformedPacketException {
    this.buf = buf;
    this.start = offset;
    this.length = length;
    if (length < fixedLength) {
      throw new MalformedPacketException(
          BAD_MIP_MESSAGE, "registration message needs " + fixedLength + " bytes, got " + length);
    }
    int type = buf.getUnsignedByte(start);
    if (type != expectedType) {
      throw new MalformedPacketException(BAD_MIP_MESSAGE, "message type " + type);
    }
    this.extensionsStart = start + fixedLength;
    int i = extensionsStart;
    int end = start + length;
    int n = 0;
    while (i < end) {
      if (i + 2 > end) {
        throw new MalformedPacketException(
            BAD_MIP_EXTENSION, "extension header cut at " + (i - start));
      }
      int extType = buf.getUnsignedByte(i);
      boolean generalized = extType == GeneralizedAuthentication.TYPE;
      if (generalized && i + 4 > end) {
        throw new MalformedPacketException(BAD_MIP_EXTENSION, "extension 36 header cut");
      }
      int extLength = generalized ? buf.getUnsignedShort(i + 2) : buf.getUnsignedByte(i + 1);
      if (i + (generalized ? 4 : 2) + extLength > end) {
        throw new MalformedPacketException(
            BAD_MIP_EXTENSION,
            "extension " + extType + " of " + extLength + " bytes runs past the message");
      }
      if (MipExtension.isAuthentication(extType) && extLength < 4) {
        throw new MalformedPacketException(
            BAD_MIP_EXTENSION, "authentication extension " + extType + " without an SPI");
      }
      n++;
      i = next(i);
    }
    this.count = n;
  }

  /** Index just past the (validated) extension whose type byte is at {@code i}. */
  private int next(int i) {
    return buf.getUnsignedByte(i) == GeneralizedAuthentication.TYPE
        ? i + 4 + buf.getUnsignedShort(i + 2)
        : i + 2 + buf.getUnsignedByte(i + 1);
  }

  /** The extension whose type byte is at {@code i}, made now. */
  private MipExtension extensionAt(int i) {
    int type = buf.getUnsignedByte(i);
    int dataLength =
        type == GeneralizedAuthentication.TYPE
            ? buf.getUnsignedShort(i + 2)
            : buf.getUnsignedByte(i + 1);
    return new MipExtension(buf, i, type, dataLength);
  }

  public ByteBuf buffer() {
    return buf;
  }

  /** Index of the message's first byte in {@link #buffer()}. */
  public int offset() {
    return start;
  }

  public int length() {
    return length;
  }

  public int type() {
    return buf.getUnsignedByte(start);
  }

  public int lifetime() {
    return buf.getUnsignedShort(start + 2);
  }

  public int homeAddress() {
    return buf.getInt(start + 4);
  }

  public int homeAgent() {
    return buf.getInt(start + 8);
  }

  public abstract long identification();

  /** Extensions in message order. */
  public List<MipExtension> extensions() {
    MipExtension[] all = new MipExtension[count];
    for (int i = extensionsStart, n = 0; n < count; i = next(i)) {
      all[n++] = extensionAt(i);
    }
    return List.of(all);
  }

  /** The first extension of this type, or null. */
  public MipExtension find(int extensionType) {
    int end = start + length;
    for (int i = extensionsStart; i < end; i = next(i)) {
      if (buf.getUnsignedByte(i) == extensionType) {
        return extensionAt(i);
      }
    }
    return null;
  }

  /** The first authentication extension, whatever its type, or null. */
  public MipExtension firstAuthentication() {
    int end = start + length;
    for (int i = extensionsStart; i < end; i = next(i)) {
      if (MipExtension.isAuthentication(buf.getUnsignedByte(i))) {
        return extensionAt(i);
      }
    }
    return null;
  }

  /** The first extension a receiver must not ignore (type below 128) and does not know; null. */
  public MipExtension firstUnknownNonSkippable(Set<Integer> known) {
    return firstUnknownNonSkippable((IntPredicate) known::contains);
  }

  /**
   * As {@link #firstUnknownNonSkippable(Set)}, the known types given as a test of the type number
   * (nothing boxed per extension).
   */
  public MipExtension firstUnknownNonSkippable(IntPredicate known) {
    int end = start + length;
    for (int i = extensionsStart; i < end; i = next(i)) {
      int type = buf.getUnsignedByte(i);
      if (!MipConstants.isSkippable(type) && !known.test(type)) {
        return extensionAt(i);
      }
    }
    return null;
  }
}
