package io.mvpn.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.keys.AwaitedKeys;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.ike.CaService;
import io.mvpn.ike.fabric.HomeAgentInnerIpsec;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.sa.Authenticator;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.net.dispatch.InnerTunnelSecurity.Mode;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * IPsec inside one tenant's Mobile IP tunnel (seed 002 claim 24), from {@code
 * etc/io.mvpn.inneripsec-<tenant>.cfg}: mvpn-ike's {@link HomeAgentInnerIpsec} on the home agent's
 * tunnel interface in the tenant VRF, an IKEv2 responder at the home agent's address keying ESP
 * tunnels to the nodes' home addresses. It binds the tenant's running home agent ({@code
 * homeAgent.target}), so it starts after it and restarts with it, and registers the engine as the
 * {@link InnerTunnelSecurity} with the tenant's {@code mvpn.tenant}, which the home agent asks
 * about every datagram its tunnel carries. The key is {@code keystore:ALIAS} or inline hex, read
 * when it starts (waiting for the key service if it names a stored key); a configuration that does
 * not read is refused in one ERROR line and nothing is registered. A {@code required} layer that
 * waits for its key, or whose later start failed, registers a {@link WaitingInnerSecurity} in the
 * meantime, so the tunnel never carries a bound node's plain traffic.
 */
// Registered by hand, only for a configuration that reads: said here for resolvers.
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=\"io.mvpn.net.dispatch.InnerTunnelSecurity\"",
    uses = InnerTunnelSecurity.class)
@Component(
    configurationPid = InnerIpsecInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
@Designate(ocd = InnerIpsecInstance.Config.class, factory = true)
public final class InnerIpsecInstance implements InnerIpsecService {

  public static final String PID = "io.mvpn.inneripsec";

  private static final Logger LOG = LoggerFactory.getLogger(InnerIpsecInstance.class);

  @ObjectClassDefinition(
      name = "mvpn IPsec inside the Mobile IP tunnel",
      description = "ESP between a tenant's nodes and its home agent, keyed by IKEv2 (claim 24)")
  public @interface Config {
    @AttributeDefinition(name = "Tenant id")
    String mvpn_tenant();

    @AttributeDefinition(
        name = "Home agent filter",
        description = "(mvpn.tenant=<id>): runs while the tenant's home agent does")
    String homeAgent_target();

    @AttributeDefinition(
        name = "IPsec in the tunnel",
        description =
            "off: nothing; optional: nodes with an SA are encrypted, plain traffic still passes;"
                + " required: a bound node's plain traffic is refused both ways")
    String ipsecInTunnel() default "optional";

    @AttributeDefinition(
        name = "Local ID",
        description = "The home agent's IKE identity, IPv4 address or FQDN (its address)")
    String id() default "";

    @AttributeDefinition(name = "Authentication", description = "psk or cert (the appliance CA)")
    String auth() default "psk";

    @AttributeDefinition(
        name = "Pre-shared key",
        description = "keystore:ALIAS or HEX, shared by the tenant's nodes")
    String psk() default "";

    @AttributeDefinition(
        name = "Nodes",
        description =
            "IDENTITY HOME_ADDRESS: the one home address a node proving that identity may key")
    String[] nodes() default {};

    @AttributeDefinition(
        name = "Traffic selectors",
        description = "Prefixes the nodes reach through the home agent (0.0.0.0/0)")
    String[] trafficSelectors() default {};

    @AttributeDefinition(name = "IKE proposals", description = "strongSwan syntax, or default")
    String ike() default "default";

    @AttributeDefinition(name = "ESP proposals", description = "strongSwan syntax, or default")
    String esp() default "default";
  }

  @Reference FabricService fabric;

  @Reference(name = "homeAgent")
  TunnelEndpoint homeAgent;

  @Reference CaService ca;

  private final AwaitedKeys keys = new AwaitedKeys();
  private final ConfigurationCheck check = new ConfigurationCheck();
  private final SecureRandom random = new SecureRandom();
  private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
  private volatile String tenant;
  private volatile Mode mode = Mode.OFF;
  private volatile Vrf vrf;
  private volatile HomeAgentInnerIpsec engine;
  private final WaitingInnerSecurity refuser = new WaitingInnerSecurity();
  // Under this component's lock: a start the key service's bind hands over (outside the keys'
  // lock) and deactivation never interleave, and a start after deactivation does nothing.
  private ServiceRegistration<?> refuserRegistration;
  private boolean deactivated;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  /** Optional, as for the IKE daemons: the key service coming and going restarts nothing. */
  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindKeyService(KeyService service) {
    keys.bind(service);
  }

  void unbindKeyService(KeyService service) {
    keys.unbind(service);
  }

  @Activate
  synchronized void activate(
      Config config, BundleContext context, Map<String, Object> configuration) {
    String pid = String.valueOf(configuration.get(Constants.SERVICE_PID));
    RuntimeException[] failed = new RuntimeException[1];
    boolean now =
        keys.startWhenReady(
            InnerIpsecSettings.needsStoredKeys(config),
            () -> {
              try {
                start(pid, config, context, configuration);
              } catch (RuntimeException e) {
                // Started later by the key service's bind: that caller must not fail for it.
                failed[0] = e;
                LOG.error("{} did not start: {}", pid, e.getMessage());
              }
            });
    if (failed[0] != null) {
      throw failed[0];
    }
    if (!now) {
      if (required(config)) {
        // Listed by mvpn:inner-ipsec meanwhile, with what it refused.
        tenant = homeAgent.tenant().toString();
        mode = Mode.REQUIRED;
        synchronized (registrations) {
          registrations.add(
              context.registerService(
                  InnerIpsecService.class.getName(), this, ServiceProperties.of(configuration)));
        }
        refuserRegistration =
            context.registerService(
                InnerTunnelSecurity.class.getName(), refuser, ServiceProperties.of(configuration));
        LOG.warn(
            "{} waits for the key service, which holds its pre-shared key: until a keystore is"
                + " open its nodes' plain traffic is refused (required)",
            pid);
      } else {
        LOG.warn(
            "{} waits for the key service, which holds its pre-shared key: until a keystore is"
                + " open its nodes' traffic crosses the tunnel unencrypted",
            pid);
      }
    }
  }

  private static boolean required(Config config) {
    try {
      return Mode.parse(config.ipsecInTunnel()) == Mode.REQUIRED;
    } catch (IllegalArgumentException e) {
      return false; // refused when it starts
    }
  }

  private synchronized void start(
      String pid, Config config, BundleContext context, Map<String, Object> configuration) {
    if (deactivated) {
      return; // handed over by the key service's bind after deactivation: nothing to start
    }
    ConfiguredKeys configuredKeys = new ConfiguredKeys(keys.current());
    InnerIpsecSettings settings = check.read(pid, () -> read(config, configuredKeys), LOG::error);
    if (settings == null) {
      return; // refused: one line logged, listed by mvpn:info, nothing installed
    }
    configuredKeys.warnInline(pid, LOG::warn);
    install(settings);
    synchronized (registrations) {
      if (registrations.isEmpty()) { // else listed while it waited
        registrations.add(
            context.registerService(
                InnerIpsecService.class.getName(), this, ServiceProperties.of(configuration)));
      }
      if (engine != null) {
        registrations.add(
            context.registerService(
                InnerTunnelSecurity.class.getName(), engine, ServiceProperties.of(configuration)));
      }
    }
    // The engine is registered first: the tunnel never goes without a layer in between.
    unregisterRefuser();
    LOG.info(
        "IPsec in the Mobile IP tunnel of {}: {} at {}", tenant, modeName(), homeAgent.address());
  }

  /** The settings, once the home agent bound is the configuration's tenant's. */
  InnerIpsecSettings read(Config config, ConfiguredKeys configuredKeys) {
    MvpnId id =
        InvalidConfigurationException.read("mvpn.tenant", () -> MvpnId.of(config.mvpn_tenant()));
    if (!homeAgent.tenant().equals(id)) {
      throw new InvalidConfigurationException(
          "homeAgent.target", "bound the home agent of " + homeAgent.tenant() + ", not of " + id);
    }
    return InnerIpsecSettings.read(config, configuredKeys);
  }

  /** Makes and starts the engine on the tenant VRF's loop (none for {@code off}). */
  void install(InnerIpsecSettings settings) {
    tenant = homeAgent.tenant().toString();
    mode = settings.mode();
    if (mode == Mode.OFF) {
      return;
    }
    Ipv4Address address = homeAgent.address();
    Identity local = settings.id() == null ? Identity.ipv4(address) : settings.id();
    PeerConfig peers =
        PeerConfig.of(
                local, null, authenticator(settings), settings.selectors(), settings.selectors())
            .withProposals(settings.ike(), settings.esp());
    Vrf tenantVrf = fabric.tenantVrf(homeAgent.tenant());
    vrf = tenantVrf;
    engine =
        fabric.onLoop(
            tenantVrf,
            () -> {
              Interface tunnel =
                  tenantVrf.interfaces().stream()
                      .filter(i -> address.equals(i.address()))
                      .findFirst()
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "the home agent of " + tenant + " has no tunnel in its VRF"));
              HomeAgentInnerIpsec ipsec =
                  new HomeAgentInnerIpsec(
                      tunnel,
                      mode,
                      peers,
                      EngineSettings.defaults(),
                      random,
                      settings.nodes()::get);
              ipsec.start();
              return ipsec;
            });
  }

  private Authenticator authenticator(InnerIpsecSettings settings) {
    if (!settings.certificate()) {
      return new PskAuthenticator(settings.psk());
    }
    return new CertificateAuthenticator(
        IkeDaemon.credential(ca, settings.idText(), settings.id()), ca.validator(), Instant::now);
  }

  private void unregisterRefuser() {
    if (refuserRegistration != null) {
      refuserRegistration.unregister();
      refuserRegistration = null;
    }
  }

  @Deactivate
  synchronized void deactivate() {
    deactivated = true;
    keys.cancel(); // a start still waiting for keys never runs
    check.withdraw();
    unregisterRefuser();
    // The home agent lets go of the engine first, so no datagram meets it closed.
    synchronized (registrations) {
      registrations.forEach(ServiceRegistration::unregister);
      registrations.clear();
    }
    HomeAgentInnerIpsec running = engine;
    if (running != null) {
      fabric.onLoop(
          vrf,
          () -> {
            running.close();
            return null;
          });
      engine = null;
      LOG.info("IPsec in the Mobile IP tunnel of {} stopped; its nodes' SAs deleted", tenant);
    }
  }

  /** The engine running, or null ({@code off}, refused, or stopped). */
  HomeAgentInnerIpsec engine() {
    return engine;
  }

  // ---- InnerIpsecService ----------------------------------------------------------------------

  @Override
  public String tenant() {
    return tenant;
  }

  @Override
  public String mode() {
    return modeName();
  }

  private String modeName() {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String homeAgent() {
    return homeAgent.address().toString();
  }

  @Override
  public long decrypted() {
    HomeAgentInnerIpsec running = engine;
    return running == null ? 0 : running.esp().decrypted();
  }

  @Override
  public long encrypted() {
    HomeAgentInnerIpsec running = engine;
    return running == null ? 0 : running.esp().encrypted();
  }

  @Override
  public Map<String, Long> refusals() {
    HomeAgentInnerIpsec running = engine;
    if (running == null) {
      long waiting = refuser.refused();
      return waiting == 0 ? Map.of() : Map.of(WaitingInnerSecurity.REASON, waiting);
    }
    return fabric.onLoop(vrf, () -> InnerIpsecViews.refusals(running));
  }

  @Override
  public List<NodeView> nodes() {
    HomeAgentInnerIpsec running = engine;
    return running == null ? List.of() : fabric.onLoop(vrf, () -> InnerIpsecViews.nodes(running));
  }
}
