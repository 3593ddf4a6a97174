package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A binding update (route optimisation draft), from a mobile node to a correspondent: use this
 * care-of address for that home address for so many seconds. Lifetime 0, or the home address as
 * care-of address, removes the binding. Layout after the common head ({@link BindingMessage}):
 * flags A (acknowledge), I (identification present), M (minimal encapsulation), G (GRE) in byte 3,
 * Lifetime at 4, Home Address at 8, Care-of Address at 12, Identification (8) at 16.
 */
public final class BindingUpdate extends BindingMessage {

  public static final int FIXED_LENGTH = 24;
  public static final int FLAG_ACKNOWLEDGE = 0x80;
  public static final int FLAG_IDENTIFICATION = 0x40;
  public static final int FLAG_MINIMAL = 0x20;
  public static final int FLAG_GRE = 0x10;

  BindingUpdate(ByteBuf udpPayload) throws MalformedPacketException {
    super(udpPayload, FIXED_LENGTH);
  }

  public static ByteBuf build(
      ByteBufAllocator alloc,
      int flags,
      int lifetime,
      int homeAddress,
      int careOfAddress,
      long identification,
      MobilitySecurityAssociation sa) {
    ByteBuf out = head(alloc, FIXED_LENGTH, SUBTYPE_UPDATE, flags);
    out.writeShort(lifetime);
    out.writeShort(0);
    out.writeInt(homeAddress);
    out.writeInt(careOfAddress);
    out.writeLong(identification);
    return authenticate(out, sa);
  }

  public int flags() {
    return buf.getUnsignedByte(start + 3);
  }

  public boolean hasFlag(int flag) {
    return (flags() & flag) != 0;
  }

  public int lifetime() {
    return buf.getUnsignedShort(start + 4);
  }

  public int careOfAddress() {
    return buf.getInt(start + 12);
  }

  public long identification() {
    return buf.getLong(start + 16);
  }

  /** Lifetime 0 or a care-of address equal to the home address: forget the binding. */
  public boolean isRemoval() {
    return lifetime() == 0 || careOfAddress() == homeAddress();
  }

  @Override
  public String toString() {
    return String.format(
        "BU home %s coa %s lifetime %d flags 0x%02x id %016x",
        Ipv4Address.toString(homeAddress()),
        Ipv4Address.toString(careOfAddress()),
        lifetime(),
        flags(),
        identification());
  }
}
