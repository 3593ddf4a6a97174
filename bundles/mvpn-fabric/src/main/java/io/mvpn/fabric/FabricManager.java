package io.mvpn.fabric;

import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantEvent;
import io.mvpn.api.tenant.TenantListener;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.net.transport.UdpPointToPointTransport;
import io.mvpn.net.transport.tap.TapTransport;
import io.mvpn.net.transport.tun.TunException;
import io.mvpn.net.transport.tun.TunTransport;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's fabric: one Netty event loop that carries the public VRF and a VRF per tenant,
 * made and removed as tenants come and go, plus the interfaces configured on them.
 */
@Component(immediate = true, service = FabricService.class)
public final class FabricManager implements FabricService {

  private static final Logger LOG = LoggerFactory.getLogger(FabricManager.class);

  private final Map<String, Vrf> vrfs = new ConcurrentSkipListMap<>();
  private final Map<String, Interface> interfaces = new ConcurrentHashMap<>();
  private final Map<String, InterfaceConfig> configured = new ConcurrentHashMap<>();
  private final Map<String, MemorySegment> segments = new ConcurrentHashMap<>();
  private final TenantListener tenantListener = this::tenantEvent;

  @Reference TenantService tenants;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where the engines report what they refuse. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  @Reference(cardinality = ReferenceCardinality.OPTIONAL)
  ConfigurationAdmin configurations;

  private EventLoopGroup group;
  private Scheduler scheduler;
  private long epochOffsetNanos;

  @Activate
  void activate() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    scheduler = new EventLoopScheduler(group.next());
    epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    ensureVrf(PUBLIC_VRF);
    tenants.addListener(tenantListener);
    for (Tenant t : tenants.getTenants()) {
      ensureVrf(t.id().toString());
    }
    // Links up before the service is offered, so no function starts on a VRF without them.
    for (ConfiguredInterfaces.Settings c : ConfiguredInterfaces.read(configurations)) {
      try {
        configureInterface(c.vrf(), c.name(), c.address(), c.transport(), c.routes());
      } catch (RuntimeException e) {
        LOG.warn("interface {} not up ahead of its component: {}", c.name(), e.getMessage());
      }
    }
    LOG.info("fabric up with VRFs {}", vrfs.keySet());
  }

  @Deactivate
  void deactivate() {
    long start = System.nanoTime();
    tenants.removeListener(tenantListener);
    for (String name : List.copyOf(interfaces.keySet())) {
      bringDown(name);
    }
    configured.clear();
    vrfs.clear();
    long loopStop = System.nanoTime();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    long end = System.nanoTime();
    LOG.info(
        "fabric down in {} ms (interfaces {} ms, event loop {} ms)",
        TimeUnit.NANOSECONDS.toMillis(end - start),
        TimeUnit.NANOSECONDS.toMillis(loopStop - start),
        TimeUnit.NANOSECONDS.toMillis(end - loopStop));
  }

  private void tenantEvent(TenantEvent event) {
    String name = event.tenant().id().toString();
    switch (event.type()) {
      case ADDED -> ensureVrf(name);
      case REMOVED -> {
        // The tenant's interfaces stay configured but go with its VRF until it is back.
        removeVrf(name);
      }
    }
  }

  private synchronized void ensureVrf(String name) {
    if (vrfs.containsKey(name)) {
      return;
    }
    Vrf vrf = new Vrf(name, scheduler, PooledByteBufAllocator.DEFAULT);
    boolean tenantVrf = tenants.getTenants().stream().anyMatch(t -> t.id().value().equals(name));
    vrf.reportBadInputTo(securityEvents, tenantVrf ? name : null);
    vrfs.put(name, vrf);
    for (InterfaceConfig c : configured.values()) {
      if (c.vrf().equals(name)) {
        try {
          bringUp(vrf, c);
        } catch (RuntimeException e) {
          LOG.error("interface {} cannot come up in VRF {}: {}", c.name(), name, e.getMessage());
        }
      }
    }
  }

  private synchronized void removeVrf(String name) {
    Vrf gone = vrfs.remove(name);
    if (gone != null) {
      for (Interface i : List.copyOf(interfaces.values())) {
        if (i.vrf() == gone) {
          bringDown(i.name());
        }
      }
      LOG.info("VRF {} removed with its tenant", name);
    }
  }

  @Override
  public List<Vrf> vrfs() {
    return List.copyOf(vrfs.values());
  }

  @Override
  public Vrf createVrf(String name) {
    ensureVrf(name);
    return vrfs.get(name);
  }

  @Override
  public MemorySegment segment(String name) {
    return segments.computeIfAbsent(
        name, s -> new MemorySegment(s, LinkProperties.IDEAL, s.hashCode()));
  }

  @Override
  public Vrf tenantVrf(io.mvpn.api.MvpnId tenant) {
    ensureVrf(tenant.toString());
    return vrfs.get(tenant.toString());
  }

  @Override
  public Optional<Vrf> vrf(String name) {
    return Optional.ofNullable(vrfs.get(name));
  }

  @Override
  public Optional<Interface> findInterface(String name) {
    return Optional.ofNullable(interfaces.get(name));
  }

  @Override
  public long epochOffsetNanos() {
    return epochOffsetNanos;
  }

  @Override
  public synchronized void configureInterface(
      String vrfName, String name, String address, String transport, List<String> routes) {
    InterfaceConfig config = InterfaceConfig.parse(vrfName, name, address, transport, routes);
    InterfaceConfig existing = configured.get(name);
    if (config.equals(existing)) {
      return; // the fabric brought it up from Config Admin before its component asked
    }
    if (existing != null) {
      throw new InvalidConfigurationException("name", "interface " + name + " exists already");
    }
    configured.put(name, config);
    Vrf vrf = vrfs.get(vrfName);
    if (vrf == null) {
      LOG.info("interface {} waits for VRF {}", name, vrfName);
      return;
    }
    try {
      bringUp(vrf, config);
    } catch (RuntimeException e) {
      // Forget it, so that the corrected configuration (a provisioned TUN device, say) can retry.
      configured.remove(name);
      throw e;
    }
  }

  @Override
  public synchronized boolean removeInterface(String name) {
    boolean known = configured.remove(name) != null;
    bringDown(name);
    return known;
  }

  private synchronized void bringUp(Vrf vrf, InterfaceConfig c) {
    Transport t = transport(c.transport());
    Interface intf =
        onLoop(
            vrf,
            () -> {
              Interface added;
              try {
                added = vrf.addInterface(c.name(), c.address(), c.prefixLength(), t);
              } catch (RuntimeException e) {
                t.close();
                throw e;
              }
              for (InterfaceConfig.StaticRoute r : c.routes()) {
                if (r.nextHop() == null) {
                  vrf.addRoute(new Route(r.prefix(), null, added, Route.Origin.STATIC));
                } else {
                  vrf.addRoute(r.prefix(), r.nextHop(), Route.Origin.STATIC);
                }
              }
              return added;
            });
    interfaces.put(c.name(), intf);
    LOG.info("interface {} up in VRF {}", intf, vrf.name());
  }

  private synchronized void bringDown(String name) {
    Interface intf = interfaces.remove(name);
    if (intf != null) {
      onLoop(
          intf.vrf(),
          () -> {
            intf.vrf().removeInterface(name);
            return null;
          });
    }
  }

  private Transport transport(TransportSpec spec) {
    if (spec instanceof TransportSpec.Memory m) {
      return segment(m.segment()).newPort();
    }
    if (spec instanceof TransportSpec.Udp u) {
      return new UdpPointToPointTransport(
          group, u.local(), u.remote(), UdpPointToPointTransport.DEFAULT_MTU);
    }
    if (spec instanceof TransportSpec.Tun t) {
      try {
        return TunTransport.open(t.device(), t.mtu(), t.queues(), t.offload());
      } catch (TunException e) {
        throw new IllegalStateException(e.getMessage() + " [" + e.reason() + "]", e);
      }
    }
    if (spec instanceof TransportSpec.Tap t) {
      try {
        return TapTransport.open(t.device(), t.mtu());
      } catch (TunException e) {
        throw new IllegalStateException(e.getMessage() + " [" + e.reason() + "]", e);
      }
    }
    TransportSpec.Host h = (TransportSpec.Host) spec;
    return new HostSocketTransport(group, h.bind(), h.ports());
  }
}
