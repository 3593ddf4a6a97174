package io.mvpn.securitygateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspSuite;
import io.mvpn.ipsec.esp.Lifetime;
import io.mvpn.ipsec.esp.SecurityPolicy;
import io.mvpn.ipsec.gateway.EspOwners;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.GatewayCounts;
import io.mvpn.ipsec.gateway.GatewaySaStore;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.ipsec.gateway.SecurityGatewayService.PolicyView;
import io.mvpn.ipsec.gateway.SecurityGatewayService.SaView;
import io.mvpn.ipsec.gateway.SecurityGatewayTunnels;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.securitygateway.SecurityGatewayInstance.Config;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A security gateway that runs, once its home agents' SIU keys are read: its two VRFs, {@code
 * <name>-outside} and {@code <name>-inside}, the engine on the inside VRF's thread with the SAs the
 * store restores and the configured tunnels, its ESP threads if any, and its tunnels offered to
 * keying functions as an {@link EspTunnelService}. Started once and stopped once, by its component
 * ({@link SecurityGatewayInstance}); what the shell reads of it is taken on the gateway's thread.
 */
final class RunningGateway {

  /**
   * Packets in flight to the ESP threads at most, whatever the sequence reservation (they may never
   * reach half of it): as many as the TUN transport lets its readers hand over.
   */
  static final int MAX_ESP_IN_FLIGHT = 4096;

  /** How long a stop waits for the ESP threads to hand back what they hold, and to end. */
  private static final long ESP_DRAIN_SECONDS = 5;

  // The component's logger: operators set one category for the whole gateway.
  private static final Logger LOG = LoggerFactory.getLogger(SecurityGatewayInstance.class);

  private final String name;
  private final FabricService fabric;
  private final EspSaStore saStore;
  private final CounterStore counterStore;
  private final SecurityEvents securityEvents;
  private Vrf inside;
  private Vrf outside;
  private Ipv4Address publicAddress;
  private SecurityGateway engine;
  private GatewaySaStore storedSas;
  private SecurityGatewayTunnels tunnelService;
  private ServiceRegistration<EspTunnelService> tunnelRegistration;
  private SecurityGatewayMetrics metrics;
  private DefaultEventExecutorGroup espThreads; // null: ESP on the gateway's own thread
  private EspOwners espOwners; // null with no ESP threads

  RunningGateway(
      String name,
      FabricService fabric,
      EspSaStore saStore,
      CounterStore counterStore,
      SecurityEvents securityEvents) {
    this.name = name;
    this.fabric = fabric;
    this.saStore = saStore;
    this.counterStore = counterStore;
    this.securityEvents = securityEvents;
  }

  /**
   * Builds and starts the gateway with the home agents' SIU {@code keys} and registers its {@link
   * EspTunnelService} in {@code context}. One that fails undoes what it did, as {@link #stop}
   * would: no service, engine, ESP threads or interfaces stay behind.
   */
  void start(
      Config config, Map<Ipv4Address, MobilitySecurityAssociation> keys, BundleContext context) {
    try {
      build(config, keys, context);
    } catch (RuntimeException | Error e) {
      undo();
      throw e;
    }
  }

  /** What a failed {@link #start} configured, undone; each step only if it was reached. */
  private void undo() {
    try {
      if (tunnelRegistration != null) {
        tunnelRegistration.unregister();
        tunnelRegistration = null;
      }
      if (tunnelService != null) {
        tunnelService.close();
      }
      SecurityGateway started = engine;
      if (started != null) {
        fabric.onLoop(
            inside,
            () -> {
              started.stop();
              return null;
            });
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: undoing a failed start: {}", name, e.toString());
    } finally {
      shutDownEspThreads();
      fabric.removeInterface(name + "-outside");
      fabric.removeInterface(name + "-inside");
    }
  }

  private void build(
      Config config, Map<Ipv4Address, MobilitySecurityAssociation> keys, BundleContext context) {
    outside = fabric.createVrf(name + "-outside");
    inside = fabric.createVrf(name + "-inside");
    fabric.configureInterface(
        outside.name(),
        name + "-outside",
        config.outside_address(),
        config.outside_transport(),
        split(config.outside_routes()).toList());
    fabric.configureInterface(
        inside.name(),
        name + "-inside",
        config.inside_address(),
        config.inside_transport(),
        split(config.inside_routes()).toList());
    publicAddress = address(config.outside_address());
    List<MobileTunnel> tunnels =
        InvalidConfigurationException.read(
            "tunnels",
            () ->
                split(config.tunnels())
                    .map(t -> tunnel(t, publicAddress, config.replayWindow()))
                    .toList());
    Lifetime lifetime =
        InvalidConfigurationException.read("saLifetime", () -> lifetime(config.saLifetime()));
    SecurityGateway.Config gatewayConfig =
        new SecurityGateway.Config(publicAddress, config.siuPort(), keys, config.replayTolerance());
    // The fabric's clock, which the gateway's scheduler reads: System.nanoTime() is another clock,
    // and wall-clock times stored from it would be off by the machine's uptime.
    long epochOffset = fabric.epochOffsetNanos();
    EspOwners owners = espOwners(config);
    espOwners = owners;
    int[] restored = new int[1];
    GatewayCounts counts = new GatewayCounts(counterStore, GatewayCounts.scope(name));
    metrics =
        new SecurityGatewayMetrics(
            name, counts, () -> fabric.onLoop(inside, () -> 2 * engine.tunnels().size()));
    engine =
        fabric.onLoop(
            inside,
            () -> {
              SecurityGateway g = new SecurityGateway(gatewayConfig, outside, inside, epochOffset);
              if (owners != null) {
                g.spreadEspOver(owners);
              }
              if (config.espOnReaders()) {
                g.openEspOnReaders();
              }
              g.reportTo(securityEvents);
              g.countInto(counts);
              g.start();
              // Restored in the same task as the start: no packet reaches the gateway before.
              GatewaySaStore stored =
                  new GatewaySaStore(
                      saStore,
                      name,
                      () -> epochOffset + inside.scheduler().nanoTime(),
                      config.sequenceReservation());
              restored[0] = stored.restore(g, inside.scheduler());
              g.writeThrough(stored);
              storedSas = stored;
              for (MobileTunnel t : tunnels) {
                // Restored with its sequence numbers: starting it anew would repeat them.
                if (sameKeys(g.tunnel(t.homeAddress()), t)) {
                  continue;
                }
                if (lifetime != null) {
                  // Manual keys cannot be renegotiated: the soft limit warns the operator.
                  for (EspSecurityAssociation sa : List.of(t.inbound(), t.outbound())) {
                    sa.setLifetime(
                        lifetime,
                        inside.scheduler()::nanoTime,
                        x ->
                            LOG.warn(
                                "{}: SA 0x{} needs new keys", name, Integer.toHexString(x.spi())));
                  }
                }
                g.addTunnel(t);
              }
              return g;
            });
    tunnelService = new SecurityGatewayTunnels(name, engine, outside);
    Hashtable<String, Object> properties = new Hashtable<>();
    properties.put(EspTunnelService.GATEWAY, name);
    properties.put("name", name);
    tunnelRegistration = context.registerService(EspTunnelService.class, tunnelService, properties);
    LOG.info(
        "security gateway {} up at {} with {} configured and {} restored tunnels",
        name,
        publicAddress,
        tunnels.size(),
        restored[0]);
  }

  /**
   * Stops the gateway: keying functions let go of it first, the ESP threads hand back what they
   * hold, the SAs' sequence reservations are released when that settled, the interfaces go.
   */
  void stop() {
    // Keying functions let go of the gateway before it stops.
    tunnelRegistration.unregister();
    tunnelService.close();
    CompletableFuture<Void> drained =
        fabric.onLoop(
            inside,
            () -> {
              engine.stop();
              return espOwners == null
                  ? CompletableFuture.<Void>completedFuture(null)
                  : espOwners.drained();
            });
    // Packets still with the ESP threads use sequence numbers: only once they are back are the
    // SAs' numbers final. Unsettled, the reservations stand as after a crash (numbers skipped).
    boolean settled = settled(drained);
    fabric.onLoop(
        inside,
        () -> {
          if (settled) {
            // Stopped in order: the next instance continues each SA at its very next number.
            storedSas.release();
          }
          return null;
        });
    shutDownEspThreads();
    fabric.removeInterface(name + "-outside");
    fabric.removeInterface(name + "-inside");
  }

  private boolean settled(CompletableFuture<Void> drained) {
    try {
      drained.get(ESP_DRAIN_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("{}: ESP threads did not settle ({}); reservations kept", name, e.toString());
    }
    return false;
  }

  /** Stops the ESP threads, if any, and waits a bounded time for them to end. */
  private void shutDownEspThreads() {
    if (espThreads != null) {
      espThreads
          .shutdownGracefully(0, 1, TimeUnit.SECONDS)
          .awaitUninterruptibly(ESP_DRAIN_SECONDS, TimeUnit.SECONDS);
      espThreads = null;
    }
  }

  /** The ESP threads the configuration asks for, started; null for none. */
  private EspOwners espOwners(Config config) {
    if (config.espThreads() <= 0) {
      return null;
    }
    int inFlight = Math.min(MAX_ESP_IN_FLIGHT, config.sequenceReservation() / 2 - 1);
    if (inFlight < 1) {
      throw new IllegalArgumentException(
          "espThreads needs a sequenceReservation of 4 or more, not "
              + config.sequenceReservation());
    }
    espThreads =
        new DefaultEventExecutorGroup(
            config.espThreads(), new DefaultThreadFactory("mvpn-esp-" + name, true));
    List<Scheduler> threads = new ArrayList<>();
    espThreads.forEach(e -> threads.add(new EventLoopScheduler((EventExecutor) e)));
    return new EspOwners(
        threads, config.espOnGatewayThread(), inside.scheduler(), outside.alloc(), inFlight);
  }

  /** HOME CARE_OF SPI_IN KEY_IN SPI_OUT KEY_OUT [udp]. */
  static MobileTunnel tunnel(String spec, Ipv4Address gateway, int replayWindow) {
    String[] f = spec.trim().split("\\s+");
    if (f.length < 6 || f.length > 7 || (f.length == 7 && !f[6].equals("udp"))) {
      throw new IllegalArgumentException(
          "tunnel '"
              + spec
              + "': expected HOME_ADDRESS CARE_OF SPI_IN KEY_IN SPI_OUT KEY_OUT [udp]");
    }
    byte[] keyIn = HexFormat.of().parseHex(f[3]);
    byte[] keyOut = HexFormat.of().parseHex(f[5]);
    if (java.util.Arrays.equals(keyIn, keyOut)) {
      // Both directions number from 1: one key would repeat GCM nonces.
      throw new IllegalArgumentException("tunnel '" + spec + "': each direction needs its own key");
    }
    Ipv4Address careOf = Ipv4Address.parse(f[1]);
    EspSecurityAssociation in =
        new EspSecurityAssociation(
            Integer.parseUnsignedInt(f[2]),
            Direction.INBOUND,
            null,
            gateway,
            keyIn,
            true,
            replayWindow);
    EspSecurityAssociation out =
        new EspSecurityAssociation(
            Integer.parseUnsignedInt(f[4]), Direction.OUTBOUND, gateway, careOf, keyOut, true, 0);
    return new MobileTunnel(Ipv4Address.parse(f[0]), in, out, f.length == 7);
  }

  /** Whether a restored tunnel is the configured one: same SPIs and keys both ways. */
  static boolean sameKeys(MobileTunnel restored, MobileTunnel configured) {
    return restored != null
        && restored.inbound().spi() == configured.inbound().spi()
        && restored.outbound().spi() == configured.outbound().spi()
        && EspSuite.keys(restored.inbound()).equals(EspSuite.keys(configured.inbound()))
        && EspSuite.keys(restored.outbound()).equals(EspSuite.keys(configured.outbound()));
  }

  /** "SOFT HARD" seconds, or null for none. */
  static Lifetime lifetime(String text) {
    String[] f = text.trim().split("\\s+");
    if (text.isBlank()) {
      return null;
    }
    if (f.length != 2) {
      throw new IllegalArgumentException("saLifetime '" + text + "': expected SOFT HARD seconds");
    }
    return Lifetime.seconds(Long.parseLong(f[0]), Long.parseLong(f[1]));
  }

  static Ipv4Address address(String withLength) {
    int slash = withLength.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("address " + withLength + " needs a /length");
    }
    return Ipv4Address.parse(withLength.substring(0, slash));
  }

  private static Stream<String> split(String[] values) {
    return ConfigList.items(values).stream();
  }

  void collect(MetricSink sink) {
    metrics.collect(sink);
  }

  Ipv4Address publicAddress() {
    return publicAddress;
  }

  List<SaView> securityAssociations() {
    return fabric.onLoop(
        inside,
        () -> {
          List<SaView> views = new ArrayList<>();
          for (MobileTunnel t : engine.tunnels()) {
            views.add(view(t, t.inbound()));
            views.add(view(t, t.outbound()));
          }
          return views;
        });
  }

  private SaView view(MobileTunnel t, EspSecurityAssociation sa) {
    Map<EspException.Reason, Long> refused = new EnumMap<>(EspException.Reason.class);
    for (EspException.Reason r : EspException.Reason.values()) {
      if (sa.refused(r) > 0) {
        refused.put(r, sa.refused(r));
      }
    }
    return new SaView(
        name,
        t.homeAddress().toString(),
        sa.direction().name().toLowerCase(java.util.Locale.ROOT),
        sa.spi(),
        EspSuite.name(sa),
        sa.tunnelSource() == null ? "*" : sa.tunnelSource().toString(),
        sa.tunnelDestination().toString(),
        sa.sequence(),
        sa.packets(),
        sa.bytes(),
        refused,
        sa.hardExpired() ? "expired" : sa.softExpired() ? "soft-expired" : "live");
  }

  List<PolicyView> policies() {
    return fabric.onLoop(
        inside,
        () -> {
          List<PolicyView> views = new ArrayList<>();
          int i = 0;
          for (SecurityPolicy p : engine.spd().policies()) {
            views.add(
                new PolicyView(
                    name,
                    i++,
                    range(p.selector().localAddress()),
                    range(p.selector().remoteAddress()),
                    p.selector().protocol() == SecurityPolicy.ANY_PROTOCOL
                        ? "any"
                        : Integer.toString(p.selector().protocol()),
                    p.action().name().toLowerCase(java.util.Locale.ROOT),
                    p.outboundSa() == null ? 0 : p.outboundSa().spi()));
          }
          return views;
        });
  }

  private static String range(SecurityPolicy.Range r) {
    if (r.equals(SecurityPolicy.ANY_ADDRESS)) {
      return "any";
    }
    String first = Ipv4Address.of((int) r.first()).toString();
    return r.first() == r.last() ? first : first + "-" + Ipv4Address.of((int) r.last());
  }

  Map<GatewayCounter, Long> counters() {
    return fabric.onLoop(
        inside,
        () -> {
          Map<GatewayCounter, Long> m = new EnumMap<>(GatewayCounter.class);
          for (GatewayCounter c : GatewayCounter.values()) {
            m.put(c, engine.counter(c));
          }
          return m;
        });
  }

  Map<EspException.Reason, Long> refusals() {
    return fabric.onLoop(inside, engine::refusals);
  }
}
