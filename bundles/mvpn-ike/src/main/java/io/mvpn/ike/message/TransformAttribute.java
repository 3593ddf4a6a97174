package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * One Data Attribute of a transform (RFC 7296 §3.3.5): AF bit and 15-bit Attribute Type, then
 * either a 2-byte value (AF = 1, TV format) or a 2-byte length and that many bytes (AF = 0, TLV).
 * Key Length (type 14, TV: {@code 0x800E} and the bits) is the only attribute IKEv2 defines; others
 * are kept as they came.
 *
 * @param type the attribute type, 0 to 0x7FFF
 * @param tv TV format: {@code value} is exactly 2 bytes
 * @param value the value
 */
public record TransformAttribute(int type, boolean tv, Octets value) {

  public static final int KEY_LENGTH = 14;

  /** The AF bit: TV format. */
  public static final int AF = 0x8000;

  public TransformAttribute {
    if (type < 0 || type > 0x7FFF) {
      throw new IllegalArgumentException("attribute type " + type);
    }
    Objects.requireNonNull(value, "value");
    if (tv ? value.length() != 2 : value.length() > 0xFFFF) {
      throw new IllegalArgumentException(
          "attribute " + type + (tv ? " TV" : " TLV") + " value of " + value.length() + " bytes");
    }
  }

  /** The Key Length attribute, {@code 0x800E} and the key size in bits. */
  public static TransformAttribute keyLength(int bits) {
    IkeHeader.checkShort("key length", bits);
    return new TransformAttribute(KEY_LENGTH, true, Octets.of((byte) (bits >>> 8), (byte) bits));
  }

  /** For a TV attribute, the 2-byte value as an unsigned number. */
  public int shortValue() {
    if (!tv) {
      throw new IllegalStateException("TLV attribute " + type);
    }
    return value.unsignedByte(0) << 8 | value.unsignedByte(1);
  }

  public int encodedLength() {
    return tv ? 4 : 4 + value.length();
  }

  /**
   * The attribute at {@code at}, which must fit before {@code end}. The number of bytes read is
   * {@link #encodedLength()}.
   */
  static TransformAttribute parse(ByteBuf buf, int at, int end) throws IkeFormatException {
    if (end - at < 4) {
      throw IkeFormatException.syntax("transform attribute cut after " + (end - at) + " bytes");
    }
    int word = buf.getUnsignedShort(at);
    boolean tv = (word & AF) != 0;
    if (tv) {
      return new TransformAttribute(word & 0x7FFF, true, Octets.copyOf(buf, at + 2, 2));
    }
    int length = buf.getUnsignedShort(at + 2);
    if (length > end - at - 4) {
      throw IkeFormatException.syntax(
          "transform attribute " + word + " of " + length + " bytes runs past its transform");
    }
    return new TransformAttribute(word, false, Octets.copyOf(buf, at + 4, length));
  }

  void writeTo(ByteBuf out) {
    out.writeShort(tv ? AF | type : type);
    if (!tv) {
      out.writeShort(value.length());
    }
    value.writeTo(out);
  }

  @Override
  public String toString() {
    if (type == KEY_LENGTH && tv) {
      return "keylen " + shortValue();
    }
    return "attr " + type + (tv ? " tv " : " tlv ") + value;
  }
}
