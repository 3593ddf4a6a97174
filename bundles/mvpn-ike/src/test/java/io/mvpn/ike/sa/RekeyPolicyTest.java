package io.mvpn.ike.sa;

import static io.mvpn.ike.sa.ChildRekeyTest.assertPairWorks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.ike.message.Transform;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Re-keys by soft lifetime (RFC 7296 §2.8), in virtual time. */
class RekeyPolicyTest {

  /**
   * A soft lifetime policy: the gateway re-keys its Child SA and its IKE SA by itself, again and
   * again, each before its lifetime is up; traffic keeps working throughout.
   */
  @Test
  void aPolicyRekeysByItself() throws Exception {
    IkePair timed =
        new IkePair(
            IkePair.mnConfig(),
            IkePair.gwConfig(),
            EngineSettings.defaults().withRekey(new RekeyPolicy(600, 300, 30, Transform.ECP_256)));
    IkeSa first = timed.start();
    timed.run(100);
    int firstChild = first.childSas().get(0).inbound().spi();
    timed.run(269_000); // before 270 s nothing happens
    assertThat(timed.flow()).containsOnly("34", "34R", "35", "35R");
    timed.run(31_000); // by 300 s the Child SA is new
    assertThat(timed.flow()).endsWith("36", "36R", "37", "37R");
    assertThat(first.childSas()).hasSize(1);
    assertThat(first.childSas().get(0).inbound().spi()).isNotEqualTo(firstChild);
    timed.run(300_000); // by 600 s the IKE SA is new
    assertThat(first.state()).isEqualTo(IkeSaState.DESTROYED);
    timed.run(3_000_000); // an hour in all
    // Every 570-600 s an IKE re-key (each ends the old SA at both ends), every 270-300 s a Child
    // SA re-key: 6 and 12 or 13 in the hour.
    assertThat(timed.ended).hasSize(12);
    assertThat(timed.flow().stream().filter("36"::equals).count()).isBetween(18L, 19L);
    assertThat(timed.initiator.sas()).hasSize(1);
    assertThat(timed.responder.sas()).hasSize(1);
    IkeSa mn = timed.initiator.sas().iterator().next();
    IkeSa gw = timed.responder.sas().iterator().next();
    assertThat(mn.spiI()).isEqualTo(gw.spiI());
    ChildSa m = mn.childSas().get(0);
    ChildSa g = gw.childSas().get(0);
    assertThat(mn.childSas()).hasSize(1);
    assertPairWorks(m.outbound(), g.inbound());
    assertPairWorks(g.outbound(), m.inbound());
    assertThat(timed.gwSad.all()).containsExactly(g.inbound());
  }

  @Test
  void lifetimesAreCheckedAndJitterShortensThem() {
    RekeyPolicy policy = new RekeyPolicy(600, 300, 30, 0);
    Random random = new Random(7);
    for (int i = 0; i < 100; i++) {
      assertThat(policy.ikeDelayMillis(random)).isBetween(570_001L, 600_000L);
      assertThat(policy.childDelayMillis(random)).isBetween(270_001L, 300_000L);
    }
    assertThat(RekeyPolicy.NEVER.ikeDelayMillis(random)).isEqualTo(-1);
    assertThat(RekeyPolicy.NEVER.childDelayMillis(random)).isEqualTo(-1);
    assertThatThrownBy(() -> new RekeyPolicy(60, 0, 60, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RekeyPolicy(-1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
