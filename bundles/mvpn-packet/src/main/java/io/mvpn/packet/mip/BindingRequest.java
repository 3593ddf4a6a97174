package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A binding request (route optimisation draft), from a correspondent whose binding is about to run
 * out while it still sends: the mobile node answers with a fresh binding update. Home Address at 8,
 * an Identification (8) at 12 the answer may be matched by.
 */
public final class BindingRequest extends BindingMessage {

  public static final int FIXED_LENGTH = 20;

  BindingRequest(ByteBuf udpPayload) throws MalformedPacketException {
    super(udpPayload, FIXED_LENGTH);
  }

  public static ByteBuf build(
      ByteBufAllocator alloc,
      int homeAddress,
      long identification,
      MobilitySecurityAssociation sa) {
    ByteBuf out = head(alloc, FIXED_LENGTH, SUBTYPE_REQUEST, 0);
    out.writeInt(0);
    out.writeInt(homeAddress);
    out.writeLong(identification);
    return authenticate(out, sa);
  }

  public long identification() {
    return buf.getLong(start + 12);
  }

  @Override
  public String toString() {
    return String.format(
        "BReq home %s id %016x", Ipv4Address.toString(homeAddress()), identification());
  }
}
