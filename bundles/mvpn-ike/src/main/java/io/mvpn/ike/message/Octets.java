package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: the variable-length data of IKE payloads (nonces, KE data, SPIs,
 * identities, certificates). Copied in and out, so a parsed message outlives the datagram's buffer,
 * and compared by content, so payload records have value equality.
 */
public final class Octets {

  public static final Octets EMPTY = new Octets(new byte[0]);

  private final byte[] bytes;

  private Octets(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}. */
  public static Octets of(byte... bytes) {
    return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
  }

  /** The bytes that hex digits (no separators) name. */
  public static Octets ofHex(String hex) {
    return wrap(HexFormat.of().parseHex(hex));
  }

  /** {@code length} bytes of {@code buf} from absolute index {@code index}, copied. */
  public static Octets copyOf(ByteBuf buf, int index, int length) {
    if (length == 0) {
      return EMPTY;
    }
    byte[] b = new byte[length];
    buf.getBytes(index, b);
    return new Octets(b);
  }

  /** Takes {@code bytes} without copying: the caller hands over an array it no longer touches. */
  static Octets wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Octets(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** The byte at {@code index}, 0 to 255. */
  public int unsignedByte(int index) {
    return bytes[index] & 0xFF;
  }

  /** Appends the bytes at the writer index. */
  public void writeTo(ByteBuf out) {
    out.writeBytes(bytes);
  }

  /** Whether these are the bytes of {@code other}, compared without copying either. */
  public boolean contentEquals(byte[] other) {
    return Arrays.equals(bytes, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Lower-case hex, no separators. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
