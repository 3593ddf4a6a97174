package io.mvpn.ike.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Identification payload, IDi or IDr (RFC 7296 §3.5): ID Type (1), RESERVED (3), identification
 * data. AUTH signs the body ({@link #restOfIdPayload()}, §2.15), so the reserved bytes are written
 * as zero and a received body is used as received only through this record.
 *
 * @param initiator IDi (true) or IDr (false)
 * @param idType {@link #ID_IPV4_ADDR} and the others
 * @param data the identity: 4 or 16 address bytes, an FQDN or e-mail address without terminator, a
 *     DER Name, or opaque key ID bytes
 */
public record IdentificationPayload(boolean initiator, int idType, Octets data)
    implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public static final int ID_IPV4_ADDR = 1;
  public static final int ID_FQDN = 2;
  public static final int ID_RFC822_ADDR = 3;
  public static final int ID_IPV6_ADDR = 5;
  public static final int ID_DER_ASN1_DN = 9;
  public static final int ID_DER_ASN1_GN = 10;
  public static final int ID_KEY_ID = 11;

  public IdentificationPayload {
    IkeHeader.checkByte("ID type", idType);
    Objects.requireNonNull(data, "data");
  }

  /** An ID_FQDN identity (ASCII, no terminator). */
  public static IdentificationPayload fqdn(boolean initiator, String name) {
    return new IdentificationPayload(
        initiator, ID_FQDN, Octets.wrap(name.getBytes(StandardCharsets.US_ASCII)));
  }

  /** An ID_IPV4_ADDR identity. */
  public static IdentificationPayload ipv4(boolean initiator, Ipv4Address address) {
    return new IdentificationPayload(initiator, ID_IPV4_ADDR, Octets.wrap(address.toBytes()));
  }

  public static IdentificationPayload parse(boolean initiator, ByteBuf body)
      throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, initiator ? "IDi" : "IDr");
    return new IdentificationPayload(
        initiator,
        body.getUnsignedByte(body.readerIndex()),
        Payloads.bytesFrom(body, FIXED_LENGTH));
  }

  @Override
  public int payloadType() {
    return initiator ? IDI : IDR;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(idType);
    Payloads.reserved(out, 3);
    data.writeTo(out);
  }

  /**
   * RestOfInitIDPayload / RestOfRespIDPayload (§2.15): ID Type, the 3 reserved bytes and the data,
   * the octets that go into prf(SK_pi or SK_pr, ...) for AUTH.
   */
  public byte[] restOfIdPayload() {
    ByteBuf out = Unpooled.buffer(bodyLength(), bodyLength());
    writeBody(out);
    return out.array();
  }

  /** The data as text, for FQDN and RFC822 identities. */
  public String text() {
    return new String(data.toByteArray(), StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    String kind = initiator ? "IDi " : "IDr ";
    switch (idType) {
      case ID_FQDN:
      case ID_RFC822_ADDR:
        return kind + text();
      case ID_IPV4_ADDR:
        return data.length() == 4
            ? kind + Ipv4Address.of(data.toByteArray())
            : kind + "ipv4 " + data;
      default:
        return kind + "type " + idType + " " + data;
    }
  }
}
