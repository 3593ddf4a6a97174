package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** The payload chain (RFC 7296 §3.2): walking the Next Payload fields, and writing them. */
final class Payloads {

  private Payloads() {}

  /**
   * The payloads that tile {@code buf} from {@code from} to {@code end}, the first of type {@code
   * first}. Outside SK ({@code inner} false) an SK or SKF payload must end the message exactly; its
   * Next Payload names its first inner payload and ends the walk. Inside SK another SK or SKF is a
   * syntax error.
   */
  static List<IkePayload> parseChain(ByteBuf buf, int from, int end, int first, boolean inner)
      throws IkeFormatException {
    List<IkePayload> payloads = new ArrayList<>();
    int at = from;
    int type = first;
    while (type != IkePayload.NONE) {
      if (end - at < IkePayload.GENERIC_HEADER_LENGTH) {
        throw IkeFormatException.syntax(
            IkePayload.typeName(type) + " payload header cut after " + (end - at) + " bytes");
      }
      int next = buf.getUnsignedByte(at);
      boolean critical = (buf.getUnsignedByte(at + 1) & IkePayload.CRITICAL) != 0;
      int length = buf.getUnsignedShort(at + 2);
      if (length < IkePayload.GENERIC_HEADER_LENGTH) {
        throw IkeFormatException.syntax(
            IkePayload.typeName(type) + " payload length " + length + " below 4");
      }
      if (length > end - at) {
        throw IkeFormatException.syntax(
            IkePayload.typeName(type)
                + " payload of "
                + length
                + " bytes runs past the end ("
                + (end - at)
                + " left)");
      }
      boolean encrypted = type == IkePayload.SK || type == IkePayload.SKF;
      if (encrypted && inner) {
        throw IkeFormatException.syntax(IkePayload.typeName(type) + " inside an SK payload");
      }
      if (encrypted && at + length != end) {
        throw IkeFormatException.syntax(
            IkePayload.typeName(type)
                + " payload is not last: "
                + (end - at - length)
                + " bytes follow it");
      }
      ByteBuf body =
          buf.slice(
              at + IkePayload.GENERIC_HEADER_LENGTH, length - IkePayload.GENERIC_HEADER_LENGTH);
      payloads.add(parseBody(type, critical, next, body));
      at += length;
      type = encrypted ? IkePayload.NONE : next;
    }
    if (at != end) {
      throw IkeFormatException.syntax((end - at) + " bytes after the last payload");
    }
    return payloads;
  }

  private static IkePayload parseBody(int type, boolean critical, int next, ByteBuf body)
      throws IkeFormatException {
    switch (type) {
      case IkePayload.SA:
        return SecurityAssociationPayload.parse(body);
      case IkePayload.KE:
        return KeyExchangePayload.parse(body);
      case IkePayload.IDI:
        return IdentificationPayload.parse(true, body);
      case IkePayload.IDR:
        return IdentificationPayload.parse(false, body);
      case IkePayload.CERT:
        return CertificatePayload.parse(body);
      case IkePayload.CERTREQ:
        return CertificateRequestPayload.parse(body);
      case IkePayload.AUTH:
        return AuthenticationPayload.parse(body);
      case IkePayload.NONCE:
        return NoncePayload.parse(body);
      case IkePayload.NOTIFY:
        return NotifyPayload.parse(body);
      case IkePayload.DELETE:
        return DeletePayload.parse(body);
      case IkePayload.VENDOR_ID:
        return VendorIdPayload.parse(body);
      case IkePayload.TSI:
        return TrafficSelectorPayload.parse(true, body);
      case IkePayload.TSR:
        return TrafficSelectorPayload.parse(false, body);
      case IkePayload.SK:
        return EncryptedPayload.parse(next, body);
      case IkePayload.CP:
        return ConfigurationPayload.parse(body);
      case IkePayload.EAP:
        return EapPayload.parse(body);
      case IkePayload.SKF:
        return EncryptedFragmentPayload.parse(next, body);
      default:
        if (critical) {
          throw IkeFormatException.unsupportedCritical(type);
        }
        return UnknownPayload.parse(type, false, body);
    }
  }

  /**
   * Checks a payload list for encoding: every body fits a 16-bit length, and SK or SKF comes only
   * last ({@code allowEncrypted}) or not at all.
   */
  static List<IkePayload> check(List<IkePayload> payloads, boolean allowEncrypted) {
    List<IkePayload> copy = List.copyOf(payloads);
    for (int i = 0; i < copy.size(); i++) {
      IkePayload p = copy.get(i);
      if (p.bodyLength() > IkePayload.MAX_BODY_LENGTH) {
        throw new IllegalArgumentException(
            IkePayload.typeName(p.payloadType()) + " body of " + p.bodyLength() + " bytes");
      }
      if (isEncrypted(p) && (!allowEncrypted || i != copy.size() - 1)) {
        throw new IllegalArgumentException(
            IkePayload.typeName(p.payloadType()) + " payload at " + i + " of " + copy.size());
      }
    }
    return copy;
  }

  static boolean isEncrypted(IkePayload p) {
    return p.payloadType() == IkePayload.SK || p.payloadType() == IkePayload.SKF;
  }

  /** The type of the first payload, or NONE. */
  static int firstType(List<IkePayload> payloads) {
    return payloads.isEmpty() ? IkePayload.NONE : payloads.get(0).payloadType();
  }

  static int encodedLength(List<IkePayload> payloads) {
    int total = 0;
    for (int i = 0; i < payloads.size(); i++) {
      total += payloads.get(i).encodedLength();
    }
    return total;
  }

  /** Writes the payloads with their generic headers. */
  static void writeChain(List<IkePayload> payloads, ByteBuf out) {
    for (int i = 0; i < payloads.size(); i++) {
      IkePayload p = payloads.get(i);
      writeGenericHeader(p, nextField(payloads, i), out);
      p.writeBody(out);
    }
  }

  static void writeGenericHeader(IkePayload p, int next, ByteBuf out) {
    out.writeByte(next);
    out.writeByte(p.critical() ? IkePayload.CRITICAL : 0);
    out.writeShort(p.encodedLength());
  }

  /** The Next Payload field of payload {@code i}: SK and SKF name their first inner payload. */
  static int nextField(List<IkePayload> payloads, int i) {
    IkePayload p = payloads.get(i);
    if (p instanceof EncryptedPayload sk) {
      return sk.innerNextPayload();
    }
    if (p instanceof EncryptedFragmentPayload skf) {
      return skf.innerNextPayload();
    }
    return i + 1 < payloads.size() ? payloads.get(i + 1).payloadType() : IkePayload.NONE;
  }

  /** The readable bytes of a body, copied. */
  static Octets bytes(ByteBuf body) {
    return Octets.copyOf(body, body.readerIndex(), body.readableBytes());
  }

  /** The body's readable bytes from {@code offset} on, copied. */
  static Octets bytesFrom(ByteBuf body, int offset) {
    return Octets.copyOf(body, body.readerIndex() + offset, body.readableBytes() - offset);
  }

  /** Checks that the body has at least {@code fixed} bytes. */
  static void need(ByteBuf body, int fixed, String payload) throws IkeFormatException {
    if (body.readableBytes() < fixed) {
      throw IkeFormatException.syntax(
          payload + " body needs " + fixed + " bytes, got " + body.readableBytes());
    }
  }

  /** Writes {@code n} zero bytes: RESERVED fields. */
  static void reserved(ByteBuf out, int n) {
    out.writeZero(n);
  }
}
