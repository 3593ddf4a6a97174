package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A binding warning (route optimisation draft): to a mobile node's home agent, saying that a
 * correspondent (the Target at 12) holds no binding, or a stale one, for the mobile node whose Home
 * Address is at 8; the home agent or the node then sends that correspondent a binding update.
 */
public final class BindingWarning extends BindingMessage {

  public static final int FIXED_LENGTH = 16;

  BindingWarning(ByteBuf udpPayload) throws MalformedPacketException {
    super(udpPayload, FIXED_LENGTH);
  }

  /** {@code sa} may be null: a warning changes no state by itself, only prompts an update. */
  public static ByteBuf build(
      ByteBufAllocator alloc, int homeAddress, int target, MobilitySecurityAssociation sa) {
    ByteBuf out = head(alloc, FIXED_LENGTH, SUBTYPE_WARNING, 0);
    out.writeInt(0);
    out.writeInt(homeAddress);
    out.writeInt(target);
    return authenticate(out, sa);
  }

  public int target() {
    return buf.getInt(start + 12);
  }

  @Override
  public String toString() {
    return String.format(
        "BW home %s target %s",
        Ipv4Address.toString(homeAddress()), Ipv4Address.toString(target()));
  }
}
