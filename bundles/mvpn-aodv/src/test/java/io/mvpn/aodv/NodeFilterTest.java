package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NAS-Filter-Rules a sink applies to an admitted node (RFC 6733 §4.3.1 IPFilterRule). */
class NodeFilterTest {

  private static final int NODE = Ipv4Address.parse("10.1.0.3").toInt();
  private static final int PEER = Ipv4Address.parse("10.1.0.9").toInt();
  private static final int OUTSIDE = Ipv4Address.parse("203.0.113.7").toInt();

  @Test
  void theFirstRuleOfTheDirectionDecidesAndNoneMatchingDenies() throws Exception {
    NodeFilter f =
        NodeFilter.parse(
            List.of(
                "deny in udp from 10.1.0.3 to 10.1.0.9",
                "permit in ip from 10.1.0.3 to 10.1.0.0/16",
                "permit out ip from !10.2.0.0/16 to 10.1.0.3"));

    assertThat(f.permits(true, 17, NODE, PEER)).isFalse();
    assertThat(f.permits(true, 6, NODE, PEER)).isTrue();
    assertThat(f.permits(true, 6, NODE, OUTSIDE)).isFalse();
    assertThat(f.permits(false, 6, OUTSIDE, NODE)).isTrue();
    assertThat(f.permits(false, 6, Ipv4Address.parse("10.2.0.1").toInt(), NODE)).isFalse();
  }

  @Test
  void aVisitorMayOnlyTunnelToTheForeignAgent() throws Exception {
    Ipv4Address fa = Ipv4Address.parse("10.1.0.2");
    NodeFilter f = NodeFilter.parse(NodeFilter.visitorRules(Ipv4Address.of(NODE), fa));

    assertThat(f.permits(true, 4, NODE, fa.toInt())).isTrue();
    assertThat(f.permits(false, 4, fa.toInt(), NODE)).isTrue();
    assertThat(f.permits(true, 17, NODE, fa.toInt())).isFalse();
    assertThat(f.permits(true, 4, NODE, PEER)).isFalse();
  }

  @Test
  void rulesItCannotApplyAsWrittenAreRefused() {
    for (String bad :
        List.of(
            "permit in ip from any to any 80",
            "allow in ip from any to any",
            "permit both ip from any to any",
            "permit in gre from any to any",
            "permit in ip from 10.1.0.300 to any",
            "")) {
      assertThatThrownBy(() -> NodeFilter.parse(List.of(bad)))
          .as(bad)
          .isInstanceOf(NodeFilter.BadRuleException.class);
    }
  }
}
