package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import org.junit.jupiter.api.Test;

class AgentRestartsTest {

  private static final Ipv4Address AGENT = Ipv4Address.parse("203.0.113.21");
  private final AgentRestarts restarts = new AgentRestarts();

  @Test
  void aSequenceThatFallsBelow256MeansTheAgentStartedAgain() {
    assertThat(restarts.restarted(AGENT, 0)).isFalse();
    assertThat(restarts.restarted(AGENT, 1)).isFalse();
    assertThat(restarts.restarted(AGENT, 57)).isFalse();
    assertThat(restarts.restarted(AGENT, 0)).isTrue();
    assertThat(restarts.restarted(AGENT, 1)).isFalse();
  }

  @Test
  void theWrapFrom0xFFFFTo256IsNoRestart() {
    restarts.restarted(AGENT, 0xFFFF);
    assertThat(restarts.restarted(AGENT, 256)).isFalse();
  }

  @Test
  void eachAgentIsFollowedApart() {
    restarts.restarted(AGENT, 90);
    assertThat(restarts.restarted(Ipv4Address.parse("203.0.113.22"), 3)).isFalse();
  }
}
