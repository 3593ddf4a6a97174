package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mvpn's SA manager keyed by an MIT krb5kdc: the manager's and the nodes' principals and keytabs
 * are MIT's (kadmin.local), their tickets MIT's, and the pairs, installs and reuse are as with
 * mvpn's own KDC.
 */
class SamAgainstMitKdcTest {

  @TempDir Path dir;

  @Test
  void theManagerKeysPairsFromAnMitKdcAndNodesReuseThemWithoutAMessage() throws Exception {
    try (SamRealm realm = SamRealm.onMitKdc(dir, 4)) {
      VirtualTimeScheduler time = new VirtualTimeScheduler();
      VirtualWire wire = new VirtualWire(time);
      SamResponder sam = realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory());
      List<SamClient> nodes = new ArrayList<>();
      for (int n = 0; n < 4; n++) {
        sam.knowNode(node(n), SamRealm.address(n));
        nodes.add(realm.node(time, wire, n, 0));
      }
      List<InstalledSa> granted = new ArrayList<>();
      for (int[] pair : new int[][] {{0, 1}, {0, 2}, {3, 1}}) {
        nodes.get(pair[0]).connect(node(pair[1]), outcome(granted));
        time.advance(200, TimeUnit.MILLISECONDS);
        assertThat(nodes.get(pair[1]).sa(node(pair[0])).inbound())
            .isEqualTo(granted.get(granted.size() - 1).outbound());
      }
      // Tickets for node01 and node02: the third pair, with node01 again, reused the first.
      assertThat(sam.manager().counters().kdcExchanges()).isEqualTo(2);
      assertThat(sam.counters().installsAcknowledged()).isEqualTo(3);

      int sent = wire.count();
      nodes.get(1).connect(node(0), outcome(granted));
      assertThat(wire.count()).isEqualTo(sent);
      assertThat(granted).hasSize(4);
      assertThat(sam.counters().refused().total()).isZero();
    }
  }

  private static SamClient.Outcome outcome(List<InstalledSa> granted) {
    return new SamClient.Outcome() {
      @Override
      public void ready(InstalledSa sa) {
        granted.add(sa);
      }

      @Override
      public void failed(long kinkError, String reason) {
        throw new AssertionError(reason);
      }
    };
  }
}
