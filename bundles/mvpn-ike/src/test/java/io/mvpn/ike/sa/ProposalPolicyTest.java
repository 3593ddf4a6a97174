package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.SecurityAssociationPayload;
import io.mvpn.ike.message.Transform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The responder's choice of one proposal and one transform per type (RFC 7296 §3.3.6). */
class ProposalPolicyTest {

  private static final Transform GCM128 =
      Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 128);
  private static final Transform GCM256 =
      Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 256);

  @Test
  void theResponderPrefersItsOwnOrderAndKeepsTheProposalNumber() {
    ProposalPolicy ours =
        ProposalPolicy.ike(
            List.of(128, 256),
            List.of(Transform.PRF_HMAC_SHA2_384, Transform.PRF_HMAC_SHA2_256),
            List.of(Transform.CURVE25519, Transform.ECP_256));
    Proposal offered = ProposalPolicy.ikeDefault().offer(Octets.EMPTY);
    Proposal chosen = ours.choose(SecurityAssociationPayload.of(offered)).orElseThrow();

    assertThat(chosen.number()).isEqualTo(1);
    assertThat(chosen.transforms())
        .containsExactly(
            GCM128,
            Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_384),
            Transform.of(Transform.DH, Transform.CURVE25519));
    assertThat(ProposalPolicy.ikeDefault().accepts(chosen)).isTrue();
  }

  @Test
  void aProposalWithATypeWeDoNotUseOrMissingOneIsSkipped() {
    List<Transform> withInteg = new ArrayList<>(ProposalPolicy.ikeDefault().transforms());
    withInteg.add(Transform.of(Transform.INTEG, Transform.AUTH_HMAC_SHA2_256_128));
    Proposal first = new Proposal(1, Proposal.IKE, Octets.EMPTY, withInteg);
    Proposal second =
        Proposal.of(
            2,
            Proposal.IKE,
            GCM256,
            Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_256),
            Transform.of(Transform.DH, Transform.ECP_384));
    Proposal noDh =
        Proposal.of(
            3, Proposal.IKE, GCM256, Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_256));
    ProposalPolicy ours = ProposalPolicy.ikeDefault();

    assertThat(ours.choose(SecurityAssociationPayload.of(first, second)).orElseThrow().number())
        .isEqualTo(2);
    assertThat(ours.choose(SecurityAssociationPayload.of(first, noDh))).isEmpty();
  }

  @Test
  void espChoiceNeedsEncryptionAndEsn() {
    ProposalPolicy esp = ProposalPolicy.esp(List.of(256), List.of(Transform.ESN_NO));
    Proposal offered = ProposalPolicy.espDefault().offer(ChildSaFactory.spiOctets(0x1234));
    Proposal chosen = esp.choose(SecurityAssociationPayload.of(offered)).orElseThrow();

    assertThat(chosen.transforms())
        .containsExactly(GCM256, Transform.of(Transform.ESN, Transform.ESN_NO));
    assertThat(ChildSaFactory.spiOf(chosen)).isEqualTo(0x1234);
    assertThat(ProposalPolicy.espDefault().accepts(chosen)).isTrue();
    // An answer with two transforms of one type is not a choice.
    assertThat(ProposalPolicy.espDefault().accepts(offered)).isFalse();
  }
}
