package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.testing.RecordedSecurityEvents;
import io.mvpn.ike.pki.CertificateAuthenticator.Reason;
import io.mvpn.ike.pki.CertificateAuthenticator.Refusal;
import io.mvpn.ike.pki.CertificateValidator.Status;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PeerRefusalsTest {

  @Test
  void aPeerRefusedAtIkeAuthIsCountedAndReportedAsAnIkeAuthenticationFailure() {
    RecordedSecurityEvents events = new RecordedSecurityEvents();
    PeerRefusals refusals =
        new PeerRefusals("gw1", LoggerFactory.getLogger(PeerRefusalsTest.class), events);

    refusals.refused(
        "a node", new Refusal(Reason.UNTRUSTED_CHAIN, Status.UNKNOWN_CA, "issuer CN=Mallory"));

    assertThat(refusals.counts()).containsEntry("untrusted_chain/unknown_ca", 1L);
    SecurityEvent e = events.all().get(0);
    assertThat(e.function()).isEqualTo("ike/gw1");
    assertThat(e.source()).isEqualTo("a node");
    assertThat(e.reason()).isEqualTo("ike-auth-failed");
    assertThat(e.detail()).isEqualTo("untrusted_chain/unknown_ca: issuer CN=Mallory");
  }
}
