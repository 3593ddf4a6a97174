package io.mvpn.packet.mip;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_EXTENSION;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The foreign agent challenge/response of RFC 4721 (first RFC 3012): the agent puts a fresh random
 * challenge in its advertisements (extension 24 of the ICMP router advertisement); a node echoes it
 * in its registration request (MN-FA Challenge, 132) beside its network access identifier (MN-NAI,
 * 131, RFC 2794) and proves a key with an MN-AAA authentication extension ({@link
 * GeneralizedAuthentication}) that covers both.
 */
public final class ChallengeResponse {

  /** Challenge extension in an agent advertisement (RFC 4721 §2). */
  public static final int EXT_ADVERTISEMENT_CHALLENGE = 24;

  /** Mobile Node NAI extension (RFC 2794 §2). */
  public static final int EXT_MN_NAI = 131;

  /** MN-FA Challenge extension of a registration request (RFC 4721 §3). */
  public static final int EXT_MN_FA_CHALLENGE = 132;

  /** The RFC asks for at least 32 bits of challenge; mvpn sends 128. */
  public static final int MIN_CHALLENGE = 4;

  private ChallengeResponse() {}

  /** The challenge extension's bytes, to append after the mobility agent advertisement. */
  public static void writeAdvertisementChallenge(ByteBuf out, byte[] challenge) {
    checkLength(challenge.length);
    out.writeByte(EXT_ADVERTISEMENT_CHALLENGE);
    out.writeByte(challenge.length);
    out.writeBytes(challenge);
  }

  /** The challenge an agent advertisement carries, or null if it carries none. */
  public static byte[] advertisedChallenge(RouterAdvertisement ra) throws MalformedPacketException {
    ByteBuf ext = ra.extensions();
    int i = ext.readerIndex();
    int end = ext.writerIndex();
    while (i < end) {
      int type = ext.getUnsignedByte(i);
      if (type == 0) {
        i++; // Pad
        continue;
      }
      if (i + 2 > end || i + 2 + ext.getUnsignedByte(i + 1) > end) {
        throw new MalformedPacketException(BAD_MIP_EXTENSION, "advertisement extension cut");
      }
      int length = ext.getUnsignedByte(i + 1);
      if (type == EXT_ADVERTISEMENT_CHALLENGE) {
        if (length < MIN_CHALLENGE) {
          throw new MalformedPacketException(BAD_MIP_EXTENSION, "challenge of " + length);
        }
        byte[] challenge = new byte[length];
        ext.getBytes(i + 2, challenge);
        return challenge;
      }
      i += 2 + length;
    }
    return null;
  }

  /** Appends the MN-NAI (131) and MN-FA Challenge (132) extensions a challenged request needs. */
  public static RegistrationBuilder respond(
      RegistrationBuilder builder, ByteBufAllocator alloc, String nai, byte[] challenge) {
    byte[] name = nai.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > 255) {
      throw new IllegalArgumentException("NAI of " + name.length + " bytes");
    }
    checkLength(challenge.length);
    ByteBuf data = alloc.buffer(Math.max(name.length, challenge.length));
    try {
      builder.extension(EXT_MN_NAI, data.writeBytes(name));
      builder.extension(EXT_MN_FA_CHALLENGE, data.clear().writeBytes(challenge));
    } finally {
      data.release();
    }
    return builder;
  }

  /** The NAI of a request's MN-NAI extension, or null if it has none. */
  public static String nai(RegistrationRequest request) {
    MipExtension e = request.find(EXT_MN_NAI);
    return e == null || e.dataLength() == 0 ? null : e.data().toString(StandardCharsets.UTF_8);
  }

  /** The challenge a request echoes, or null if it has no MN-FA Challenge extension. */
  public static byte[] challenge(RegistrationRequest request) {
    MipExtension e = request.find(EXT_MN_FA_CHALLENGE);
    if (e == null) {
      return null;
    }
    byte[] challenge = new byte[e.dataLength()];
    e.data().getBytes(0, challenge);
    return challenge;
  }

  private static void checkLength(int length) {
    if (length < MIN_CHALLENGE || length > 255) {
      throw new IllegalArgumentException("challenge of " + length + " bytes");
    }
  }
}
