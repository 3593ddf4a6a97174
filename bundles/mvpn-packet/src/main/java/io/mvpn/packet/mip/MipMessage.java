package io.mvpn.packet.mip;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_EXTENSION;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_MESSAGE;

import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What registration requests and replies share: a fixed part, then Type-Length-Data extensions (RFC
 * 5944 §1.9) up to the end of the UDP payload. A view over the buffer; nothing is copied.
 */
public abstract sealed class MipMessage permits RegistrationRequest, RegistrationReply {

  final ByteBuf buf;
  final int start;
  final int length;
  // An array, not a list: a request's parse allocates one small array and its extensions.
  private MipExtension[] extensions = new MipExtension[4];
  private int count;

  MipMessage(ByteBuf buf, int fixedLength, int expectedType) throws MalformedPacketException {
    this.buf = buf;
    this.start = buf.readerIndex();
    this.length = buf.readableBytes();
    if (length < fixedLength) {
      throw new MalformedPacketException(
          BAD_MIP_MESSAGE, "registration message needs " + fixedLength + " bytes, got " + length);
    }
    int type = buf.getUnsignedByte(start);
    if (type != expectedType) {
      throw new MalformedPacketException(BAD_MIP_MESSAGE, "message type " + type);
    }
    int i = start + fixedLength;
    int end = start + length;
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
      MipExtension ext = new MipExtension(buf, i, extType, extLength);
      if (ext.isAuthentication() && extLength < 4) {
        throw new MalformedPacketException(
            BAD_MIP_EXTENSION, "authentication extension " + extType + " without an SPI");
      }
      if (count == extensions.length) {
        extensions = Arrays.copyOf(extensions, 2 * count);
      }
      extensions[count++] = ext;
      i = ext.end();
    }
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
    return Collections.unmodifiableList(Arrays.asList(extensions).subList(0, count));
  }

  /** The first extension of this type, or null. */
  public MipExtension find(int extensionType) {
    for (int i = 0; i < count; i++) {
      if (extensions[i].type() == extensionType) {
        return extensions[i];
      }
    }
    return null;
  }

  /** The first authentication extension, whatever its type, or null. */
  public MipExtension firstAuthentication() {
    for (int i = 0; i < count; i++) {
      if (extensions[i].isAuthentication()) {
        return extensions[i];
      }
    }
    return null;
  }

  /** The first extension a receiver must not ignore (type below 128) and does not know; null. */
  public MipExtension firstUnknownNonSkippable(Set<Integer> known) {
    for (int i = 0; i < count; i++) {
      int type = extensions[i].type();
      if (!MipConstants.isSkippable(type) && !known.contains(type)) {
        return extensions[i];
      }
    }
    return null;
  }
}
