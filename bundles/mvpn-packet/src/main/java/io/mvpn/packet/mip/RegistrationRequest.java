package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/** A registration request (RFC 5944 §3.3): the UDP payload from its reader index to the end. */
public final class RegistrationRequest extends MipMessage {

  public static final int FIXED_LENGTH = 24;

  private RegistrationRequest(ByteBuf buf, int offset, int length) throws MalformedPacketException {
    super(buf, offset, length, FIXED_LENGTH, MipConstants.REGISTRATION_REQUEST);
  }

  public static RegistrationRequest parse(ByteBuf udpPayload) throws MalformedPacketException {
    return new RegistrationRequest(
        udpPayload, udpPayload.readerIndex(), udpPayload.readableBytes());
  }

  /**
   * As {@link #parse(ByteBuf)}, for the {@code length} bytes at {@code offset} of a buffer whose
   * indexes are left alone: a request read in place in the datagram it came in, without a slice.
   */
  public static RegistrationRequest parse(ByteBuf buf, int offset, int length)
      throws MalformedPacketException {
    return new RegistrationRequest(buf, offset, length);
  }

  public int flags() {
    return buf.getUnsignedByte(start + 1);
  }

  public boolean hasFlag(int flag) {
    return (flags() & flag) != 0;
  }

  public int careOfAddress() {
    return buf.getInt(start + 12);
  }

  @Override
  public long identification() {
    return buf.getLong(start + 16);
  }

  public boolean isDeregistration() {
    return lifetime() == 0;
  }

  @Override
  public String toString() {
    return String.format(
        "RRQ home %s ha %s coa %s lifetime %d flags 0x%02x id %016x",
        Ipv4Address.toString(homeAddress()),
        Ipv4Address.toString(homeAgent()),
        Ipv4Address.toString(careOfAddress()),
        lifetime(),
        flags(),
        identification());
  }
}
