package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/** A registration reply (RFC 5944 §3.4): the UDP payload from its reader index to the end. */
public final class RegistrationReply extends MipMessage {

  public static final int FIXED_LENGTH = 20;

  private RegistrationReply(ByteBuf udpPayload) throws MalformedPacketException {
    super(udpPayload, FIXED_LENGTH, MipConstants.REGISTRATION_REPLY);
  }

  public static RegistrationReply parse(ByteBuf udpPayload) throws MalformedPacketException {
    return new RegistrationReply(udpPayload);
  }

  public int code() {
    return buf.getUnsignedByte(start + 1);
  }

  @Override
  public long identification() {
    return buf.getLong(start + 12);
  }

  @Override
  public String toString() {
    return String.format(
        "RRP %s home %s ha %s lifetime %d id %016x",
        ReplyCode.describe(code()),
        Ipv4Address.toString(homeAddress()),
        Ipv4Address.toString(homeAgent()),
        lifetime(),
        identification());
  }
}
