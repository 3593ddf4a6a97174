package io.mvpn.homeagent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.testing.ConfigProxy;
import io.mvpn.api.testing.MapKeyService;
import io.mvpn.api.testing.RecordingBundleContext;
import io.mvpn.lab.Lab;
import io.mvpn.lab.LabFabric;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.store.InMemoryBindingStore;
import io.mvpn.store.InMemoryCounterStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/**
 * The home agent component and the inner IPsec layers in the registry (seed 002 claim 24): its
 * tunnel asks the layer registered for its tenant, another tenant's never, and none once it goes.
 */
class HomeAgentInnerSecurityTest {

  static final MvpnId ACME = MvpnId.of("acme");
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  static final Ipv4Address CARE_OF = Ipv4Address.parse("203.0.113.61");

  private Lab lab;
  private HomeAgentInstance component;
  private final RecordingBundleContext recorder = new RecordingBundleContext();

  /** A layer that records what it is asked to protect and withholds it. */
  private static final class Recording implements InnerTunnelSecurity {
    final List<Integer> asked = new ArrayList<>();

    @Override
    public boolean admits(Ipv4Packet inner) {
      return true;
    }

    @Override
    public Ipv4Packet protect(Ipv4Packet inner) {
      asked.add(inner.destination());
      return null;
    }
  }

  private final Recording acmeLayer = new Recording();
  private final Recording globexLayer = new Recording();

  @BeforeEach
  void lab() {
    TopologyBuilder b = new TopologyBuilder(24);
    b.segment("internet", "1ms").segment("acme-lan", "1ms");
    b.node("appliance")
        .vrf("public")
        .iface("wan", "internet", "203.0.113.1/24")
        .vrf("acme")
        .iface("acme-lan", "acme-lan", "10.1.1.1/24");
    b.node("host")
        .vrf("main")
        .iface("eth0", "acme-lan", "10.1.1.100/24")
        .route("0.0.0.0/0", "10.1.1.1");
    lab = Lab.virtual(b.build());
    component = new HomeAgentInstance();
    component.fabric = new LabFabric(lab, "appliance");
    InMemoryBindingStore store = new InMemoryBindingStore();
    store.put(
        new Binding(
            ACME,
            HOME,
            CARE_OF,
            HA,
            0,
            600,
            0,
            TimeUnit.SECONDS.toNanos(600),
            1,
            CARE_OF,
            434,
            Binding.Encapsulation.IP_IN_IP));
    component.store = store;
    component.counters = new InMemoryCounterStore();
    component.tenant = tenant();
    component.keyService = new MapKeyService();
  }

  @AfterEach
  void close() {
    component.deactivate();
    lab.close();
  }

  private void activate() {
    component.activate(
        recorder.context(),
        ConfigProxy.of(
            HomeAgentInstance.Config.class,
            Map.of("mvpn_tenant", "acme", "address", HA.toString())),
        Map.of(Constants.SERVICE_PID, "io.mvpn.homeagent~acme", "mvpn.tenant", "acme"));
  }

  @Test
  void theTunnelAsksItsTenantsLayerOnlyWhileItIsRegistered() {
    activate();
    component.bindInnerSecurity(globexLayer, Map.of("mvpn.tenant", "globex"));
    sendToTheNode();
    assertThat(globexLayer.asked).isEmpty();

    component.bindInnerSecurity(acmeLayer, Map.of("mvpn.tenant", "acme"));
    sendToTheNode();
    assertThat(acmeLayer.asked).containsExactly(HOME.toInt());

    component.unbindInnerSecurity(acmeLayer);
    sendToTheNode();
    assertThat(acmeLayer.asked).hasSize(1);
    assertThat(globexLayer.asked).isEmpty();
  }

  @Test
  void aLayerRegisteredBeforeTheHomeAgentStartsIsHandedOverOnActivation() {
    component.bindInnerSecurity(acmeLayer, Map.of("mvpn.tenant", "acme"));
    activate();

    sendToTheNode();

    assertThat(acmeLayer.asked).containsExactly(HOME.toInt());
  }

  @Test
  void aLayerComingOrGoingAfterDeactivationNeverReachesTheStoppedEngine() {
    List<String> onLoop = new ArrayList<>();
    FabricService fabric = component.fabric;
    component.fabric =
        (FabricService)
            Proxy.newProxyInstance(
                FabricService.class.getClassLoader(),
                new Class<?>[] {FabricService.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("onLoop")) {
                    onLoop.add(method.getName());
                  }
                  try {
                    return method.invoke(fabric, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    activate();
    component.bindInnerSecurity(acmeLayer, Map.of("mvpn.tenant", "acme"));
    component.deactivate();
    onLoop.clear();

    component.unbindInnerSecurity(acmeLayer);
    component.bindInnerSecurity(globexLayer, Map.of("mvpn.tenant", "acme"));

    assertThat(onLoop).isEmpty();
  }

  /**
   * acme's host sends a datagram to the node's home address, which the home agent stands in for.
   */
  private void sendToTheNode() {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[8]);
    lab.vrf("host", "main").sendUdp(null, HOME, 7000, 5000, payload);
    payload.release();
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  private static Tenant tenant() {
    return new Tenant() {
      @Override
      public MvpnId id() {
        return ACME;
      }

      @Override
      public String description() {
        return "Acme";
      }

      @Override
      public List<Prefix> homeRealms() {
        return List.of(Prefix.parse("10.1.0.0/16"));
      }
    };
  }
}
