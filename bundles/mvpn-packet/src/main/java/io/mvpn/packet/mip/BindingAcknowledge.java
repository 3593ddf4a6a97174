package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A binding acknowledge (route optimisation draft), from a correspondent to the mobile node whose
 * update asked for one with the A bit: Status in byte 3 (registration reply codes: 0 accepted, 128
 * and up refused), the Lifetime granted at 4, Home Address at 8, the update's Identification (8) at
 * 12; on a 133 its high 32 bits carry the correspondent's time, as a registration reply's do.
 */
public final class BindingAcknowledge extends BindingMessage {

  public static final int FIXED_LENGTH = 20;
  public static final int ACCEPTED = 0;
  public static final int UNSPECIFIED = 128;
  public static final int ADMINISTRATIVELY_PROHIBITED = 129;
  public static final int FAILED_AUTHENTICATION = 131;
  public static final int IDENTIFICATION_MISMATCH = 133;

  BindingAcknowledge(ByteBuf udpPayload) throws MalformedPacketException {
    super(udpPayload, FIXED_LENGTH);
  }

  public static ByteBuf build(
      ByteBufAllocator alloc,
      int status,
      int lifetime,
      int homeAddress,
      long identification,
      MobilitySecurityAssociation sa) {
    ByteBuf out = head(alloc, FIXED_LENGTH, SUBTYPE_ACKNOWLEDGE, status);
    out.writeShort(lifetime);
    out.writeShort(0);
    out.writeInt(homeAddress);
    out.writeLong(identification);
    return authenticate(out, sa);
  }

  public int status() {
    return buf.getUnsignedByte(start + 3);
  }

  public boolean isAccepted() {
    return status() < UNSPECIFIED;
  }

  public int lifetime() {
    return buf.getUnsignedShort(start + 4);
  }

  public long identification() {
    return buf.getLong(start + 12);
  }

  @Override
  public String toString() {
    return String.format(
        "BAck status %d home %s lifetime %d id %016x",
        status(), Ipv4Address.toString(homeAddress()), lifetime(), identification());
  }
}
