package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.crypto.ChildSaKeys;
import io.mvpn.ike.crypto.SkAead;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.message.Transform;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspTransform;
import java.security.SecureRandom;
import java.util.List;

/** The ESP SAs of a Child SA from its negotiated proposal and the IKE SA's SK_d (§2.17). */
final class ChildSaFactory {

  /** Inbound anti-replay window: wide enough for the reordering of a mobile path. */
  static final int REPLAY_WINDOW = 128;

  private ChildSaFactory() {}

  /** A fresh inbound SPI: random, never in 0-255, which RFC 4303 §2.1 reserves. */
  static int newSpi(SecureRandom random) {
    int spi;
    do {
      spi = random.nextInt();
    } while (spi >= 0 && spi < 256);
    return spi;
  }

  static Octets spiOctets(int spi) {
    return Octets.of((byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi);
  }

  /** The 4-byte SPI of an ESP proposal, or 0 when it has another size (0 is never valid). */
  static int spiOf(Proposal p) {
    return spiOf(p.spi());
  }

  /** A 4-byte ESP SPI as an int, or 0 when it has another size. */
  static int spiOf(Octets spi) {
    if (spi.length() != 4) {
      return 0;
    }
    return spi.unsignedByte(0) << 24
        | spi.unsignedByte(1) << 16
        | spi.unsignedByte(2) << 8
        | spi.unsignedByte(3);
  }

  /**
   * The Child SA created by IKE_AUTH: its KEYMAT comes from the IKE_SA_INIT nonces, and the
   * exchange's initiator is the IKE SA's.
   */
  static ChildSa create(
      IkeSa sa,
      Proposal chosen,
      int inboundSpi,
      int outboundSpi,
      List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors) {
    return create(
        sa,
        chosen,
        inboundSpi,
        outboundSpi,
        localSelectors,
        remoteSelectors,
        null,
        sa.nonceI(),
        sa.nonceR(),
        sa.isInitiator());
  }

  /**
   * A Child SA of a CREATE_CHILD_SA exchange (§2.17): KEYMAT from that exchange's nonces, with the
   * new shared secret first when it ran a D-H (PFS); {@code weInitiated} is who started this
   * exchange, which orders the keys.
   */
  static ChildSa create(
      IkeSa sa,
      Proposal chosen,
      int inboundSpi,
      int outboundSpi,
      List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors,
      byte[] girNew,
      byte[] ni,
      byte[] nr,
      boolean weInitiated) {
    boolean esn = ProposalPolicy.single(chosen, Transform.ESN).id() == Transform.ESN_YES;
    Transform encryption = ProposalPolicy.single(chosen, Transform.ENCR);
    Transform integ = ProposalPolicy.optional(chosen, Transform.INTEG);
    EspTransform.Integrity integrity = integ == null ? null : espIntegrity(integ.id());
    int bits = encryption.id() == Transform.ENCR_CHACHA20_POLY1305 ? 256 : encryption.keyLength();
    int encryptionLength =
        encryption.id() == Transform.ENCR_AES_CBC ? bits / 8 : bits / 8 + SkAead.SALT_LENGTH;
    ChildSaKeys keys =
        ChildSaKeys.derive(
            sa.keys().prf(),
            sa.keys().skD(),
            encryptionLength,
            integrity == null ? 0 : integrity.keyLength(),
            girNew,
            ni,
            nr);
    EspSecurityAssociation inbound =
        esp(
            encryption.id(),
            inboundSpi,
            Direction.INBOUND,
            sa.remote().address(),
            sa.local().address(),
            keys.inbound(weInitiated),
            integrity,
            keys.inboundIntegrity(weInitiated),
            esn);
    EspSecurityAssociation outbound =
        esp(
            encryption.id(),
            outboundSpi,
            Direction.OUTBOUND,
            sa.local().address(),
            sa.remote().address(),
            keys.outbound(weInitiated),
            integrity,
            keys.outboundIntegrity(weInitiated),
            esn);
    return new ChildSa(inbound, outbound, localSelectors, remoteSelectors, chosen);
  }

  /** One ESP SA of the negotiated transform: AES-GCM inline, the others through a transform. */
  private static EspSecurityAssociation esp(
      int encryptionId,
      int spi,
      Direction direction,
      Ipv4Address source,
      Ipv4Address destination,
      byte[] key,
      EspTransform.Integrity integrity,
      byte[] integrityKey,
      boolean esn) {
    int window = direction == Direction.INBOUND ? REPLAY_WINDOW : 0;
    if (encryptionId == Transform.ENCR_AES_GCM_16) {
      return new EspSecurityAssociation(spi, direction, source, destination, key, esn, window);
    }
    EspTransform transform =
        encryptionId == Transform.ENCR_CHACHA20_POLY1305
            ? EspTransform.chaCha20Poly1305(key)
            : EspTransform.aesCbc(key, integrity, integrityKey);
    return new EspSecurityAssociation(spi, direction, source, destination, transform, esn, window);
  }

  private static EspTransform.Integrity espIntegrity(int id) {
    return switch (id) {
      case Transform.AUTH_HMAC_SHA2_256_128 -> EspTransform.Integrity.HMAC_SHA2_256_128;
      case Transform.AUTH_HMAC_SHA2_384_192 -> EspTransform.Integrity.HMAC_SHA2_384_192;
      case Transform.AUTH_HMAC_SHA2_512_256 -> EspTransform.Integrity.HMAC_SHA2_512_256;
      default -> throw new IllegalArgumentException("ESP integrity " + id);
    };
  }
}
