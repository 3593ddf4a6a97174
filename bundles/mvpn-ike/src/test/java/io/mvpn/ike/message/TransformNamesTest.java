package io.mvpn.ike.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Negotiated transforms read by their IANA names, whatever the engine implements. */
class TransformNamesTest {

  private static Proposal ike(Transform... transforms) {
    return Proposal.of(1, Proposal.IKE, transforms);
  }

  @Test
  void anAeadIkeProposalReadsCipherWithKeyLengthThenPrfThenGroup() {
    Proposal ike =
        ike(
            Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 256),
            Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_256),
            Transform.of(Transform.DH, Transform.ECP_256));

    assertThat(TransformNames.describe(ike)).isEqualTo("AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256");
  }

  @Test
  void aCbcProposalShowsItsIntegrityAndALargeModpGroup() {
    Proposal ike =
        ike(
            Transform.of(Transform.DH, 16),
            Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_384),
            Transform.of(Transform.INTEG, Transform.AUTH_HMAC_SHA2_384_192),
            Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_CBC, 128));

    assertThat(TransformNames.describe(ike))
        .isEqualTo("AES_CBC_128/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_4096");
  }

  @Test
  void anEspProposalWithoutPfsLeavesOutTheNoneGroupAndNamesItsSequenceNumbers() {
    Proposal esp =
        Proposal.of(
            1,
            Proposal.ESP,
            Transform.of(Transform.ENCR, 28),
            Transform.of(Transform.INTEG, Transform.INTEG_NONE),
            Transform.of(Transform.DH, Transform.DH_NONE),
            Transform.of(Transform.ESN, Transform.ESN_YES));

    assertThat(TransformNames.describe(esp)).isEqualTo("CHACHA20_POLY1305/EXT_SEQ");
  }

  @Test
  void whatTheRegistryDoesNotNameIsShownByNumber() {
    assertThat(TransformNames.name(Transform.of(Transform.ENCR, 250))).isEqualTo("ENCR_250");
    assertThat(TransformNames.name(Transform.of(6, 1))).isEqualTo("TYPE_6_1");
    assertThat(TransformNames.describe(Proposal.of(1, Proposal.ESP, Transform.of(7, 3))))
        .isEqualTo("TYPE_7_3");
  }
}
