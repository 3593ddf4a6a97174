package io.mvpn.aodv.message;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * One extension after an AODV message's fixed part (RFC 3561 §5, §12): Type (1 byte), Length (1
 * byte, the data alone) and Length bytes of data. Immutable: the data is copied in and out, so a
 * parsed message outlives the datagram's buffer. Types this codec does not interpret are kept as
 * they came, in order, and written back unchanged.
 */
public final class AodvExtension {

  /**
   * Hello Interval (§9.1, §12 and the IANA registry): 4 bytes, the sender's HELLO_INTERVAL in
   * milliseconds. Wireshark 4.0 decodes type 2 as Hello Interval, the number of an AODV draft.
   */
  public static final int HELLO_INTERVAL = 1;

  /** Data length of the Hello Interval extension. */
  public static final int HELLO_INTERVAL_LENGTH = 4;

  /** Type and Length bytes. */
  public static final int HEADER_LENGTH = 2;

  public static final int MAX_DATA_LENGTH = 255;

  private final int type;
  private final byte[] data;

  private AodvExtension(int type, byte[] data) {
    this.type = type;
    this.data = data;
  }

  /** An extension of this type (0 to 255) carrying a copy of {@code data} (at most 255 bytes). */
  public static AodvExtension of(int type, byte[] data) {
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("extension type " + type);
    }
    if (data.length > MAX_DATA_LENGTH) {
      throw new IllegalArgumentException("extension data of " + data.length + " bytes");
    }
    if (type == HELLO_INTERVAL && data.length != HELLO_INTERVAL_LENGTH) {
      throw new IllegalArgumentException("hello interval extension of " + data.length + " bytes");
    }
    return new AodvExtension(type, data.clone());
  }

  /** A Hello Interval extension: {@code millis} as an unsigned 32-bit value. */
  public static AodvExtension helloInterval(long millis) {
    if (millis < 0 || millis > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("hello interval " + millis + " ms");
    }
    int v = (int) millis;
    return new AodvExtension(
        HELLO_INTERVAL,
        new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  public int type() {
    return type;
  }

  /** A copy of the data. */
  public byte[] data() {
    return data.clone();
  }

  public int dataLength() {
    return data.length;
  }

  /** Bytes on the wire: header and data. */
  public int encodedLength() {
    return HEADER_LENGTH + data.length;
  }

  /** Appends type, length and data at the writer index. */
  public void writeTo(ByteBuf out) {
    out.writeByte(type);
    out.writeByte(data.length);
    out.writeBytes(data);
  }

  /** The milliseconds of the first Hello Interval extension in the list, if there is one. */
  public static OptionalLong helloIntervalMillis(List<AodvExtension> extensions) {
    for (AodvExtension e : extensions) {
      if (e.type == HELLO_INTERVAL) {
        byte[] d = e.data;
        return OptionalLong.of(
            Integer.toUnsignedLong(
                (d[0] & 0xFF) << 24 | (d[1] & 0xFF) << 16 | (d[2] & 0xFF) << 8 | (d[3] & 0xFF)));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The extensions from index {@code from} to {@code end} of {@code buf}, which must tile that
   * range exactly.
   */
  static List<AodvExtension> parseAll(ByteBuf buf, int from, int end) throws AodvFormatException {
    if (from == end) {
      return List.of();
    }
    AodvExtension[] found = new AodvExtension[4];
    int count = 0;
    int i = from;
    while (i < end) {
      if (end - i < HEADER_LENGTH) {
        throw new AodvFormatException(
            AodvFormatException.Reason.TRUNCATED_EXTENSION,
            "extension header cut at byte " + (i - from) + " of the extensions");
      }
      int type = buf.getUnsignedByte(i);
      int length = buf.getUnsignedByte(i + 1);
      if (end - i - HEADER_LENGTH < length) {
        throw new AodvFormatException(
            AodvFormatException.Reason.TRUNCATED_EXTENSION,
            "extension " + type + " of " + length + " bytes runs past the message");
      }
      if (type == HELLO_INTERVAL && length != HELLO_INTERVAL_LENGTH) {
        throw new AodvFormatException(
            AodvFormatException.Reason.BAD_EXTENSION_LENGTH,
            "hello interval extension of " + length + " bytes");
      }
      byte[] data = new byte[length];
      buf.getBytes(i + HEADER_LENGTH, data);
      if (count == found.length) {
        found = Arrays.copyOf(found, count * 2);
      }
      found[count++] = new AodvExtension(type, data);
      i += HEADER_LENGTH + length;
    }
    return List.of(Arrays.copyOf(found, count));
  }

  static int encodedLength(List<AodvExtension> extensions) {
    int total = 0;
    for (AodvExtension e : extensions) {
      total += e.encodedLength();
    }
    return total;
  }

  static void writeAll(List<AodvExtension> extensions, ByteBuf out) {
    for (AodvExtension e : extensions) {
      e.writeTo(out);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AodvExtension other
        && type == other.type
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return type == HELLO_INTERVAL
        ? "hello-interval " + helloIntervalMillis(List.of(this)).getAsLong() + " ms"
        : "ext " + type + " [" + HexFormat.of().formatHex(data) + "]";
  }
}
