package io.mvpn.packet.mip;

/** Numbers of Mobile IPv4 (RFC 5944) and its UDP tunnelling (RFC 3519). */
public final class MipConstants {

  /** The registration port, at agents and, for RFC 3519 tunnels, at the home agent. */
  public static final int PORT = 434;

  public static final int REGISTRATION_REQUEST = 1;
  public static final int REGISTRATION_REPLY = 3;

  /** RFC 3519 §3.3: IP in UDP tunnel data. */
  public static final int TUNNEL_DATA = 4;

  /**
   * IANA's "message for experimental use": route optimisation's binding messages carry it with a
   * subtype (docs/protocols.md), since the draft's own numbers 16-19 now belong to other messages.
   */
  public static final int EXPERIMENTAL_MESSAGE = 255;

  // Extensions (RFC 5944 §1.9; types 0-127 are non-skippable, 128-255 skippable).
  public static final int EXT_MOBILITY_AGENT_ADVERTISEMENT = 16;
  public static final int EXT_PREFIX_LENGTHS = 19;
  public static final int EXT_MN_HA_AUTH = 32;
  public static final int EXT_MN_FA_AUTH = 33;
  public static final int EXT_FA_HA_AUTH = 34;

  /** RFC 3012 §5: Generalized Mobile IP Authentication, with a subtype and a 16-bit length. */
  public static final int EXT_GENERALIZED_AUTH = 36;

  public static final int EXT_UDP_TUNNEL_REPLY = 44;
  public static final int EXT_UDP_TUNNEL_REQUEST = 144;

  // Registration request flags (RFC 5944 §3.3).
  public static final int FLAG_SIMULTANEOUS = 0x80;
  public static final int FLAG_BROADCAST = 0x40;
  public static final int FLAG_DECAPSULATION_BY_MN = 0x20;
  public static final int FLAG_MINIMAL = 0x10;
  public static final int FLAG_GRE = 0x08;
  public static final int FLAG_RESERVED_R = 0x04;
  public static final int FLAG_REVERSE_TUNNEL = 0x02;
  public static final int FLAG_RESERVED_X = 0x01;

  /** Lifetime 0xFFFF: infinite. */
  public static final int INFINITE_LIFETIME = 0xFFFF;

  /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
  public static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

  private MipConstants() {}

  /**
   * NTP seconds (RFC 5944 §5.7 timestamps, SIU identifications) at scheduler time {@code nanoTime}
   * on a clock whose Unix time is {@code nanoTime + epochOffsetNanos}.
   */
  public static long ntpSeconds(long nanoTime, long epochOffsetNanos) {
    return (nanoTime + epochOffsetNanos) / 1_000_000_000L + NTP_UNIX_OFFSET_SECONDS;
  }

  /** Skippable extensions (128-255) may be ignored when unknown; others void the message. */
  public static boolean isSkippable(int extensionType) {
    return extensionType >= 128;
  }
}
