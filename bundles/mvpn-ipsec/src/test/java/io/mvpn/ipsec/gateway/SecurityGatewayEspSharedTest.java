package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own thread owning a share of the SAs beside one owner thread (two cores' worth):
 * every test of {@link SecurityGatewayTunnelsTest} with each tunnel's SAs on either, and a tunnel
 * split across both carrying traffic both ways.
 */
class SecurityGatewayEspSharedTest extends SecurityGatewayTunnelsTest {

  final VirtualTimeScheduler owner = new VirtualTimeScheduler();
  EspOwners owners;

  @BeforeEach
  void shareWithOwner() {
    owners =
        new EspOwners(
            List.of(owner), true, lab.virtualTime(), UnpooledByteBufAllocator.DEFAULT, 64);
    gateway.spreadEspOver(owners);
  }

  @Override
  void run() {
    SecurityGatewayEspOwnersTest.runWith(lab, owner);
  }

  @Test
  void aTunnelOpenedOnTheGatewaysThreadAndSealedOnTheOwnerCarriesTrafficBothWays()
      throws Exception {
    EspTunnel t = newTunnel();
    while (owners.ownerOf(t.inbound().spi()) != 1 || owners.ownerOf(t.outbound().spi()) != 0) {
      t = newTunnel();
    }
    tunnels.install(t);
    lab.vrf("mn", "main").send(nodeSeals(t.inbound().spi(), "up on the gateway's thread"));
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + 100_000_000L);
    assertThat(atHost).containsExactly("up on the gateway's thread"); // no owner ran yet
    assertThat(owner.pendingTasks()).isZero();

    hostSends("down through the owner");
    assertThat(atNode).containsExactly("down through the owner");
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_SENT)).isEqualTo(1);
  }
}
