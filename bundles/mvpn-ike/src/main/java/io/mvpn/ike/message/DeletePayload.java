package io.mvpn.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Delete payload, D (RFC 7296 §3.11): Protocol ID (1), SPI Size (1), Num of SPIs (2), the SPIs.
 * Deleting the IKE SA: protocol {@link Proposal#IKE}, SPI size 0, no SPIs. Deleting Child SAs:
 * {@link Proposal#ESP} or {@link Proposal#AH}, SPI size 4, the SPIs of the sender's inbound SAs.
 *
 * @param protocolId the SAs' protocol
 * @param spiSize the size of each SPI, kept even when there are none
 * @param spis SPIs of exactly {@code spiSize} bytes
 */
public record DeletePayload(int protocolId, int spiSize, List<Octets> spis) implements IkePayload {

  public static final int FIXED_LENGTH = 4;

  public DeletePayload {
    IkeHeader.checkByte("protocol ID", protocolId);
    IkeHeader.checkByte("SPI size", spiSize);
    spis = List.copyOf(spis);
    IkeHeader.checkShort("SPI count", spis.size());
    for (Octets spi : spis) {
      if (spi.length() != spiSize) {
        throw new IllegalArgumentException("SPI of " + spi.length() + " bytes, size " + spiSize);
      }
    }
  }

  /** Deletes the IKE SA the message belongs to. */
  public static DeletePayload ikeSa() {
    return new DeletePayload(Proposal.IKE, 0, List.of());
  }

  /** Deletes ESP SAs by their 4-byte SPIs. */
  public static DeletePayload esp(int... spis) {
    List<Octets> list = new ArrayList<>(spis.length);
    for (int spi : spis) {
      list.add(Octets.of((byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi));
    }
    return new DeletePayload(Proposal.ESP, 4, list);
  }

  public static DeletePayload parse(ByteBuf body) throws IkeFormatException {
    Payloads.need(body, FIXED_LENGTH, "Delete");
    int s = body.readerIndex();
    int spiSize = body.getUnsignedByte(s + 1);
    int count = body.getUnsignedShort(s + 2);
    if (body.readableBytes() != FIXED_LENGTH + spiSize * count) {
      throw IkeFormatException.syntax(
          "Delete of "
              + count
              + " SPIs of "
              + spiSize
              + " bytes in a body of "
              + body.readableBytes());
    }
    List<Octets> spis = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spis.add(Octets.copyOf(body, s + FIXED_LENGTH + i * spiSize, spiSize));
    }
    return new DeletePayload(body.getUnsignedByte(s), spiSize, spis);
  }

  @Override
  public int payloadType() {
    return DELETE;
  }

  @Override
  public int bodyLength() {
    return FIXED_LENGTH + spiSize * spis.size();
  }

  @Override
  public void writeBody(ByteBuf out) {
    out.writeByte(protocolId);
    out.writeByte(spiSize);
    out.writeShort(spis.size());
    for (Octets spi : spis) {
      spi.writeTo(out);
    }
  }

  @Override
  public String toString() {
    return "D protocol " + protocolId + " " + spis;
  }
}
