package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  private static final Transform CBC256 =
      Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_CBC, 256);
  private static final Transform SHA256_128 =
      Transform.of(Transform.INTEG, Transform.AUTH_HMAC_SHA2_256_128);
  private static final Transform PRF256 = Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_256);

  @Test
  void theResponderPrefersItsOwnOrderAndKeepsTheProposalNumber() {
    ProposalPolicy ours =
        ProposalPolicy.ike(
            List.of(128, 256),
            List.of(Transform.PRF_HMAC_SHA2_384, Transform.PRF_HMAC_SHA2_256),
            List.of(Transform.CURVE25519, Transform.ECP_256));
    SecurityAssociationPayload offered =
        new SecurityAssociationPayload(ProposalPolicy.ikeDefault().offer(Octets.EMPTY));
    Proposal chosen = ours.choose(offered).orElseThrow();

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
    ProposalPolicy ours =
        ProposalPolicy.ike(
            List.of(256), List.of(Transform.PRF_HMAC_SHA2_256), List.of(Transform.ECP_384));
    List<Transform> withInteg = new ArrayList<>(ours.transforms());
    withInteg.add(SHA256_128);
    Proposal first = new Proposal(1, Proposal.IKE, Octets.EMPTY, withInteg);
    Proposal second =
        Proposal.of(2, Proposal.IKE, GCM256, PRF256, Transform.of(Transform.DH, Transform.ECP_384));
    Proposal noDh = Proposal.of(3, Proposal.IKE, GCM256, PRF256);

    assertThat(ours.choose(SecurityAssociationPayload.of(first, second)).orElseThrow().number())
        .isEqualTo(2);
    assertThat(ours.choose(SecurityAssociationPayload.of(first, noDh))).isEmpty();
  }

  @Test
  void theDefaultOfferPutsAeadsAndAesCbcWithIntegrityInSeparateProposals() {
    List<Proposal> offer = ProposalPolicy.ikeDefault().offer(Octets.EMPTY);

    assertThat(offer).hasSize(2);
    assertThat(offer.get(0).number()).isEqualTo(1);
    assertThat(offer.get(0).transforms(Transform.INTEG)).isEmpty();
    assertThat(offer.get(0).transforms(Transform.ENCR)).allMatch(ProposalPolicy::isAead);
    assertThat(offer.get(1).number()).isEqualTo(2);
    assertThat(offer.get(1).transforms(Transform.ENCR)).noneMatch(ProposalPolicy::isAead);
    assertThat(offer.get(1).transforms(Transform.INTEG)).hasSize(3);
    assertThat(offer.get(1).transforms(Transform.DH))
        .contains(Transform.of(Transform.DH, Transform.MODP_3072))
        .contains(Transform.of(Transform.DH, Transform.MODP_4096));
  }

  @Test
  void theDefaultResponderTakesAWindowsLikeAesCbcSha256Modp2048Proposal() {
    Proposal windows =
        Proposal.of(
            1,
            Proposal.IKE,
            CBC256,
            SHA256_128,
            PRF256,
            Transform.of(Transform.DH, Transform.MODP_2048));

    Proposal chosen =
        ProposalPolicy.ikeDefault().choose(SecurityAssociationPayload.of(windows)).orElseThrow();

    assertThat(chosen.transforms()).containsExactlyInAnyOrderElementsOf(windows.transforms());
    assertThat(ProposalPolicy.ikeDefault().accepts(chosen)).isTrue();
  }

  @Test
  void anAeadIsChosenWithoutIntegrityEvenWhenOfferedInOneProposalWithAesCbc() {
    Proposal mixed =
        Proposal.of(
            1,
            Proposal.IKE,
            CBC256,
            GCM256,
            SHA256_128,
            PRF256,
            Transform.of(Transform.DH, Transform.ECP_256));

    Proposal chosen =
        ProposalPolicy.ikeDefault().choose(SecurityAssociationPayload.of(mixed)).orElseThrow();

    // GCM with an INTEG other than NONE is no valid pairing, so AES-CBC with its INTEG is taken.
    assertThat(chosen.transforms(Transform.ENCR)).containsExactly(CBC256);
    assertThat(chosen.transforms(Transform.INTEG)).containsExactly(SHA256_128);
  }

  @Test
  void anAeadWithAnExplicitIntegNoneIsChosenAndAnswersWithoutIntegrity() {
    Proposal gcmWithNone =
        Proposal.of(
            1,
            Proposal.IKE,
            GCM256,
            Transform.of(Transform.INTEG, Transform.INTEG_NONE),
            PRF256,
            Transform.of(Transform.DH, Transform.ECP_256));

    Proposal chosen =
        ProposalPolicy.ikeDefault()
            .choose(SecurityAssociationPayload.of(gcmWithNone))
            .orElseThrow();

    assertThat(chosen.transforms(Transform.INTEG)).isEmpty();
    assertThat(ProposalPolicy.ikeDefault().accepts(chosen)).isTrue();
  }

  @Test
  void anAnswerOfAesCbcWithoutIntegrityOrAnAeadWithIntegrityIsRefused() {
    ProposalPolicy ours = ProposalPolicy.ikeDefault();
    var ecp256 = Transform.of(Transform.DH, Transform.ECP_256);

    assertThat(ours.accepts(Proposal.of(1, Proposal.IKE, CBC256, PRF256, ecp256))).isFalse();
    assertThat(ours.accepts(Proposal.of(1, Proposal.IKE, GCM256, SHA256_128, PRF256, ecp256)))
        .isFalse();
    assertThat(ours.accepts(Proposal.of(1, Proposal.IKE, CBC256, SHA256_128, PRF256, ecp256)))
        .isTrue();
  }

  @Test
  void proposalsAreReadInStrongSwansSyntax() {
    ProposalPolicy policy =
        ProposalSyntax.parse(Proposal.IKE, "aes256-sha256-modp2048, aes256gcm16-prfsha384-ecp256");

    assertThat(policy.transforms())
        .containsExactly(
            CBC256,
            SHA256_128,
            Transform.of(Transform.DH, Transform.MODP_2048),
            PRF256,
            GCM256,
            Transform.of(Transform.PRF, Transform.PRF_HMAC_SHA2_384),
            Transform.of(Transform.DH, Transform.ECP_256));
    assertThat(ProposalSyntax.parse(Proposal.ESP, "aes128gcm16-noesn").transforms())
        .containsExactly(GCM128, Transform.of(Transform.ESN, Transform.ESN_NO));
    assertThat(ProposalSyntax.parse(Proposal.IKE, "default"))
        .isEqualTo(ProposalPolicy.ikeDefault());
  }

  @Test
  void proposalsThatCannotBeHonouredAreRefusedWhenConfigured() {
    assertThatThrownBy(() -> ProposalSyntax.parse(Proposal.IKE, "aes256-prfsha256-ecp256"))
        .hasMessageContaining("no integrity algorithm");
    assertThatThrownBy(() -> ProposalSyntax.parse(Proposal.IKE, "aes256gcm16-sha256-ecp256"))
        .hasMessageContaining("beside an AEAD");
    assertThatThrownBy(() -> ProposalSyntax.parse(Proposal.IKE, "3des-sha1-modp1024"))
        .hasMessageContaining("'3des'");
    assertThatThrownBy(() -> ProposalSyntax.parse(Proposal.IKE, "aes256gcm16-prfsha256"))
        .hasMessageContaining("no D-H group");
  }

  @Test
  void theDefaultEspPolicyTakesWindowsAesCbcSha256AndApplesAesGcmAsOffered() {
    for (String client : List.of("aes256-sha256-noesn", "aes256gcm16-noesn", "chacha20poly1305")) {
      ProposalPolicy offer = ProposalSyntax.parse(Proposal.ESP, client);
      Proposal chosen =
          ProposalPolicy.espDefault()
              .choose(new SecurityAssociationPayload(offer.offer(ChildSaFactory.spiOctets(0x99))))
              .orElseThrow();

      assertThat(offer.accepts(chosen)).as(client).isTrue();
    }
  }

  @Test
  void espChoiceNeedsEncryptionAndEsn() {
    ProposalPolicy esp = ProposalPolicy.esp(List.of(256), List.of(Transform.ESN_NO));
    List<Proposal> offered = ProposalPolicy.espDefault().offer(ChildSaFactory.spiOctets(0x1234));
    Proposal chosen = esp.choose(new SecurityAssociationPayload(offered)).orElseThrow();

    assertThat(chosen.transforms())
        .containsExactly(GCM256, Transform.of(Transform.ESN, Transform.ESN_NO));
    assertThat(ChildSaFactory.spiOf(chosen)).isEqualTo(0x1234);
    assertThat(ProposalPolicy.espDefault().accepts(chosen)).isTrue();
    // An answer with two transforms of one type is not a choice.
    assertThat(ProposalPolicy.espDefault().accepts(offered.get(0))).isFalse();
  }
}
