package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Notify payload, N (RFC 7296 §3.10): Protocol ID (1), SPI Size (1), Notify Message Type (2), SPI,
 * Notification Data. Types below {@link #FIRST_STATUS_TYPE} are errors; an unknown error type in a
 * response means the request failed, an unknown status type is ignored (§3.10.1).
 *
 * @param protocolId 0 for notifications about the IKE SA, {@link Proposal#ESP} or {@link
 *     Proposal#AH} about a Child SA
 * @param spi empty for the IKE SA, the 4-byte SPI of a Child SA
 * @param notifyType {@link #INVALID_SYNTAX} and the others
 * @param data the Notification Data
 */
public record NotifyPayload(int protocolId, Octets spi, int notifyType, Octets data)
    implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  /** Types from here on are status types; below are errors. */
  public static final int FIRST_STATUS_TYPE = 16384;

  // Error types (§3.10.1; RFC 4555 §6 for 40 and 41).
  public static final int UNSUPPORTED_CRITICAL_PAYLOAD = 1;
  public static final int INVALID_IKE_SPI = 4;
  public static final int INVALID_MAJOR_VERSION = 5;
  public static final int INVALID_SYNTAX = 7;
  public static final int INVALID_MESSAGE_ID = 9;
  public static final int INVALID_SPI = 11;
  public static final int NO_PROPOSAL_CHOSEN = 14;
  public static final int INVALID_KE_PAYLOAD = 17;
  public static final int AUTHENTICATION_FAILED = 24;
  public static final int SINGLE_PAIR_REQUIRED = 34;
  public static final int NO_ADDITIONAL_SAS = 35;
  public static final int INTERNAL_ADDRESS_FAILURE = 36;
  public static final int FAILED_CP_REQUIRED = 37;
  public static final int TS_UNACCEPTABLE = 38;
  public static final int INVALID_SELECTORS = 39;
  public static final int UNACCEPTABLE_ADDRESSES = 40;
  public static final int UNEXPECTED_NAT_DETECTED = 41;
  public static final int TEMPORARY_FAILURE = 43;
  public static final int CHILD_SA_NOT_FOUND = 44;

  // Status types (§3.10.1; RFC 4555 §6 for 16396-16402).
  public static final int INITIAL_CONTACT = 16384;
  public static final int SET_WINDOW_SIZE = 16385;
  public static final int ADDITIONAL_TS_POSSIBLE = 16386;
  public static final int IPCOMP_SUPPORTED = 16387;
  public static final int NAT_DETECTION_SOURCE_IP = 16388;
  public static final int NAT_DETECTION_DESTINATION_IP = 16389;
  public static final int COOKIE = 16390;
  public static final int USE_TRANSPORT_MODE = 16391;
  public static final int HTTP_CERT_LOOKUP_SUPPORTED = 16392;
  public static final int REKEY_SA = 16393;
  public static final int ESP_TFC_PADDING_NOT_SUPPORTED = 16394;
  public static final int NON_FIRST_FRAGMENTS_ALSO = 16395;
  public static final int MOBIKE_SUPPORTED = 16396;
  public static final int ADDITIONAL_IP4_ADDRESS = 16397;
  public static final int ADDITIONAL_IP6_ADDRESS = 16398;
  public static final int NO_ADDITIONAL_ADDRESSES = 16399;
  public static final int UPDATE_SA_ADDRESSES = 16400;

  /** 8 to 64 bytes, echoed back by the responder (RFC 4555 §3.5). */
  public static final int COOKIE2 = 16401;

  /** Data: source IP, destination IP, source port, destination port (RFC 4555 §4.2.1). */
  public static final int NO_NATS_ALLOWED = 16402;

  /** RFC 7383 §2.3: the sender can receive SKF fragments. */
  public static final int IKEV2_FRAGMENTATION_SUPPORTED = 16430;

  /** RFC 7427 §4: data is a list of 2-byte hash algorithm numbers. */
  public static final int SIGNATURE_HASH_ALGORITHMS = 16431;

  public NotifyPayload {
    IkeHeader.checkByte("protocol ID", protocolId);
    Objects.requireNonNull(spi, "spi");
    IkeHeader.checkByte("SPI size", spi.length());
    IkeHeader.checkShort("notify type", notifyType);
    Objects.requireNonNull(data, "data");
  }

  /** A notification about the IKE SA without data. */
  public static NotifyPayload of(int notifyType) {
    return new NotifyPayload(0, Octets.EMPTY, notifyType, Octets.EMPTY);
  }

  /** A notification about the IKE SA with data. */
  public static NotifyPayload of(int notifyType, Octets data) {
    return new NotifyPayload(0, Octets.EMPTY, notifyType, data);
  }

  public static NotifyPayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "Notify");
    int s = body.readerIndex();
    int spiSize = body.getUnsignedByte(s + 1);
    Payloads.need(body, FIXED_LENGTH + spiSize, "Notify");
    return new NotifyPayload(
        body.getUnsignedByte(s),
        Octets.copyOf(body, s + FIXED_LENGTH, spiSize),
        body.getUnsignedShort(s + 2),
        Payloads.bytesFrom(body, FIXED_LENGTH + spiSize));
  }

  /** An error type (0 to 16383). */
  public boolean isError() {
    return notifyType < FIRST_STATUS_TYPE;
  }

  @Override
  public int payloadType() {
    return NOTIFY;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + spi.length() + data.length();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(protocolId);
    out.writeByte(spi.length());
    out.writeShort(notifyType);
    spi.writeTo(out);
    data.writeTo(out);
  }

  @Override
  public String toString() {
    return "N("
        + notifyType
        + (spi.isEmpty() ? "" : " spi " + spi)
        + (data.isEmpty() ? "" : " " + data)
        + ")";
  }
}
