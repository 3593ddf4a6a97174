package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteGatewayTest {

  static final Prefix SITE = Prefix.parse("10.1.200.0/24");
  static final Ipv4Address NODE = Ipv4Address.parse("10.1.200.5");
  static final Ipv4Address HOME_NETWORK = Ipv4Address.parse("10.1.0.1");

  @Test
  void theGatewayAnswersForWhatLiesOutsideTheSiteAndNotForTheSitesOwnNodes() {
    SiteGateway gateway = SiteGateway.of(SITE);
    assertThat(gateway.test(HOME_NETWORK)).isTrue();
    assertThat(gateway.test(Ipv4Address.parse("198.51.100.7"))).isTrue();
    assertThat(gateway.test(NODE)).isFalse();
    assertThat(gateway.actsAsHomeAgent()).isFalse();
  }

  @Test
  void actingAsHomeAgentItAnswersForANodeOfTheSiteOnlyWhileItIsBoundAway() {
    Set<Ipv4Address> bound = new HashSet<>();
    SiteGateway gateway = SiteGateway.of(SITE).actingAsHomeAgent(bound::contains);
    assertThat(gateway.test(NODE)).isFalse();
    bound.add(NODE);
    assertThat(gateway.test(NODE)).isTrue();
    assertThat(gateway.test(Ipv4Address.parse("10.1.200.6"))).isFalse();
    bound.remove(NODE);
    assertThat(gateway.test(NODE)).isFalse(); // back in the site: AODV finds it again
    assertThat(gateway.actsAsHomeAgent()).isTrue();
    assertThat(gateway.site()).isEqualTo(SITE);
  }
}
