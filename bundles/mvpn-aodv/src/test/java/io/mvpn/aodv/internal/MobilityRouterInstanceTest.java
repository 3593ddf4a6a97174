package io.mvpn.aodv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The mobility router component as the configuration admin starts it: a cfg whose links are fine
 * but whose later settings are wrong leaves no interface of the router behind in the fabric.
 */
class MobilityRouterInstanceTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final Vrf vrf = new Vrf("mr1", time, UnpooledByteBufAllocator.DEFAULT);
  private final MemorySegment air = new MemorySegment("air", LinkProperties.IDEAL, 1);
  private final List<String> configured = new ArrayList<>();

  @Test
  void aDhcpLinkIndexBeyondTheLinksLeavesNoInterfaceBehind() {
    MobilityRouterInstance router = new MobilityRouterInstance();
    router.fabric = new OneVrfFabric();

    assertThatThrownBy(
            () ->
                router.activate(
                    config(
                        Map.of(
                            "siteRealm", "acme.example",
                            "foreignAgent", "10.1.0.1",
                            "dhcpLinks", new int[] {5}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DHCP link 5 of 2");
    assertThat(configured).isEmpty();
    assertThat(vrf.interfaces()).isEmpty();
  }

  @Test
  void aValidConfigurationKeepsItsInterfaces() {
    MobilityRouterInstance router = new MobilityRouterInstance();
    router.fabric = new OneVrfFabric();

    router.activate(config(Map.of()));

    assertThat(configured).containsExactly("mr1-l0", "mr1-l1");
    router.deactivate();
    assertThat(configured).isEmpty();
  }

  /** The router's cfg: name mr1 at 10.1.0.2 on two memory links, {@code set} over the defaults. */
  private static MobilityRouterInstance.Config config(Map<String, Object> set) {
    return (MobilityRouterInstance.Config)
        Proxy.newProxyInstance(
            MobilityRouterInstance.Config.class.getClassLoader(),
            new Class<?>[] {MobilityRouterInstance.Config.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "name" -> "mr1";
                  case "address" -> "10.1.0.2";
                  case "links" -> new String[] {"mem:a", "mem:b"};
                  default -> set.getOrDefault(method.getName(), method.getDefaultValue());
                });
  }

  /** A fabric of one VRF whose interfaces are ports on one memory segment. */
  private final class OneVrfFabric implements FabricService {
    @Override
    public List<Vrf> vrfs() {
      return List.of(vrf);
    }

    @Override
    public Optional<Vrf> vrf(String name) {
      return Optional.of(vrf).filter(v -> v.name().equals(name));
    }

    @Override
    public Vrf tenantVrf(MvpnId tenant) {
      throw new UnsupportedOperationException("no tenants here");
    }

    @Override
    public Vrf createVrf(String name) {
      return vrf;
    }

    @Override
    public MemorySegment segment(String name) {
      return air;
    }

    @Override
    public Optional<Interface> findInterface(String name) {
      return Optional.ofNullable(vrf.getInterface(name));
    }

    @Override
    public void configureInterface(
        String vrfName, String name, String address, String transport, List<String> routes) {
      vrf.addInterface(name, Ipv4Address.parse(address.split("/")[0]), 32, air.newPort());
      configured.add(name);
    }

    @Override
    public boolean removeInterface(String name) {
      vrf.removeInterface(name);
      return configured.remove(name);
    }

    @Override
    public long epochOffsetNanos() {
      return 0;
    }
  }
}
