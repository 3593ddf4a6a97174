package io.mvpn.packet.mip;

import io.netty.buffer.ByteBuf;

/**
 * The Generalized Mobile IP Authentication Extension (RFC 4721 §5, first RFC 3012 §5): type 36, a
 * subtype, a 16-bit length, an SPI and the authenticator. Subtype 1 is MN-AAA authentication: the
 * node proves to the foreign agent (and, behind it, AAA) that it holds a key the agent can check
 * without a mobility security association of its own with the node.
 *
 * <p>The authenticator is computed as for types 32-34 (RFC 5944 §3.5.1): a keyed HMAC over the
 * message up to and including this extension's type, subtype, length and SPI. The association
 * chooses the algorithm; mvpn keys MN-AAA with the layer-2 key under {@link #SPI_LINK_KEY_SHA256}.
 */
public final class GeneralizedAuthentication {

  public static final int TYPE = 36;

  public static final int SUBTYPE_MN_AAA = 1;

  /**
   * The SPI mvpn uses for MN-AAA authentication keyed by the pairwise key of the access link's
   * association, with HMAC-SHA256 (docs/protocols.md). RFC 4721's CHAP SPIs (2, 3) are below 256;
   * this one is in the range RFC 5944 §1.6 leaves to configuration.
   */
  public static final long SPI_LINK_KEY_SHA256 = 0x4C32_0001L;

  private GeneralizedAuthentication() {}

  /** Appends type 36 with this subtype to a message being written from {@code start}. */
  static void append(ByteBuf out, int start, int subtype, MobilitySecurityAssociation sa) {
    int authLength = sa.algorithm().authenticatorLength();
    out.writeByte(TYPE);
    out.writeByte(subtype);
    out.writeShort(4 + authLength);
    out.writeInt((int) sa.spi());
    out.writeBytes(sa.authenticator(out, start, out.writerIndex() - start));
  }

  /** The first type-36 extension of this subtype in the message, or null. */
  public static MipExtension find(MipMessage message, int subtype) {
    for (MipExtension e : message.extensions()) {
      if (e.type() == TYPE && e.subtype() == subtype) {
        return e;
      }
    }
    return null;
  }
}
