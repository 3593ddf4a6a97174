package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.Transform;
import io.mvpn.ike.sa.ProposalPolicy;
import org.junit.jupiter.api.Test;

/** A peer's proposals in the daemon cfg, written as strongSwan writes them. */
class PeerSpecTest {

  @Test
  void aPeerWithoutProposalsTakesTheDefaults() {
    PeerSpec spec = PeerSpec.parse("gw2 id=gw1.example psk=0x0102", null, null);

    assertThat(spec.ike()).isEqualTo(ProposalPolicy.ikeDefault());
    assertThat(spec.esp()).isEqualTo(ProposalPolicy.espDefault());
  }

  @Test
  void aWindowsLikeIkeProposalIsKeptInItsOrder() {
    PeerSpec spec =
        PeerSpec.parse(
            "win id=gw1.example psk=0x0102 ike=aes256-sha256-modp2048,aes256gcm16-prfsha256-ecp256"
                + " esp=aes256gcm16-noesn",
            null,
            null);

    assertThat(spec.ike().protocolId()).isEqualTo(Proposal.IKE);
    assertThat(spec.ike().ofType(Transform.ENCR))
        .extracting(Transform::id)
        .containsExactly(Transform.ENCR_AES_CBC, Transform.ENCR_AES_GCM_16);
    assertThat(spec.ike().ofType(Transform.DH))
        .extracting(Transform::id)
        .containsExactly(Transform.MODP_2048, Transform.ECP_256);
    assertThat(spec.esp().transforms())
        .containsExactly(
            Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_GCM_16, 256),
            Transform.of(Transform.ESN, Transform.ESN_NO));
  }

  @Test
  void aProposalTheEngineCannotHonourIsRefusedWithTheWordNamed() {
    assertThatThrownBy(() -> PeerSpec.parse("p id=a psk=01 ike=3des-md5-modp1024", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'3des'");
  }
}
