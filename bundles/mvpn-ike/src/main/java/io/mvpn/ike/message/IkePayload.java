package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * One payload of an IKE message (RFC 7296 §3.2), without its 4-byte generic header: Next Payload,
 * Critical bit and reserved bits, Payload Length. {@link IkeMessage} writes the generic headers and
 * chains the payloads; each payload class parses and writes only its body. The Critical bit of the
 * payload types this codec knows is ignored on receipt and sent as 0 (§3.2).
 */
public sealed interface IkePayload
    permits SecurityAssociationPayload,
        KeyExchangePayload,
        IdentificationPayload,
        CertificatePayload,
        CertificateRequestPayload,
        AuthenticationPayload,
        NoncePayload,
        NotifyPayload,
        DeletePayload,
        VendorIdPayload,
        TrafficSelectorPayload,
        EncryptedPayload,
        ConfigurationPayload,
        EapPayload,
        EncryptedFragmentPayload,
        UnknownPayload {

  /** Next Payload of the last payload: no next payload. */
  int NONE = 0;

  int SA = 33;
  int KE = 34;
  int IDI = 35;
  int IDR = 36;
  int CERT = 37;
  int CERTREQ = 38;
  int AUTH = 39;
  int NONCE = 40;
  int NOTIFY = 41;
  int DELETE = 42;
  int VENDOR_ID = 43;
  int TSI = 44;
  int TSR = 45;

  /** Encrypted and Authenticated (§3.14): always the last payload. */
  int SK = 46;

  int CP = 47;
  int EAP = 48;

  /** Encrypted and Authenticated Fragment (RFC 7383 §2.5): always the last payload. */
  int SKF = 53;

  /** Next Payload, flags, Payload Length. */
  int GENERIC_HEADER_LENGTH = 4;

  /** The Critical bit of the generic header's second byte. */
  int CRITICAL = 0x80;

  /** The largest body a 16-bit Payload Length allows. */
  int MAX_BODY_LENGTH = 0xFFFF - GENERIC_HEADER_LENGTH;

  /** The payload type number. */
  int payloadType();

  /** Bytes after the generic header. */
  int bodyLength();

  /** Appends the body at the writer index. */
  void writeBody(ByteBuf out);

  /** The Critical bit as it is sent: set only on {@link UnknownPayload}s that came with it. */
  default boolean critical() {
    return false;
  }

  /** Bytes on the wire, generic header included. */
  default int encodedLength() {
    return GENERIC_HEADER_LENGTH + bodyLength();
  }

  /** The RFC's short name of a payload type (SA, KE, IDi, ..., SKF), or its number. */
  static String typeName(int payloadType) {
    switch (payloadType) {
      case NONE:
        return "NONE";
      case SA:
        return "SA";
      case KE:
        return "KE";
      case IDI:
        return "IDi";
      case IDR:
        return "IDr";
      case CERT:
        return "CERT";
      case CERTREQ:
        return "CERTREQ";
      case AUTH:
        return "AUTH";
      case NONCE:
        return "Nonce";
      case NOTIFY:
        return "N";
      case DELETE:
        return "D";
      case VENDOR_ID:
        return "V";
      case TSI:
        return "TSi";
      case TSR:
        return "TSr";
      case SK:
        return "SK";
      case CP:
        return "CP";
      case EAP:
        return "EAP";
      case SKF:
        return "SKF";
      default:
        return "payload " + payloadType;
    }
  }
}
