package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentRoutesTest {

  private static final Ipv4Address FA1 = Ipv4Address.parse("203.0.113.21");
  private static final Ipv4Address FA2 = Ipv4Address.parse("198.51.100.31");

  private final List<String> commands = new ArrayList<>();
  private final AgentRoutes routes =
      new AgentRoutes(
          "wlan0",
          Ipv4Address.parse("10.1.0.5"),
          List.of(Prefix.parse("10.1.0.0/16")),
          command -> commands.add(String.join(" ", command)));

  @Test
  void anAgentHeardGetsOnlyAHostRouteAndThePrefixFollowsOnceItsRegistrationIsAccepted() {
    routes.heard(FA1, FA1);

    assertThat(commands).containsExactly("ip route replace 203.0.113.21/32 dev wlan0 src 10.1.0.5");
    assertThat(routes.careOf()).isNull();

    routes.accepted(FA1);

    assertThat(commands)
        .last()
        .isEqualTo("ip route replace 10.1.0.0/16 via 203.0.113.21 dev wlan0 src 10.1.0.5 onlink");
    assertThat(routes.careOf()).isEqualTo(FA1);
  }

  @Test
  void heardAgainTheAgentInUseCostsNothing() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    commands.clear();

    routes.heard(FA1, FA1);
    routes.accepted(FA1); // a re-registration at half the lifetime

    assertThat(commands).isEmpty();
  }

  @Test
  void aNewAgentTakesThePrefixByReplacingTheRouteBeforeTheOldAgentsRouteGoes() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    commands.clear();

    routes.heard(FA2, FA2);
    assertThat(routes.careOf()).isEqualTo(FA1); // still FA1's until the home agent says yes
    routes.accepted(FA2);

    assertThat(commands)
        .containsExactly(
            "ip route replace 198.51.100.31/32 dev wlan0 src 10.1.0.5",
            "ip route replace 10.1.0.0/16 via 198.51.100.31 dev wlan0 src 10.1.0.5 onlink",
            "ip route del 203.0.113.21/32 dev wlan0");
    assertThat(routes.careOf()).isEqualTo(FA2);
  }

  @Test
  void anAgentHeardButNeverAcceptedLeavesTheTrafficWhereItWasAndLosesItsRouteToTheNextOne() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    commands.clear();

    routes.heard(FA2, FA2);
    routes.accepted(Ipv4Address.parse("203.0.113.99")); // a reply for another care-of address
    routes.heard(FA1, FA1); // back before FA2 accepted anything

    assertThat(commands)
        .containsExactly(
            "ip route replace 198.51.100.31/32 dev wlan0 src 10.1.0.5",
            "ip route del 198.51.100.31/32 dev wlan0");
    assertThat(routes.careOf()).isEqualTo(FA1);
  }

  @Test
  void afterALinkChangeTheSameAgentsRoutesAreSetAgainOnItsNextAcceptance() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    commands.clear();

    routes.linkChanged(); // the kernel dropped the routes with the link
    routes.heard(FA1, FA1);
    routes.accepted(FA1);

    assertThat(commands)
        .containsExactly(
            "ip route replace 203.0.113.21/32 dev wlan0 src 10.1.0.5",
            "ip route replace 10.1.0.0/16 via 203.0.113.21 dev wlan0 src 10.1.0.5 onlink");
  }

  @Test
  void closingTakesThePrefixesThenTheHostRoutesAway() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    commands.clear();

    routes.close();

    assertThat(commands)
        .containsExactly(
            "ip route del 10.1.0.0/16 dev wlan0", "ip route del 203.0.113.21/32 dev wlan0");
    assertThat(routes.careOf()).isNull();
  }

  @Test
  void backAtHomeTheAgentsRoutesGoByTheirNextHopSoTheLinksOwnRouteHomeStays() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    commands.clear();

    routes.leave();

    assertThat(commands)
        .containsExactly(
            "ip route del 10.1.0.0/16 via 203.0.113.21 dev wlan0",
            "ip route del 203.0.113.21/32 dev wlan0");
    assertThat(routes.careOf()).isNull();
    commands.clear();
    routes.close(); // nothing left on record: the link's own 10.1.0.0/16 is not touched
    assertThat(commands).isEmpty();
  }

  @Test
  void homeAfterTheLinkChangedForgetsTheRoutesTheKernelDroppedAlready() {
    routes.heard(FA1, FA1);
    routes.accepted(FA1);
    routes.linkChanged();
    commands.clear();

    routes.leave();
    routes.close();

    assertThat(commands).isEmpty();
  }
}
