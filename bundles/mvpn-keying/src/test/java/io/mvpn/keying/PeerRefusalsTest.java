package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.testing.RecordedSecurityEvents;
import io.mvpn.ike.pki.CertificateAuthenticator.Reason;
import io.mvpn.ike.pki.CertificateAuthenticator.Refusal;
import io.mvpn.ike.pki.CertificateValidator.Status;
import io.mvpn.store.InMemoryCounterStore;
import java.util.Map;
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

  @Test
  void refusalsCountedInTheCounterStoreGoOnFromTheTotalsOfTheRefusalsBefore() {
    CounterStore store = new InMemoryCounterStore();
    Refusal unknownCa = new Refusal(Reason.UNTRUSTED_CHAIN, Status.UNKNOWN_CA, "issuer CN=Mallory");
    new PeerRefusals("ike1", LOG, new RecordedSecurityEvents(), store, "ike/ike1")
        .refused("peer a", unknownCa);

    PeerRefusals after =
        new PeerRefusals("ike1", LOG, new RecordedSecurityEvents(), store, "ike/ike1");
    assertThat(after.counts()).containsExactly(Map.entry("untrusted_chain/unknown_ca", 1L));
    after.refused("peer a", unknownCa);

    assertThat(after.counts()).containsExactly(Map.entry("untrusted_chain/unknown_ca", 2L));
    assertThat(store.snapshot("ike/ike1"))
        .containsExactly(Map.entry("auth_failures/untrusted_chain/unknown_ca", 2L));
    assertThat(store.snapshot("ike/ike2")).isEmpty();
  }

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(PeerRefusalsTest.class);
}
