package io.mvpn.packet.mip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Mobile IP UDP tunnelling (RFC 3519): the request (type 144) and reply (type 44) extensions of a
 * registration, and the tunnel data message (type 4) that carries a datagram in UDP between the
 * mobile node and its home agent, through NATs.
 */
public final class UdpTunnel {

  /** Request flag F: tunnel in UDP even if no NAT is seen. */
  public static final int REQUEST_FORCE = 0x80;

  /** Request flag R: the foreign agent's address is the care-of address (registration via FA). */
  public static final int REQUEST_VIA_FA = 0x40;

  /** Encapsulation 4: IP in UDP, the default every implementation supports. */
  public static final int ENCAPSULATION_IP_IN_UDP = 4;

  /** Reply codes 0-63 accept UDP tunnelling, 64-255 decline it. */
  public static final int REPLY_ACCEPTED = 0;

  public static final int REPLY_DECLINED = 64;

  /** Tunnel data header: type, next header, two reserved bytes. */
  public static final int DATA_HEADER_LENGTH = 4;

  /** RFC 3519 §4.10: keepalive interval when the home agent names none. */
  public static final int DEFAULT_KEEPALIVE_SECONDS = 110;

  private UdpTunnel() {}

  /** The request extension's data (after type and length). */
  public static ByteBuf requestData(ByteBufAllocator alloc, int flags) {
    return alloc
        .buffer(6)
        .writeByte(0) // sub-type
        .writeByte(0) // reserved 1
        .writeByte(flags)
        .writeByte(ENCAPSULATION_IP_IN_UDP)
        .writeShort(0); // reserved 3
  }

  /** The reply extension's data (after type and length). */
  public static ByteBuf replyData(ByteBufAllocator alloc, int code, int keepaliveSeconds) {
    return alloc
        .buffer(6)
        .writeByte(0) // sub-type
        .writeByte(code)
        .writeShort(0) // F and reserved
        .writeShort(keepaliveSeconds);
  }

  public static int requestFlags(MipExtension request) {
    return request.buffer().getUnsignedByte(request.dataOffset() + 2);
  }

  public static int requestEncapsulation(MipExtension request) {
    return request.buffer().getUnsignedByte(request.dataOffset() + 3);
  }

  /** Reserved 3 not zero: the request is not understood (RFC 3519 §3.1, 134). */
  public static boolean requestReservedClear(MipExtension request) {
    return request.dataLength() == 6
        && request.buffer().getUnsignedShort(request.dataOffset() + 4) == 0;
  }

  public static int replyCode(MipExtension reply) {
    return reply.buffer().getUnsignedByte(reply.dataOffset() + 1);
  }

  public static int replyKeepalive(MipExtension reply) {
    return reply.buffer().getUnsignedShort(reply.dataOffset() + 4);
  }

  /** A tunnel data message: the header, then the inner datagram's bytes copied once. */
  public static ByteBuf data(ByteBufAllocator alloc, ByteBuf inner, int offset, int length) {
    ByteBuf out = alloc.buffer(DATA_HEADER_LENGTH + length);
    out.writeByte(MipConstants.TUNNEL_DATA).writeByte(4).writeShort(0);
    out.writeBytes(inner, offset, length);
    return out;
  }

  /** Whether a UDP payload is tunnel data carrying IPv4 (RFC 3519 §3.3). */
  public static boolean isData(ByteBuf payload) {
    return isData(payload, payload.readerIndex(), payload.readableBytes());
  }

  /** As {@link #isData(ByteBuf)}, for the {@code length} bytes at {@code offset} of a buffer. */
  public static boolean isData(ByteBuf buf, int offset, int length) {
    return length > DATA_HEADER_LENGTH
        && buf.getUnsignedByte(offset) == MipConstants.TUNNEL_DATA
        && buf.getUnsignedByte(offset + 1) == 4;
  }

  /** The inner datagram of tunnel data, as a slice. */
  public static ByteBuf dataPayload(ByteBuf payload) {
    return payload.slice(
        payload.readerIndex() + DATA_HEADER_LENGTH, payload.readableBytes() - DATA_HEADER_LENGTH);
  }
}
