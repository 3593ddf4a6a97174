package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * One Transform substructure of a proposal (RFC 7296 §3.3.2):
 *
 * <pre>
 * 0 Last (0 last, 3 more) | 1 RESERVED | 2 Transform Length (2)
 * 4 Transform Type | 5 RESERVED | 6 Transform ID (2) | 8 attributes
 * </pre>
 *
 * A responder echoes the transforms it picks with their attributes unchanged (§3.3.6), so unknown
 * attributes are kept.
 *
 * @param type {@link #ENCR}, {@link #PRF}, {@link #INTEG}, {@link #DH}, {@link #ESN}
 * @param id the algorithm within the type
 * @param attributes the Data Attributes, in order
 */
public record Transform(int type, int id, List<TransformAttribute> attributes) {

  public static final int FIXED_LENGTH = 8;

  /** The Last field of a transform that is followed by another. */
  public static final int MORE = 3;

  public static final int ENCR = 1;
  public static final int PRF = 2;
  public static final int INTEG = 3;
  public static final int DH = 4;
  public static final int ESN = 5;

  public static final int ENCR_AES_CBC = 12;
  public static final int ENCR_AES_GCM_8 = 18;
  public static final int ENCR_AES_GCM_12 = 19;
  public static final int ENCR_AES_GCM_16 = 20;
  public static final int ENCR_CHACHA20_POLY1305 = 28;

  public static final int PRF_HMAC_SHA1 = 2;
  public static final int PRF_HMAC_SHA2_256 = 5;
  public static final int PRF_HMAC_SHA2_384 = 6;
  public static final int PRF_HMAC_SHA2_512 = 7;

  public static final int INTEG_NONE = 0;
  public static final int AUTH_HMAC_SHA1_96 = 2;
  public static final int AUTH_HMAC_SHA2_256_128 = 12;
  public static final int AUTH_HMAC_SHA2_384_192 = 13;
  public static final int AUTH_HMAC_SHA2_512_256 = 14;

  public static final int DH_NONE = 0;
  public static final int MODP_2048 = 14;
  public static final int MODP_3072 = 15;
  public static final int MODP_4096 = 16;
  public static final int ECP_256 = 19;
  public static final int ECP_384 = 20;
  public static final int CURVE25519 = 31;

  public static final int ESN_NO = 0;
  public static final int ESN_YES = 1;

  public Transform {
    IkeHeader.checkByte("transform type", type);
    IkeHeader.checkShort("transform ID", id);
    attributes = List.copyOf(attributes);
  }

  /** A transform without attributes. */
  public static Transform of(int type, int id) {
    return new Transform(type, id, List.of());
  }

  /** A transform with a Key Length attribute (ENCR_AES_*: 128, 192 or 256 bits). */
  public static Transform withKeyLength(int type, int id, int bits) {
    return new Transform(type, id, List.of(TransformAttribute.keyLength(bits)));
  }

  /** The Key Length attribute's bits, or -1 when the transform has none. */
  public int keyLength() {
    for (TransformAttribute a : attributes) {
      if (a.type() == TransformAttribute.KEY_LENGTH && a.tv()) {
        return a.shortValue();
      }
    }
    return -1;
  }

  public int encodedLength() {
    // Indexed, not for-each: encoding asks for this length at every level of the SA payload, and
    // the iterators were a tenth of the bytes an IKE responder allocates.
    int total = FIXED_LENGTH;
    for (int i = 0; i < attributes.size(); i++) {
      total += attributes.get(i).encodedLength();
    }
    return total;
  }

  /**
   * The transform at {@code at}; {@code end} is the end of its proposal. Its attributes tile it
   * exactly, so the bytes read are {@link #encodedLength()}.
   */
  static Transform parse(ByteBuf buf, int at, int end, boolean last) throws IkeFormatException {
    if (end - at < FIXED_LENGTH) {
      throw IkeFormatException.syntax("transform cut after " + (end - at) + " bytes");
    }
    int marker = buf.getUnsignedByte(at);
    if (marker != (last ? 0 : MORE)) {
      throw IkeFormatException.syntax(
          "transform Last field " + marker + (last ? " on the last transform" : ", more follow"));
    }
    int len = buf.getUnsignedShort(at + 2);
    if (len < FIXED_LENGTH || len > end - at) {
      throw IkeFormatException.syntax("transform length " + len + " with " + (end - at) + " left");
    }
    List<TransformAttribute> attributes = new ArrayList<>(1);
    int a = at + FIXED_LENGTH;
    while (a < at + len) {
      TransformAttribute attribute = TransformAttribute.parse(buf, a, at + len);
      attributes.add(attribute);
      a += attribute.encodedLength();
    }
    return new Transform(buf.getUnsignedByte(at + 4), buf.getUnsignedShort(at + 6), attributes);
  }

  void writeTo(ByteBuf out, boolean last) {
    out.writeByte(last ? 0 : MORE);
    out.writeByte(0);
    out.writeShort(encodedLength());
    out.writeByte(type);
    out.writeByte(0);
    out.writeShort(id);
    for (int i = 0; i < attributes.size(); i++) {
      attributes.get(i).writeTo(out);
    }
  }

  @Override
  public String toString() {
    String[] types = {"?", "ENCR", "PRF", "INTEG", "DH", "ESN"};
    String name = type < types.length ? types[type] : "type " + type;
    return name + " " + id + (attributes.isEmpty() ? "" : " " + attributes);
  }
}
