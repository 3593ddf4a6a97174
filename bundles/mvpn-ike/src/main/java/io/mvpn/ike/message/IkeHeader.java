package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The 28-byte IKE header (RFC 7296 §3.1):
 *
 * <pre>
 *  0 IKE SA Initiator's SPI (8, never 0)
 *  8 IKE SA Responder's SPI (8, 0 in the first IKE_SA_INIT request)
 * 16 Next Payload | 17 MjVer/MnVer (0x20) | 18 Exchange Type | 19 Flags (R V I)
 * 20 Message ID (4, unsigned) | 24 Length (4, the whole message, header included)
 * </pre>
 *
 * <p>Version and flags are kept as received, so a header re-encodes to the same bytes (the AAD of
 * the SK payload, §3.14, covers it); the minor version and the flag bits other than R, V and I are
 * ignored on receipt (§3.1). {@link IkeMessage} fills in Next Payload and Length when it encodes.
 *
 * @param spiI the initiator's SPI
 * @param spiR the responder's SPI
 * @param nextPayload the type of the first payload, or {@link IkePayload#NONE}
 * @param version the version byte: major version in the high nibble, {@link #VERSION_2_0}
 * @param exchangeType {@link #IKE_SA_INIT} and the others
 * @param flags {@link #RESPONSE}, {@link #VERSION}, {@link #INITIATOR}
 * @param messageId 0 to 2^32-1
 * @param length 28 to 2^32-1
 */
public record IkeHeader(
    long spiI,
    long spiR,
    int nextPayload,
    int version,
    int exchangeType,
    int flags,
    long messageId,
    long length) {

  public static final int LENGTH = 28;

  /** IKEv2.0 (§3.1): major version 2, minor version 0. */
  public static final int VERSION_2_0 = 0x20;

  public static final int MAJOR_VERSION = 2;

  public static final int IKE_SA_INIT = 34;
  public static final int IKE_AUTH = 35;
  public static final int CREATE_CHILD_SA = 36;
  public static final int INFORMATIONAL = 37;

  /** R: this message is a response to a message with this message ID. */
  public static final int RESPONSE = 0x20;

  /** V: the sender can speak a higher major version; never set by IKEv2 senders. */
  public static final int VERSION = 0x10;

  /** I: sent by the original initiator of the IKE SA. */
  public static final int INITIATOR = 0x08;

  /** Bytes 0-3 of a UDP/4500 datagram that carries IKE, not ESP (RFC 3948 §2.2, RFC 7296 §2.23). */
  public static final int NON_ESP_MARKER_LENGTH = 4;

  public IkeHeader {
    checkByte("next payload", nextPayload);
    checkByte("version", version);
    checkByte("exchange type", exchangeType);
    checkByte("flags", flags);
    if (messageId < 0 || messageId > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("message ID " + messageId);
    }
    if (length < LENGTH || length > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("IKE message length " + length);
    }
  }

  /** An IKEv2.0 header; Next Payload and Length are set by {@link IkeMessage}. */
  public static IkeHeader of(long spiI, long spiR, int exchangeType, int flags, long messageId) {
    return new IkeHeader(
        spiI, spiR, IkePayload.NONE, VERSION_2_0, exchangeType, flags, messageId, LENGTH);
  }

  /**
   * The header at the reader index of a buffer whose readable bytes are one whole datagram (the
   * non-ESP marker removed). Checks, in this order: 28 bytes present, major version 2 (above 2:
   * {@link IkeFormatException.Reason#INVALID_MAJOR_VERSION}), Length equal to the datagram, a
   * non-zero initiator SPI. The reader index is not moved.
   */
  public static IkeHeader parse(ByteBuf datagram) throws IkeFormatException {
    int s = datagram.readerIndex();
    int available = datagram.readableBytes();
    if (available < LENGTH) {
      throw IkeFormatException.syntax("IKE header needs 28 bytes, got " + available);
    }
    IkeHeader header =
        new IkeHeader(
            datagram.getLong(s),
            datagram.getLong(s + 8),
            datagram.getUnsignedByte(s + 16),
            datagram.getUnsignedByte(s + 17),
            datagram.getUnsignedByte(s + 18),
            datagram.getUnsignedByte(s + 19),
            datagram.getUnsignedInt(s + 20),
            Math.max(LENGTH, datagram.getUnsignedInt(s + 24)));
    int major = header.majorVersion();
    if (major > MAJOR_VERSION) {
      throw IkeFormatException.majorVersion(header);
    }
    if (major < MAJOR_VERSION) {
      throw IkeFormatException.syntax(String.format("IKE version 0x%02x", header.version))
          .withHeader(header);
    }
    long declared = datagram.getUnsignedInt(s + 24);
    if (declared != available) {
      throw IkeFormatException.syntax(
              "IKE header says " + declared + " bytes, the datagram has " + available)
          .withHeader(header);
    }
    if (header.spiI == 0) {
      throw IkeFormatException.syntax("initiator SPI 0").withHeader(header);
    }
    return header;
  }

  /** Appends the 28 bytes at the writer index. */
  public void writeTo(ByteBuf out) {
    out.writeLong(spiI);
    out.writeLong(spiR);
    out.writeByte(nextPayload);
    out.writeByte(version);
    out.writeByte(exchangeType);
    out.writeByte(flags);
    out.writeInt((int) messageId);
    out.writeInt((int) length);
  }

  /** This header with another Next Payload and Length, as {@link IkeMessage} encodes it. */
  public IkeHeader withChain(int firstPayload, long messageLength) {
    return firstPayload == nextPayload && messageLength == length
        ? this
        : new IkeHeader(
            spiI, spiR, firstPayload, version, exchangeType, flags, messageId, messageLength);
  }

  public int majorVersion() {
    return version >>> 4;
  }

  public boolean isResponse() {
    return (flags & RESPONSE) != 0;
  }

  public boolean isRequest() {
    return !isResponse();
  }

  /** Sent by the original initiator of the IKE SA. */
  public boolean isFromInitiator() {
    return (flags & INITIATOR) != 0;
  }

  /** The name of an exchange type, or its number. */
  public static String exchangeName(int exchangeType) {
    switch (exchangeType) {
      case IKE_SA_INIT:
        return "IKE_SA_INIT";
      case IKE_AUTH:
        return "IKE_AUTH";
      case CREATE_CHILD_SA:
        return "CREATE_CHILD_SA";
      case INFORMATIONAL:
        return "INFORMATIONAL";
      default:
        return "exchange " + exchangeType;
    }
  }

  static int checkByte(String field, int value) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException(field + " " + value + " does not fit in a byte");
    }
    return value;
  }

  static int checkShort(String field, int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException(field + " " + value + " does not fit in 16 bits");
    }
    return value;
  }

  @Override
  public String toString() {
    return String.format(
        "%s %s %016x/%016x mid %d%s%s len %d",
        exchangeName(exchangeType),
        isResponse() ? "response" : "request",
        spiI,
        spiR,
        messageId,
        isFromInitiator() ? " I" : "",
        version == VERSION_2_0 ? "" : String.format(" v0x%02x", version),
        length);
  }
}
