package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import org.junit.jupiter.api.Test;

/** RFC 7296 §3.15: a road warrior asks for its address inside the network and gets its home one. */
class ConfigurationPayloadExchangeTest {

  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");

  @Test
  void theMobileNodeGetsItsHomeAddressAndTheChildSaIsNarrowedToIt() {
    IkePair pair =
        new IkePair(
            IkePair.mnConfig().withVirtualAddresses(id -> null),
            IkePair.gwConfig().withVirtualAddresses(id -> id.equals(IkePair.MN_ID) ? HOME : null),
            EngineSettings.defaults());
    IkeSa mn = pair.start();
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.virtualAddress()).isEqualTo(HOME);
    assertThat(pair.peerOf(mn).virtualAddress()).isEqualTo(HOME);
    // The node's side of the tunnel is exactly the address it was given (§2.9).
    var own = io.mvpn.ike.message.TrafficSelector.ipv4(HOME, HOME);
    assertThat(mn.childSas().get(0).localSelectors()).containsExactly(own);
    assertThat(pair.peerOf(mn).childSas().get(0).remoteSelectors()).containsExactly(own);
  }

  @Test
  void withoutAnAddressForThePeerNoneIsGivenAndTheTunnelStillComesUp() {
    IkePair pair =
        new IkePair(
            IkePair.mnConfig().withVirtualAddresses(id -> null),
            IkePair.gwConfig().withVirtualAddresses(id -> null),
            EngineSettings.defaults());
    IkeSa mn = pair.start();
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.virtualAddress()).isNull();
    assertThat(mn.childSas()).hasSize(1);
  }
}
