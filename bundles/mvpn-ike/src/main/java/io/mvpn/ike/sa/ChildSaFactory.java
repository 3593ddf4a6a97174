package io.mvpn.ike.sa;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.ike.crypto.ChildSaKeys;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.message.Transform;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspSuite;
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
    EspSaKeys.Algorithm algorithm =
        algorithm(encryption, ProposalPolicy.optional(chosen, Transform.INTEG));
    int keyBytes =
        (encryption.id() == Transform.ENCR_CHACHA20_POLY1305 ? 256 : encryption.keyLength()) / 8;
    ChildSaKeys keys =
        ChildSaKeys.derive(
            sa.keys().prf(),
            sa.keys().skD(),
            keyBytes + algorithm.saltLength(),
            algorithm.integrityKeyLength(),
            girNew,
            ni,
            nr);
    EspSaKeys in =
        EspSaKeys.fromKeymat(inboundSpi, algorithm, keys.inboundKeymat(weInitiated), esn);
    EspSaKeys out =
        EspSaKeys.fromKeymat(outboundSpi, algorithm, keys.outboundKeymat(weInitiated), esn);
    EspSecurityAssociation inbound =
        EspSuite.sa(
            in, Direction.INBOUND, sa.remote().address(), sa.local().address(), REPLAY_WINDOW);
    EspSecurityAssociation outbound =
        EspSuite.sa(out, Direction.OUTBOUND, sa.local().address(), sa.remote().address(), 0);
    return new ChildSa(inbound, outbound, localSelectors, remoteSelectors, chosen);
  }

  /** The ESP suite of a chosen ENCR and INTEG (none with an AEAD). */
  private static EspSaKeys.Algorithm algorithm(Transform encryption, Transform integ) {
    return switch (encryption.id()) {
      case Transform.ENCR_AES_GCM_16 -> EspSaKeys.Algorithm.AES_GCM_16;
      case Transform.ENCR_CHACHA20_POLY1305 -> EspSaKeys.Algorithm.CHACHA20_POLY1305;
      case Transform.ENCR_AES_CBC -> {
        if (integ == null) {
          throw new IllegalArgumentException("AES-CBC without an integrity transform");
        }
        yield switch (integ.id()) {
          case Transform.AUTH_HMAC_SHA2_256_128 -> EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_256_128;
          case Transform.AUTH_HMAC_SHA2_384_192 -> EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_384_192;
          case Transform.AUTH_HMAC_SHA2_512_256 -> EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_512_256;
          default -> throw new IllegalArgumentException("ESP integrity " + integ.id());
        };
      }
      default -> throw new IllegalArgumentException("ESP encryption " + encryption.id());
    };
  }
}
