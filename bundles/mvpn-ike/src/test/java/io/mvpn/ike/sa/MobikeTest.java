package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 4555: the mobile node changes address; the IKE SA and its Child SAs follow, no re-key. */
class MobikeTest {

  static final Endpoint MOVED = Endpoint.of("203.0.113.99", 500);

  @Test
  void anAddressUpdateMovesTheSaAndItsChildSasAtBothEnds() {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    assertThat(mn.peerSupportsMobike()).isTrue();
    IkeSa gw = pair.peerOf(mn);
    int childSpi = gw.childSas().get(0).outbound().spi();
    // The node's new address reaches the same engine.
    pair.engines.put(MOVED, pair.initiator);
    pair.scheduler.execute(() -> assertThat(pair.initiator.updateAddresses(mn, MOVED)).isTrue());
    pair.run(100);
    assertThat(pair.flow()).endsWith("37", "37R");
    assertThat(gw.remote()).isEqualTo(MOVED);
    assertThat(mn.local()).isEqualTo(MOVED);
    assertThat(pair.responder.counters().addressUpdates()).isEqualTo(1);
    // Same Child SA, same keys, new end points: ESP follows without a new exchange.
    assertThat(gw.childSas().get(0).outbound().spi()).isEqualTo(childSpi);
    assertThat(gw.childSas().get(0).outbound().tunnelDestination()).isEqualTo(MOVED.address());
    assertThat(mn.childSas().get(0).outbound().tunnelSource()).isEqualTo(MOVED.address());
    // And the SA keeps working from there.
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }
}
