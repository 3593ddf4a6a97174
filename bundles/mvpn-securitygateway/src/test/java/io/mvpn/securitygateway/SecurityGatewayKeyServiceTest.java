package io.mvpn.securitygateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.testing.ConfigProxy;
import io.mvpn.api.testing.MapKeyService;
import io.mvpn.api.testing.RecordingBundleContext;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.securitygateway.shell.ShellOutput;
import io.mvpn.store.InMemoryCounterStore;
import io.mvpn.store.InMemoryEspSaStore;
import io.mvpn.store.events.ConfigurationRegistry;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/**
 * How a security gateway lives with the key service coming and going: one whose home agents' SIU
 * keys are stored waits for the service, says so, and starts when it comes; once running, it
 * neither stops nor asks the service again when it goes, nor restarts when another comes.
 */
class SecurityGatewayKeyServiceTest {

  private static final String STORED_SIU = "198.51.100.10 4000 hmac-sha256 keystore:gw1-siu-acme";
  private static final String TUNNEL =
      "10.1.0.5 203.0.113.70 4096 6d76706e2d6578616d706c652d696e626f756e64"
          + " 4097 6d76706e2d6578616d706c652d6f7574626f756e";

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final MemoryFabric fabric = new MemoryFabric();
  private final RecordingBundleContext registrations = new RecordingBundleContext();
  private final List<SecurityGatewayInstance> gateways = new ArrayList<>();
  private final CountingKeys keystore = new CountingKeys();

  SecurityGatewayKeyServiceTest() {
    keystore.generate("gw1-siu-acme", 256);
  }

  @AfterEach
  void stop() {
    gateways.forEach(SecurityGatewayInstance::deactivate);
  }

  @Test
  void activatedWithoutTheKeyServiceItWaitsSaysSoAndBuildsNothing() {
    SecurityGatewayInstance gateway = activated(STORED_SIU);

    assertThat(gateway.waitingFor()).contains("key service", "homeAgents");
    assertThat(registrations.services()).containsExactly(gateway); // listed, but offers no tunnels
    assertThat(fabric.configured).isEmpty();
    assertThat(gateway.securityAssociations()).isEmpty();
    assertThat(gateway.policies()).isEmpty();
    assertThat(gateway.counters()).isEmpty();
    assertThat(ShellOutput.saList(gateway))
        .contains("gw1: not running, waiting for the key service");
    assertThat(ShellOutput.spd(gateway)).contains("gw1: not running, waiting for the key service");
  }

  @Test
  void theKeyServiceBoundLaterStartsIt() {
    SecurityGatewayInstance gateway = activated(STORED_SIU);

    gateway.bindKeyService(keystore);

    assertThat(gateway.waitingFor()).isNull();
    assertThat(registrations.services()).hasSize(2).contains(gateway);
    assertThat(registrations.services()).anyMatch(EspTunnelService.class::isInstance);
    assertThat(fabric.configured).containsExactly("gw1-outside", "gw1-inside");
    assertThat(gateway.securityAssociations()).hasSize(2);
    assertThat(keystore.lookups.get()).isEqualTo(1);
    assertThat(ShellOutput.saList(gateway)).contains("0x00001000").doesNotContain("waiting");
  }

  @Test
  void theKeyServiceGoingAwayLeavesItRunningAndNeverAskedAgain() {
    SecurityGatewayInstance gateway = activated(STORED_SIU);
    gateway.bindKeyService(keystore);

    // The store bundle updated: the service goes, and another comes.
    gateway.unbindKeyService(keystore);
    keystore.close();
    assertThat(gateway.waitingFor()).isNull();
    assertThat(registrations.services()).hasSize(2);
    assertThat(gateway.securityAssociations()).hasSize(2);
    assertThat(gateway.counters()).isNotEmpty();
    CountingKeys another = new CountingKeys();
    gateway.bindKeyService(another);

    assertThat(registrations.services()).hasSize(2); // not started twice
    assertThat(keystore.lookups.get()).isEqualTo(1);
    assertThat(another.lookups.get()).isZero();
    gateway.deactivate();
    gateways.remove(gateway);
    assertThat(registrations.services()).isEmpty();
    assertThat(fabric.configured).isEmpty();
  }

  @Test
  void deactivatedWhileWaitingItNeverStarts() {
    SecurityGatewayInstance gateway = activated(STORED_SIU);
    gateway.deactivate();
    gateways.remove(gateway);

    gateway.bindKeyService(keystore);

    assertThat(registrations.services()).isEmpty();
    assertThat(fabric.configured).isEmpty();
    assertThat(keystore.lookups.get()).isZero();
  }

  @Test
  void aGatewayWithInlineKeysStartsWithoutTheKeyService() {
    SecurityGatewayInstance gateway =
        activated("198.51.100.10 4000 hmac-sha256 " + "ab".repeat(32));

    assertThat(gateway.waitingFor()).isNull();
    assertThat(registrations.services()).hasSize(2);
    assertThat(fabric.configured).containsExactly("gw1-outside", "gw1-inside");
  }

  @Test
  void aKeyServiceWithoutTheAliasRefusesTheConfigurationAndLeavesNothingListed() {
    SecurityGatewayInstance gateway = activated(STORED_SIU);

    gateway.bindKeyService(new CountingKeys());

    assertThat(gateway.waitingFor()).isNull();
    assertThat(registrations.services()).isEmpty();
    assertThat(fabric.configured).isEmpty();
  }

  @Test
  void aLateStartThatFailsUndoesWhatItConfiguredAndIsListedAsRefused() {
    ConfigurationRegistry refused = new ConfigurationRegistry(); // what mvpn:info lists
    // Both directions under one key: refused once the interfaces are configured.
    String oneKey = "6d76706e2d6578616d706c652d696e626f756e64";
    SecurityGatewayInstance gateway =
        activated(STORED_SIU, "10.1.0.5 203.0.113.70 4096 " + oneKey + " 4097 " + oneKey);
    gateway.bindErrors(refused);

    gateway.bindKeyService(keystore);

    assertThat(fabric.configured).isEmpty();
    assertThat(registrations.services()).isEmpty();
    assertThat(gateway.waitingFor()).isNull();
    assertThat(gateway.securityAssociations()).isEmpty();
    assertThat(refused.rejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pid()).isEqualTo("io.mvpn.securitygateway~gw1");
              assertThat(r.field()).isEqualTo("tunnels");
              assertThat(r.reason()).contains("each direction needs its own key");
            });
    gateway.deactivate();
    gateways.remove(gateway);
    assertThat(refused.rejections()).isEmpty();
    assertThat(fabric.configured).isEmpty();
  }

  private SecurityGatewayInstance activated(String homeAgent) {
    return activated(homeAgent, TUNNEL);
  }

  private SecurityGatewayInstance activated(String homeAgent, String tunnel) {
    SecurityGatewayInstance gateway = new SecurityGatewayInstance();
    gateway.fabric = fabric;
    gateway.saStore = new InMemoryEspSaStore();
    gateway.counterStore = new InMemoryCounterStore();
    gateways.add(gateway);
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("name", "gw1");
    set.put("outside_address", "203.0.113.2/24");
    set.put("outside_transport", "mem:gw1-internet");
    set.put("inside_address", "198.51.100.2/24");
    set.put("inside_transport", "mem:gw1-dmz");
    set.put("homeAgents", new String[] {homeAgent});
    set.put("tunnels", new String[] {tunnel});
    gateway.activate(
        ConfigProxy.of(SecurityGatewayInstance.Config.class, set),
        registrations.context(),
        Map.of(Constants.SERVICE_PID, "io.mvpn.securitygateway~gw1"));
    return gateway;
  }

  /** A keystore that counts lookups, and refuses them once closed. */
  private static final class CountingKeys extends MapKeyService {
    final AtomicInteger lookups = new AtomicInteger();
    private boolean closed;

    void close() {
      closed = true;
    }

    @Override
    public SecretKey key(String alias) {
      if (closed) {
        throw new IllegalStateException("the keystore is closed");
      }
      lookups.incrementAndGet();
      return super.key(alias);
    }
  }

  /** A fabric of VRFs on one virtual-time scheduler, each interface on a memory segment. */
  private final class MemoryFabric implements FabricService {
    final List<String> configured = new ArrayList<>();
    private final Map<String, Vrf> vrfs = new LinkedHashMap<>();
    private final Map<String, MemorySegment> segments = new LinkedHashMap<>();

    @Override
    public List<Vrf> vrfs() {
      return List.copyOf(vrfs.values());
    }

    @Override
    public Optional<Vrf> vrf(String name) {
      return Optional.ofNullable(vrfs.get(name));
    }

    @Override
    public Vrf tenantVrf(MvpnId tenant) {
      throw new UnsupportedOperationException("no tenants here");
    }

    @Override
    public Vrf createVrf(String name) {
      return vrfs.computeIfAbsent(name, n -> new Vrf(n, time, UnpooledByteBufAllocator.DEFAULT));
    }

    @Override
    public MemorySegment segment(String name) {
      return segments.computeIfAbsent(name, n -> new MemorySegment(n, LinkProperties.IDEAL, 1));
    }

    @Override
    public Optional<Interface> findInterface(String name) {
      return vrfs.values().stream()
          .map(v -> v.getInterface(name))
          .filter(java.util.Objects::nonNull)
          .findFirst();
    }

    @Override
    public void configureInterface(
        String vrfName, String name, String address, String transport, List<String> routes) {
      String[] a = address.split("/");
      vrfs.get(vrfName)
          .addInterface(
              name,
              Ipv4Address.parse(a[0]),
              Integer.parseInt(a[1]),
              segment(transport.substring("mem:".length())).newPort());
      configured.add(name);
    }

    @Override
    public boolean removeInterface(String name) {
      findInterface(name).ifPresent(i -> i.vrf().removeInterface(name));
      return configured.remove(name);
    }

    @Override
    public long epochOffsetNanos() {
      return 0;
    }
  }
}
