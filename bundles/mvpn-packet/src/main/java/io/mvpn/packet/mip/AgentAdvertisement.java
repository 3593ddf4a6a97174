package io.mvpn.packet.mip;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_EXTENSION;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The Mobility Agent Advertisement Extension (type 16, RFC 5944 §2.1.1) that turns an ICMP router
 * advertisement into an agent advertisement: sequence number, the longest registration lifetime the
 * agent accepts, its flags and the care-of addresses it offers.
 */
public record AgentAdvertisement(
    int sequence, int registrationLifetime, int flags, List<Ipv4Address> careOfAddresses) {

  public static final int FLAG_REGISTRATION_REQUIRED = 0x8000;
  public static final int FLAG_BUSY = 0x4000;
  public static final int FLAG_HOME_AGENT = 0x2000;
  public static final int FLAG_FOREIGN_AGENT = 0x1000;
  public static final int FLAG_MINIMAL = 0x0800;
  public static final int FLAG_GRE = 0x0400;
  public static final int FLAG_REVERSE_TUNNEL = 0x0100;
  public static final int FLAG_UDP_TUNNEL = 0x0080;

  public AgentAdvertisement {
    careOfAddresses = List.copyOf(careOfAddresses);
    if ((flags & (FLAG_FOREIGN_AGENT | FLAG_HOME_AGENT)) == 0) {
      throw new IllegalArgumentException("an agent advertises F, H or both (RFC 5944 §2.1.1)");
    }
    if ((flags & FLAG_FOREIGN_AGENT) != 0 && careOfAddresses.isEmpty()) {
      throw new IllegalArgumentException("a foreign agent offers at least one care-of address");
    }
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** The sequence number after {@code sequence}: after 0xFFFF comes 256 (RFC 5944 §2.3.2). */
  public static int nextSequence(int sequence) {
    return sequence == 0xFFFF ? 256 : sequence + 1;
  }

  /**
   * Finds and reads the extension among a router advertisement's extensions; null if it is not an
   * agent advertisement. Pad (type 0) is one byte; other extensions are type-length-data.
   */
  public static AgentAdvertisement parse(RouterAdvertisement ra) throws MalformedPacketException {
    ByteBuf ext = ra.extensions();
    int i = ext.readerIndex();
    int end = ext.writerIndex();
    while (i < end) {
      int type = ext.getUnsignedByte(i);
      if (type == 0) {
        i++;
        continue;
      }
      if (i + 2 > end || i + 2 + ext.getUnsignedByte(i + 1) > end) {
        throw new MalformedPacketException(BAD_MIP_EXTENSION, "agent advertisement extension cut");
      }
      int length = ext.getUnsignedByte(i + 1);
      if (type == MipConstants.EXT_MOBILITY_AGENT_ADVERTISEMENT) {
        if (length < 6 || (length - 6) % 4 != 0) {
          throw new MalformedPacketException(
              BAD_MIP_EXTENSION, "mobility agent advertisement length " + length);
        }
        int d = i + 2;
        List<Ipv4Address> coas = new ArrayList<>();
        for (int c = d + 6; c < d + length; c += 4) {
          coas.add(Ipv4Address.of(ext.getInt(c)));
        }
        try {
          return new AgentAdvertisement(
              ext.getUnsignedShort(d),
              ext.getUnsignedShort(d + 2),
              ext.getUnsignedShort(d + 4),
              coas);
        } catch (IllegalArgumentException e) {
          throw new MalformedPacketException(BAD_MIP_EXTENSION, e.getMessage());
        }
      }
      i += 2 + length;
    }
    return null;
  }

  /** The extension's bytes, to append to a router advertisement. */
  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(8 + 4 * careOfAddresses.size());
    out.writeByte(MipConstants.EXT_MOBILITY_AGENT_ADVERTISEMENT);
    out.writeByte(6 + 4 * careOfAddresses.size());
    out.writeShort(sequence);
    out.writeShort(registrationLifetime);
    out.writeShort(flags);
    for (Ipv4Address coa : careOfAddresses) {
      out.writeInt(coa.toInt());
    }
    return out;
  }
}
