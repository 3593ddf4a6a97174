package io.mvpn.net.transport.tap;

import io.netty.buffer.ByteBuf;
import java.util.HexFormat;

/**
 * Ethernet II framing (IEEE 802.3 with an EtherType): destination MAC, source MAC, EtherType, then
 * the payload. MAC addresses travel as the low 48 bits of a {@code long}.
 */
public final class Ethernet {

  public static final int HEADER = 14;

  /** The smallest frame without its FCS; shorter payloads are padded with zeros up to it. */
  public static final int MIN_FRAME = 60;

  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_ARP = 0x0806;

  public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

  private Ethernet() {}

  /** Whether the group bit (the least significant bit of the first octet) is set. */
  public static boolean isGroup(long mac) {
    return (mac & 0x0100_0000_0000L) != 0;
  }

  /** RFC 1112 §6.4: 01:00:5e and the low 23 bits of the IPv4 group address. */
  public static long multicastMac(int group) {
    return 0x0100_5E00_0000L | (group & 0x7F_FFFFL);
  }

  /**
   * A locally administered unicast MAC derived from a name (the device's), so an agent that
   * restarts comes back with the MAC its neighbours' ARP caches already hold.
   */
  public static long localMac(String name) {
    long h = 0xcbf29ce484222325L; // FNV-1a
    for (char c : name.toCharArray()) {
      h = (h ^ c) * 0x100000001b3L;
    }
    return (0x02L << 40) | (h & 0xFF_FFFF_FFFFL);
  }

  static long readMac(ByteBuf b, int at) {
    return ((long) b.getUnsignedShort(at) << 32) | b.getUnsignedInt(at + 2);
  }

  static void writeMac(ByteBuf b, long mac) {
    b.writeShort((int) (mac >>> 32));
    b.writeInt((int) mac);
  }

  /** Writes the header; the payload follows. */
  static void writeHeader(ByteBuf frame, long destination, long source, int etherType) {
    writeMac(frame, destination);
    writeMac(frame, source);
    frame.writeShort(etherType);
  }

  /** aa:bb:cc:dd:ee:ff */
  public static String format(long mac) {
    String hex = HexFormat.of().toHexDigits(mac & 0xFFFF_FFFF_FFFFL).substring(4);
    StringBuilder b = new StringBuilder(17);
    for (int i = 0; i < 12; i += 2) {
      if (i > 0) {
        b.append(':');
      }
      b.append(hex, i, i + 2);
    }
    return b.toString();
  }
}
