package io.mvpn.homeagent;

import static io.mvpn.homeagent.TwoTenants.ACME_HA;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.testing.RecordedSecurityEvents;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistrationSecurityEventsTest {

  private final TwoTenants lab = new TwoTenants();
  private final TestMobileNode acmeMn = lab.acmeNode();
  private final TestMobileNode globexMn = lab.globexNode();
  private final RecordedSecurityEvents recorder = new RecordedSecurityEvents();

  @BeforeEach
  void reportToRecorder() {
    lab.acme().reportTo(recorder);
  }

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  void aWrongKeyIsReportedAsAnMnHaAuthenticationFailureOfTheTenantWithItsSender() {
    globexMn.sendSignedRequest(ACME_HA, ACME_HA);
    lab.run();

    assertThat(globexMn.lastReply().code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
    assertThat(recorder.all()).hasSize(1);
    SecurityEvent e = recorder.all().get(0);
    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.function()).isEqualTo("homeagent/acme");
    assertThat(e.reason()).isEqualTo("mn-ha-auth-failed");
    assertThat(e.source()).startsWith("203.0.113.52:");
    assertThat(e.detail()).contains("10.1.0.5");
  }

  @Test
  void aReplayIsReportedAndAnAcceptedRequestIsNot() {
    long id = acmeMn.identification();
    acmeMn.send(
        acmeMn.request(300, id).authenticate(MipConstants.EXT_MN_HA_AUTH, acmeMn.sa).build());
    lab.run();
    assertThat(recorder.all()).isEmpty();

    acmeMn.send(
        acmeMn.request(300, id).authenticate(MipConstants.EXT_MN_HA_AUTH, acmeMn.sa).build());
    lab.run();

    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
    assertThat(recorder.all()).extracting(SecurityEvent::reason).containsExactly("replay");
  }

  @Test
  void unreadableRequestsAreReportedAsMalformedOncePerDatagram() {
    for (int i = 0; i < 1000; i++) {
      acmeMn.send(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0}));
    }
    lab.run();

    assertThat(lab.acme().stats().malformedDropped()).isEqualTo(1000);
    assertThat(recorder.all()).hasSize(1000).allMatch(e -> e.reason().equals("malformed"));
  }
}
