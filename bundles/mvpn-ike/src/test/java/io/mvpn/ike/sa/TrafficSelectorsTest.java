package io.mvpn.ike.sa;

import static io.mvpn.ike.sa.IkePair.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Narrowing offered selectors to a policy (RFC 7296 §2.9). */
class TrafficSelectorsTest {

  @Test
  void rangesIntersectAddressesPortsAndProtocols() {
    TrafficSelector udp53 =
        TrafficSelector.ipv4(
            17, 53, 53, Ipv4Address.parse("10.0.0.0"), Ipv4Address.parse("10.255.255.255"));
    assertThat(TrafficSelectors.narrow(List.of(range("10.1.0.0", "10.1.255.255")), List.of(udp53)))
        .containsExactly(
            TrafficSelector.ipv4(
                17, 53, 53, Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255")));
    TrafficSelector tcp =
        TrafficSelector.ipv4(6, 0, 0xFFFF, Ipv4Address.ANY, Ipv4Address.BROADCAST);
    assertThat(TrafficSelectors.intersect(udp53, tcp)).isNull();
  }

  @Test
  void addressesAbove128CompareUnsigned() {
    TrafficSelector high = range("192.168.0.0", "192.168.255.255");
    assertThat(TrafficSelectors.intersect(range("0.0.0.0", "255.255.255.255"), high))
        .isEqualTo(high);
    assertThat(TrafficSelectors.intersect(range("10.0.0.0", "10.255.255.255"), high)).isNull();
  }

  @Test
  void disjointOffersNarrowToNothingAndAnswersMustStayWithinTheOffer() {
    assertThat(
            TrafficSelectors.narrow(
                List.of(range("10.9.0.0", "10.9.0.255")), List.of(range("10.1.0.0", "10.1.0.255"))))
        .isEmpty();
    assertThat(
            TrafficSelectors.within(
                List.of(range("10.1.0.0", "10.1.0.255")),
                List.of(range("10.1.0.0", "10.1.255.255"))))
        .isTrue();
    assertThat(
            TrafficSelectors.within(
                List.of(range("10.0.0.0", "10.1.0.255")),
                List.of(range("10.1.0.0", "10.1.255.255"))))
        .isFalse();
  }
}
