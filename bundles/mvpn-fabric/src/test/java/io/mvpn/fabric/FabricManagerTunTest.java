package io.mvpn.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.fabric.tenant.TenantManager;
import io.mvpn.net.transport.tun.TunException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the fabric treats a tun: interface whose device it cannot open. */
class FabricManagerTunTest {

  private final FabricManager fabric = new FabricManager();

  @BeforeEach
  void start() {
    fabric.tenants = new TenantManager();
    fabric.activate();
  }

  @AfterEach
  void stop() {
    fabric.deactivate();
  }

  @Test
  void anInterfaceWhoseDeviceCannotBeOpenedStaysDownWithTheReasonAndMayBeConfiguredAgain() {
    // Loopback is no TUN device: refused as such by the kernel, or earlier (no /dev/net/tun, no
    // access to it, no native calls), with a reason in every case.
    assertThatThrownBy(
            () ->
                fabric.configureInterface(
                    "public", "host-tun", "10.200.0.2/24", "tun:lo,mtu=1400", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tun:lo")
        .cause()
        .isInstanceOfSatisfying(
            TunException.class,
            e -> assertThat(e.reason()).isNotEqualTo(TunException.Reason.BAD_NAME));

    assertThat(fabric.findInterface("host-tun")).isEmpty();
    fabric.configureInterface("public", "host-tun", "10.200.0.2/24", "mem:spare", List.of());
    assertThat(fabric.findInterface("host-tun")).isPresent();
  }
}
