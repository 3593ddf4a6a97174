package io.mvpn.securitygateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.keys.AwaitedKeys;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.GatewaySaStore;
import io.mvpn.ipsec.gateway.SecurityGatewayService;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One security gateway, from {@code etc/io.mvpn.securitygateway-<name>.cfg}: two VRFs of its own,
 * {@code <name>-outside} toward the Internet and {@code <name>-inside} toward the private network
 * and its home agent, and manually keyed tunnels to mobile nodes until IKE negotiates them. Its
 * tunnels are offered to keying functions as an {@link EspTunnelService} with {@code
 * mvpn.gateway=<name>} (and {@code name=<name>}), registered while the gateway runs ({@link
 * RunningGateway}). The home agents' SIU keys are inline hex or {@code keystore:ALIAS}; one it
 * cannot read refuses the configuration in one ERROR line and nothing is built or registered. A
 * gateway whose keys are stored and that finds no key service open waits for one: it says so in one
 * WARN line and, listed as a {@link SecurityGatewayService} whose {@link #waitingFor} names the key
 * service, in {@code mvpn:sa} and {@code mvpn:spd}; it builds nothing and offers no tunnels until
 * the service comes. Once running it neither stops when the service goes nor restarts when another
 * comes.
 */
// Registered by hand, with the gateway's name: said here so resolvers know the bundle offers it.
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.ipsec.EspTunnelService",
    uses = EspTunnelService.class)
@Capability(
    namespace = "osgi.service",
    attribute =
        "objectClass:List<String>=\"io.mvpn.ipsec.gateway.SecurityGatewayService,"
            + "io.mvpn.api.metrics.MetricSource\"",
    uses = {SecurityGatewayService.class, MetricSource.class})
@Component(
    configurationPid = SecurityGatewayInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
@Designate(ocd = SecurityGatewayInstance.Config.class, factory = true)
public final class SecurityGatewayInstance implements SecurityGatewayService, MetricSource {

  public static final String PID = "io.mvpn.securitygateway";

  private static final Logger LOG = LoggerFactory.getLogger(SecurityGatewayInstance.class);

  @ObjectClassDefinition(name = "mvpn security gateway", description = "An IPsec gateway")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Names its VRFs and interfaces, e.g. gw1")
    String name();

    @AttributeDefinition(name = "Outside address", description = "a.b.c.d/len, where ESP arrives")
    String outside_address();

    @AttributeDefinition(name = "Outside transport", description = "e.g. mem:internet")
    String outside_transport();

    @AttributeDefinition(
        name = "Outside routes",
        description = "PREFIX via NEXTHOP, comma-separated")
    String[] outside_routes() default {};

    @AttributeDefinition(name = "Inside address", description = "a.b.c.d/len on the private side")
    String inside_address();

    @AttributeDefinition(name = "Inside transport", description = "e.g. mem:dmz")
    String inside_transport();

    @AttributeDefinition(
        name = "Inside routes",
        description = "PREFIX via NEXTHOP, comma-separated")
    String[] inside_routes() default {};

    @AttributeDefinition(
        name = "SIU port",
        description = "UDP port for Security Information Updates")
    int siuPort() default SecurityInformationUpdate.DEFAULT_PORT;

    @AttributeDefinition(
        name = "Home agents",
        description =
            "Gateway-HA associations, each HA_ADDRESS SPI hmac-md5|hmac-sha256"
                + " keystore:ALIAS|HEXKEY")
    String[] homeAgents() default {};

    @AttributeDefinition(
        name = "Tunnels",
        description =
            "Manually keyed, each HOME_ADDRESS CARE_OF SPI_IN KEY_IN SPI_OUT KEY_OUT [udp]: IN for"
                + " ESP from the node; keys in hex, AES-GCM key and 4-byte salt (20 or 36 bytes),"
                + " never the same for both directions")
    String[] tunnels() default {};

    @AttributeDefinition(name = "Replay window", description = "Inbound anti-replay window")
    int replayWindow() default 64;

    @AttributeDefinition(name = "SIU replay tolerance (s)")
    int replayTolerance() default 7;

    @AttributeDefinition(
        name = "SA lifetime (s)",
        description = "SOFT HARD seconds for every tunnel's SAs; empty for none")
    String saLifetime() default "";

    @AttributeDefinition(
        name = "Sequence reservation (packets)",
        description =
            "Sequence numbers each SA reserves in the SA store at a time: one store write per"
                + " this many packets; after a crash a restored SA skips up to this many")
    int sequenceReservation() default GatewaySaStore.DEFAULT_INTERVAL;

    @AttributeDefinition(
        name = "ESP threads",
        description =
            "Threads that seal and open ESP, each SA on one of them (by SPI); 0 for the gateway's"
                + " own thread. More than 0 spreads many nodes' ESP over cores; packets cross to"
                + " and from them in batches")
    int espThreads() default 0;

    @AttributeDefinition(
        name = "ESP on the gateway's thread too",
        description =
            "With ESP threads: the gateway's own thread keeps a share of the SAs as well, one of"
                + " espThreads + 1, and seals and opens those with no hand-over (N cores: espThreads"
                + " = N - 1 and this on)")
    boolean espOnGatewayThread() default false;

    @AttributeDefinition(
        name = "ESP opened on the TUN readers",
        description =
            "Inbound ESP to the gateway (raw, or in UDP on port 4500) with an SPI it holds is"
                + " opened on the outside interface's TUN reader threads, one per queue"
                + " (tun:NAME,queues=N), which hand the gateway's thread the inner datagram: the"
                + " cryptography runs on as many cores as queues, with no hand-over to ESP threads."
                + " The gateway's thread still checks the tunnel, the policy and the NAT port and"
                + " counts; other transports than tun: do not read on threads of their own and"
                + " are not affected")
    boolean espOnReaders() default false;
  }

  /** What a gateway whose home agents' keys are in the keystore waits for while none is open. */
  static final String WAITING_FOR_KEYS =
      "the key service (its homeAgents name keystore: keys; open the keystore, etc/io.mvpn.keys.cfg)";

  @Reference FabricService fabric;

  // Tunnels, keys and sequence reservations outlive this bundle there (blueprint principle 6).
  @Reference EspSaStore saStore;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where the gateway reports the ESP and updates it refuses. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  // Its counters go on counting there across updates.
  @Reference CounterStore counterStore;

  /** Read when the gateway starts only; see {@link #bindKeyService}. */
  private final AwaitedKeys keys = new AwaitedKeys();

  private final ConfigurationCheck check = new ConfigurationCheck();

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  // Written under this component's lock by activation, the key service's arrival and
  // deactivation; read by the shell without it.
  private String name;
  private Ipv4Address configuredAddress;
  private ServiceRegistration<?> registration;
  private volatile RunningGateway running; // null while waiting, refused or stopped
  private volatile String waitingFor; // null unless waiting
  private boolean deactivated;

  /**
   * Optional: a key service that goes away (its bundle updated, the keystore closed) must never
   * deactivate a running gateway and drop its nodes' tunnels, which use no stored key; a new one
   * does not restart it. A gateway whose home agents' keys are stored and found none waits for this
   * call to start.
   */
  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindKeyService(KeyService service) {
    keys.bind(service);
  }

  /** The gateway read its keys when it started: it runs on and never asks this service again. */
  void unbindKeyService(KeyService service) {
    keys.unbind(service);
  }

  /** The SIU keys of the home agents, by address, each read through the keystore. */
  static Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys(
      String[] homeAgents, ConfiguredKeys keys) {
    Map<Ipv4Address, MobilitySecurityAssociation> byAddress = new HashMap<>();
    return keys.read(
        "homeAgents",
        () -> {
          keys.lastWords("homeAgents", ConfigList.items(homeAgents)).stream()
              .map(AssociationSpec::parse)
              .forEach(spec -> byAddress.put(spec.peer(), spec.toAssociation()));
          return byAddress;
        });
  }

  @Activate
  synchronized void activate(
      Config config, BundleContext context, Map<String, Object> configuration) {
    name = config.name();
    configuredAddress = RunningGateway.address(config.outside_address());
    boolean needsStoredKeys =
        Arrays.stream(config.homeAgents()).anyMatch(h -> h.contains(ConfiguredKeys.PREFIX));
    RuntimeException[] failed = new RuntimeException[1];
    boolean now =
        keys.startWhenReady(
            needsStoredKeys,
            () -> {
              try {
                start(config, context, configuration);
              } catch (RuntimeException e) {
                failed[0] = e;
                LOG.error("security gateway {} did not start: {}", name, e.getMessage());
              }
            });
    if (failed[0] != null) {
      throw failed[0];
    }
    if (!now) {
      waitingFor = WAITING_FOR_KEYS;
      // Listed, so mvpn:sa and mvpn:spd say what it waits for; no tunnels are offered yet.
      register(context, configuration);
      LOG.warn(
          "security gateway {} waits for the key service, which holds its home agents' SIU keys"
              + " (homeAgents): nothing runs until a keystore is open",
          name);
    }
  }

  /** Reads the SIU keys and starts the gateway: at activation, or when the key service comes. */
  private synchronized void start(
      Config config, BundleContext context, Map<String, Object> configuration) {
    if (deactivated) {
      return;
    }
    String pid = String.valueOf(configuration.get(Constants.SERVICE_PID));
    ConfiguredKeys configuredKeys = new ConfiguredKeys(keys.current());
    Map<Ipv4Address, MobilitySecurityAssociation> read =
        check.read(pid, () -> homeAgentKeys(config.homeAgents(), configuredKeys), LOG::error);
    waitingFor = null;
    if (read == null) {
      unregister(); // refused: one line logged, listed by mvpn:info, nothing built
      return;
    }
    configuredKeys.warnInline(pid, LOG::warn);
    RunningGateway gateway =
        new RunningGateway(name, fabric, saStore, counterStore, securityEvents);
    // A start that fails has undone itself; like a refused key, it is logged and listed by
    // mvpn:info, whether it ran at activation or later, when the key service came.
    if (check.read(pid, () -> started(gateway, config, read, context), LOG::error) == null) {
      unregister(); // listed as waiting until now: it neither waits nor runs any more
      return;
    }
    running = gateway;
    if (registration == null) {
      register(context, configuration);
    }
  }

  /** Starts the gateway; a failure becomes a refusal of the configuration, naming a field. */
  private Boolean started(
      RunningGateway gateway,
      Config config,
      Map<Ipv4Address, MobilitySecurityAssociation> keys,
      BundleContext context) {
    try {
      gateway.start(config, keys, context);
      return Boolean.TRUE;
    } catch (InvalidConfigurationException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.debug("security gateway {} did not start", name, e);
      throw new InvalidConfigurationException("name", "gateway " + name + " did not start: " + e);
    }
  }

  private void register(BundleContext context, Map<String, Object> configuration) {
    registration =
        context.registerService(
            new String[] {SecurityGatewayService.class.getName(), MetricSource.class.getName()},
            this,
            ServiceProperties.of(configuration, "homeAgents", "tunnels"));
  }

  private void unregister() {
    if (registration != null) {
      registration.unregister();
      registration = null;
    }
  }

  @Deactivate
  synchronized void deactivate() {
    deactivated = true;
    keys.cancel(); // a start still waiting for keys never runs
    check.withdraw();
    unregister();
    waitingFor = null;
    RunningGateway gateway = running;
    running = null;
    if (gateway != null) {
      gateway.stop();
    }
  }

  // ---- SecurityGatewayService ------------------------------------------------------------
  // A gateway that does not run (yet) has no SAs, policies or counters.

  @Override
  public String waitingFor() {
    return waitingFor;
  }

  @Override
  public void collect(MetricSink sink) {
    RunningGateway gateway = running;
    if (gateway != null) {
      gateway.collect(sink);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Ipv4Address publicAddress() {
    return configuredAddress;
  }

  @Override
  public List<SaView> securityAssociations() {
    RunningGateway gateway = running;
    return gateway == null ? List.of() : gateway.securityAssociations();
  }

  @Override
  public List<PolicyView> policies() {
    RunningGateway gateway = running;
    return gateway == null ? List.of() : gateway.policies();
  }

  @Override
  public Map<GatewayCounter, Long> counters() {
    RunningGateway gateway = running;
    return gateway == null ? Map.of() : gateway.counters();
  }

  @Override
  public Map<EspException.Reason, Long> refusals() {
    RunningGateway gateway = running;
    return gateway == null ? Map.of() : gateway.refusals();
  }
}
