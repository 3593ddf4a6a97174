package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.RejectedConfiguration;
import io.mvpn.api.testing.MapKeyService;
import io.mvpn.api.testing.RecordingBundleContext;
import io.mvpn.ike.fabric.HomeAgentInnerIpsec;
import io.mvpn.ike.fabric.MobileNodeInnerIpsec;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.keying.InnerIpsecService.NodeView;
import io.mvpn.lab.Lab;
import io.mvpn.lab.LabFabric;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/**
 * The inner IPsec component on a home agent's tunnel interface, in virtual time: what it registers,
 * a node keying an SA with it from its home address, and what stopping it leaves. The home agent's
 * tunnel is a plain link here (the Mobile IP tunnel around it is mvpn-mobilenode's
 * IpsecInsideTunnelTest's): the component's part is making, installing and removing the engine.
 */
class InnerIpsecInstanceTest {

  static final Ipv4Address HA = Ipv4Address.parse("10.1.0.1");
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  static final MvpnId ACME = MvpnId.of("acme");

  private Lab lab;
  private Vrf tenantVrf;
  private Vrf nodeVrf;
  private final RecordingBundleContext recorder = new RecordingBundleContext();
  private final List<RejectedConfiguration> rejected = new ArrayList<>();
  private final MapKeyService keystore = new MapKeyService();
  private InnerIpsecInstance component;
  private MobileNodeInnerIpsec node;

  @BeforeEach
  void lab() {
    TopologyBuilder b = new TopologyBuilder(24);
    b.segment("tunnel", "1ms");
    b.node("appliance").vrf("acme").iface("mip-acme", "tunnel", HA + "/24");
    b.node("mn").vrf("main").iface("eth0", "tunnel", HOME + "/24");
    lab = Lab.virtual(b.build());
    tenantVrf = lab.vrf("appliance", "acme");
    nodeVrf = lab.vrf("mn", "main");
    keystore.add("acme-inner", InnerIpsecSettingsTest.PSK);
  }

  @AfterEach
  void close() {
    if (component != null) {
      component.deactivate();
    }
    lab.close();
  }

  private InnerIpsecInstance activated(InnerIpsecInstance.Config config) {
    component = new InnerIpsecInstance();
    component.fabric = new LabFabric(lab, "appliance");
    component.homeAgent = homeAgent();
    component.bindErrors(errors());
    component.bindKeyService(keystore);
    component.activate(
        config,
        recorder.context(),
        Map.of(Constants.SERVICE_PID, "io.mvpn.inneripsec~acme", "mvpn.tenant", "acme"));
    return component;
  }

  @Test
  void itInstallsTheEngineOnTheHomeAgentsTunnelAndRegistersItForTheTenant() {
    activated(InnerIpsecSettingsTest.config());

    HomeAgentInnerIpsec engine = component.engine();
    assertThat(engine).isNotNull();
    assertThat(engine.address()).isEqualTo(HA);
    assertThat(recorder.registered)
        .extracting(r -> r.interfaces().get(0))
        .containsExactly(InnerIpsecService.class.getName(), InnerTunnelSecurity.class.getName());
    assertThat(recorder.registered.get(1).service()).isSameAs(engine);
    assertThat(recorder.registered.get(1).properties().get("mvpn.tenant")).isEqualTo("acme");
    assertThat(rejected).isEmpty();
    // Its IKE port is taken on the tenant VRF.
    assertThat(udp500IsFree()).isFalse();
  }

  @Test
  void aNodeKeysAnSaFromItsHomeAddressAndTheViewShowsItsSpisAndCounts() {
    activated(InnerIpsecSettingsTest.config());
    node = node(Identity.fqdn("mn.acme.example"));
    node.establish();
    advance(3);
    node.send(
        IcmpBuilder.echoRequest(
            ByteBufAllocator.DEFAULT, HOME.toInt(), HA.toInt(), 7, 1, Unpooled.buffer(0), 64));
    advance(1);

    assertThat(node.established()).isTrue();
    List<NodeView> nodes = component.nodes();
    assertThat(nodes).hasSize(1);
    NodeView seen = nodes.get(0);
    assertThat(seen.home()).isEqualTo(HOME.toString());
    assertThat(seen.identity()).contains("mn.acme.example");
    assertThat(seen.ikeSas())
        .singleElement()
        .satisfies(sa -> assertThat(sa.state()).isEqualTo("ESTABLISHED"));
    long inbound = node.childSa().outbound().spi() & 0xFFFFFFFFL;
    assertThat(seen.esp()).containsKey(inbound);
    assertThat(seen.esp().get(inbound).inboundPackets()).isEqualTo(1);
    assertThat(component.decrypted()).isEqualTo(1);
    assertThat(component.mode()).isEqualTo("required");
    assertThat(component.refusals()).isEmpty();
  }

  @Test
  void aNodeProvingAnIdentityNotListedGetsNoChildSaAndTheRefusalIsCounted() {
    activated(InnerIpsecSettingsTest.config());
    node = node(Identity.fqdn("stranger.acme.example"));
    node.establish();
    advance(3);

    assertThat(component.refusals()).containsEntry("child_sa_refused", 1L);
  }

  @Test
  void deactivatingUnregistersFirstThenClosesTheEngineAndFreesItsPort() {
    activated(InnerIpsecSettingsTest.config());
    node = node(Identity.fqdn("mn.acme.example"));
    node.establish();
    advance(3);
    component.deactivate();
    advance(3);

    assertThat(recorder.registered).isEmpty();
    assertThat(component.engine()).isNull();
    assertThat(node.engine().sas()).isEmpty(); // the node heard of the deletion
    assertThat(udp500IsFree()).isTrue();
    component = null;
  }

  @Test
  void anInlineKeyIsNeverAServiceProperty() {
    String hex = HexFormat.of().formatHex(InnerIpsecSettingsTest.PSK);
    component = new InnerIpsecInstance();
    component.fabric = new LabFabric(lab, "appliance");
    component.homeAgent = homeAgent();
    component.activate(
        InnerIpsecSettingsTest.config("psk", hex),
        recorder.context(),
        Map.of(
            Constants.SERVICE_PID, "io.mvpn.inneripsec~acme", "mvpn.tenant", "acme", "psk", hex));

    assertThat(recorder.registered)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.properties().get("mvpn.tenant")).isEqualTo("acme");
              assertThat(r.properties().get("psk")).isNull();
            });
  }

  @Test
  void offInstallsNothingButStillShowsTheTenant() {
    activated(InnerIpsecSettingsTest.config("ipsecInTunnel", "off", "psk", "", "nodes", null));

    assertThat(component.engine()).isNull();
    assertThat(recorder.registered)
        .extracting(r -> r.interfaces().get(0))
        .containsExactly(InnerIpsecService.class.getName());
    assertThat(component.nodes()).isEmpty();
    assertThat(udp500IsFree()).isTrue();
  }

  @Test
  void aBadModeIsRefusedInOneErrorAndNothingIsInstalled() {
    activated(InnerIpsecSettingsTest.config("ipsecInTunnel", "allow"));

    assertThat(recorder.registered).isEmpty();
    assertThat(component.engine()).isNull();
    assertThat(rejected)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pid()).isEqualTo("io.mvpn.inneripsec~acme");
              assertThat(r.field()).isEqualTo("ipsecInTunnel");
            });
    assertThat(udp500IsFree()).isTrue();
  }

  @Test
  void aConfigurationOfAnotherTenantThanTheBoundHomeAgentsIsRefused() {
    activated(InnerIpsecSettingsTest.config("mvpn_tenant", "globex"));

    assertThat(recorder.registered).isEmpty();
    assertThat(rejected)
        .singleElement()
        .satisfies(r -> assertThat(r.field()).isEqualTo("homeAgent.target"));
  }

  @Test
  void aStoredKeyWaitsForTheKeyService() {
    waiting(InnerIpsecSettingsTest.config());

    component.bindKeyService(keystore);

    assertThat(component.engine()).isNotNull();
    assertThat(recorder.registered)
        .extracting(r -> r.interfaces().get(0))
        .containsExactly(InnerIpsecService.class.getName(), InnerTunnelSecurity.class.getName());
    assertThat(recorder.registered.get(1).service()).isSameAs(component.engine());
  }

  @Test
  void requiredWaitingForItsKeyRefusesPlainTrafficAndCountsIt() {
    waiting(InnerIpsecSettingsTest.config());

    assertThat(recorder.registered)
        .extracting(r -> r.interfaces().get(0))
        .containsExactly(InnerIpsecService.class.getName(), InnerTunnelSecurity.class.getName());
    var refuser = recorder.registered.get(1);
    assertThat(refuser.properties().get("mvpn.tenant")).isEqualTo("acme");
    InnerTunnelSecurity layer = (InnerTunnelSecurity) refuser.service();
    assertThat(layer.admits(null)).isFalse();
    assertThat(layer.protect(null)).isNull();
    assertThat(component.mode()).isEqualTo("required");
    assertThat(component.tenant()).isEqualTo("acme");
    assertThat(component.refusals()).containsExactly(Map.entry("waiting_for_keys", 2L));
    assertThat(udp500IsFree()).isTrue();

    component.deactivate();

    assertThat(recorder.registered).isEmpty();
    component = null;
  }

  @Test
  void optionalWaitingForItsKeyRegistersNothing() {
    waiting(InnerIpsecSettingsTest.config("ipsecInTunnel", "optional"));

    assertThat(recorder.registered).isEmpty();
  }

  @Test
  void deactivatedWhileWaitingItNeverStarts() throws InterruptedException {
    CountDownLatch installing = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    waiting(InnerIpsecSettingsTest.config());
    component.fabric = pausingOnLoop(new LabFabric(lab, "appliance"), installing, go);
    // The key service's bind runs the start that waited, on its own thread, outside any lock.
    Thread binding = new Thread(() -> component.bindKeyService(keystore));
    binding.start();
    assertThat(installing.await(10, TimeUnit.SECONDS)).isTrue();
    Thread deactivating = new Thread(component::deactivate);
    deactivating.start();
    // Deactivation has come: it waits for the start to finish, or (unlocked) has run through.
    while (deactivating.getState() != Thread.State.BLOCKED
        && deactivating.getState() != Thread.State.TERMINATED) {
      Thread.onSpinWait();
    }
    go.countDown();
    binding.join(TimeUnit.SECONDS.toMillis(10));
    deactivating.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(recorder.registered).isEmpty();
    assertThat(component.engine()).isNull();
    assertThat(udp500IsFree()).isTrue();
    component = null;
  }

  /**
   * The fabric, its loop the caller's thread (this test's own waits while another runs on it), the
   * first call pausing until {@code go}: a start caught in the middle of installing its engine.
   */
  private static FabricService pausingOnLoop(
      FabricService fabric, CountDownLatch installing, CountDownLatch go) {
    return (FabricService)
        Proxy.newProxyInstance(
            FabricService.class.getClassLoader(),
            new Class<?>[] {FabricService.class},
            (proxy, method, args) -> {
              if (method.getName().equals("onLoop")) {
                if (installing.getCount() > 0) {
                  installing.countDown();
                  go.await();
                }
                return ((Supplier<?>) args[1]).get();
              }
              try {
                return method.invoke(fabric, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** Activated with a stored key and no key service bound yet. */
  private void waiting(InnerIpsecInstance.Config config) {
    component = new InnerIpsecInstance();
    component.fabric = new LabFabric(lab, "appliance");
    component.homeAgent = homeAgent();
    component.activate(
        config,
        recorder.context(),
        Map.of(Constants.SERVICE_PID, "io.mvpn.inneripsec~acme", "mvpn.tenant", "acme"));
  }

  private MobileNodeInnerIpsec node(Identity id) {
    List<TrafficSelector> home = List.of(TrafficSelector.ipv4(HOME, HOME));
    List<TrafficSelector> any =
        List.of(TrafficSelector.ipv4(io.mvpn.api.Prefix.parse("0.0.0.0/0")));
    MobileNodeInnerIpsec mn =
        new MobileNodeInnerIpsec(
            HOME,
            HA,
            PeerConfig.of(
                id, Identity.ipv4(HA), new PskAuthenticator(InnerIpsecSettingsTest.PSK), home, any),
            lab.virtualTime(),
            EngineSettings.defaults(),
            new SecureRandom(),
            nodeVrf::send,
            p -> {});
    mn.addAttachment(nodeVrf);
    return mn;
  }

  private boolean udp500IsFree() {
    try {
      Registration r = tenantVrf.bindUdp(500, (v, in, udp) -> {});
      r.close();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private void advance(int seconds) {
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
  }

  private ConfigurationErrors errors() {
    return new ConfigurationErrors() {
      @Override
      public void rejected(RejectedConfiguration rejection) {
        rejected.add(rejection);
      }

      @Override
      public void withdrawn(String pid) {
        rejected.removeIf(r -> r.pid().equals(pid));
      }

      @Override
      public List<RejectedConfiguration> rejections() {
        return List.copyOf(rejected);
      }
    };
  }

  private static TunnelEndpoint homeAgent() {
    return new TunnelEndpoint() {
      @Override
      public Ipv4Address address() {
        return HA;
      }

      @Override
      public MvpnId tenant() {
        return ACME;
      }

      @Override
      public void registration(Vrf publicVrf, Interface ingress, UdpDatagram datagram) {}

      @Override
      public void tunnelled(Vrf publicVrf, Interface ingress, Ipv4Packet outer) {}
    };
  }
}
