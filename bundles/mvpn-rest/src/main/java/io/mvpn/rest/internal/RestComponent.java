package io.mvpn.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.history.HistoryStore;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.ike.CaService;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ipsec.gateway.SecurityGatewayService;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.rest.ApiHandler;
import io.mvpn.rest.ApiResources;
import io.mvpn.rest.ApiServer;
import io.mvpn.rest.Dashboard;
import io.mvpn.rest.HandoverHistory;
import io.mvpn.rest.JaasAuthenticator;
import io.mvpn.rest.TenantSpec;
import io.mvpn.rest.TlsContext;
import io.mvpn.rest.TrafficHistory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API, from {@code etc/io.mvpn.rest.cfg} (off without one): HTTPS at {@code
 * https://<address>:<port>/api/v1/}, callers logged in to Karaf's JAAS realm. The key pair is the
 * PKCS#12 file the configuration names, or else one the appliance CA issued to {@value #CN} for the
 * address (kept by the CA, so the certificate stays the same across restarts).
 */
@Component(
    configurationPid = RestComponent.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
@Designate(ocd = RestComponent.Config.class)
public final class RestComponent {

  public static final String PID = "io.mvpn.rest";

  /** Common name of the certificate the appliance CA issues to the endpoint. */
  public static final String CN = "mvpn REST API";

  private static final Logger LOG = LoggerFactory.getLogger(RestComponent.class);

  @ObjectClassDefinition(name = "mvpn REST API", description = "JSON over HTTPS")
  public @interface Config {
    @AttributeDefinition(description = "Address the HTTPS endpoint binds to (loopback by default)")
    String address() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port of the HTTPS endpoint")
    int port() default 8443;

    @AttributeDefinition(description = "JAAS realm callers log in to")
    String realm() default "karaf";

    @AttributeDefinition(
        description = "PKCS#12 file with the endpoint's key and chain; empty: the appliance CA")
    String keystore() default "";

    @AttributeDefinition(
        description = "Password of the PKCS#12 file",
        type = AttributeType.PASSWORD)
    String keystorePassword() default "";

    @AttributeDefinition(
        description =
            "Keys of tenants added through the API: refuse (keystore:ALIAS only) or warn (inline"
                + " hex taken, one WARN line naming the fields)",
        options = {
          @Option(label = "refuse", value = "refuse"),
          @Option(label = "warn", value = "warn")
        })
    String inlineKeys() default "refuse";
  }

  @Reference TenantService tenants;

  @Reference BindingStore bindings;

  @Reference FabricService fabric;

  @Reference CounterStore counters;

  @Reference VisitorStore visitors;

  @Reference ConfigurationAdmin configurationAdmin;

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policyOption = ReferencePolicyOption.GREEDY)
  CaService ca;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  // Looked up at each request: the key service's bundle may be updated under the API.
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile KeyService keys;

  // The dashboard's histories live in the store, so an update of this bundle keeps them.
  @Reference HistoryStore histories;

  // Whichever functions run now: each list is replaced as their services come and go.
  @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
  volatile List<TunnelEndpoint> homeAgents;

  @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
  volatile List<SecurityGatewayService> gateways;

  @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
  volatile List<MetricSource> sources;

  /** Handovers the timeline keeps, and a tenant's traffic samples (ten minutes, one a second). */
  static final int HANDOVERS_KEPT = 1000;

  static final int TRAFFIC_SAMPLES_KEPT = 600;

  private ApiServer server;
  private DashboardSampler sampler;

  @Activate
  void activate(Config config) {
    boolean inlineAllowed = inlineKeys(config.inlineKeys());
    SecurityEvents events = new SecurityEventsRelay(() -> boundEvents);
    ObjectMapper json = new ObjectMapper();
    ConfigAdminTenants configurations =
        new ConfigAdminTenants(configurationAdmin, CfgFiles.ofKaraf());
    HandoverHistory handovers = new HandoverHistory(HANDOVERS_KEPT, histories, json);
    TrafficHistory traffic = new TrafficHistory(TRAFFIC_SAMPLES_KEPT, histories, json);
    ServiceView view =
        new ServiceView(
            tenants,
            bindings,
            fabric,
            counters,
            visitors,
            // Each running home agent is a tunnel endpoint of its tenant.
            () -> homeAgents,
            configurations,
            () -> gateways,
            () -> sources,
            events,
            Clock.systemUTC(),
            handovers,
            traffic);
    ApiResources resources =
        new ApiResources(
            view, configurations, json, () -> new TenantSpec.KeyPolicy(keys, inlineAllowed));
    ApiHandler handler =
        new ApiHandler(
            new Dashboard().addTo(resources.router()),
            new JaasAuthenticator(config.realm()),
            events,
            json);
    if (config.keystore().isBlank() && ca == null) {
      // The CA's bundle is being updated or not installed: the greedy reference brings this
      // component back with it, so this is a wait, not an error.
      LOG.info(
          "{}: REST API waits for the appliance CA (feature mvpn-ike) or a keystore in its cfg",
          PID);
      return;
    }
    try {
      SSLContext tls = tls(config);
      server = new ApiServer(new InetSocketAddress(config.address(), config.port()), tls, handler);
      sampler = new DashboardSampler(view, configurations, handovers, traffic, Clock.systemUTC());
      LOG.info(
          "REST API at https://{}:{}{}/, dashboard at {}/ (JAAS realm {})",
          config.address(),
          config.port(),
          ApiResources.BASE,
          Dashboard.PATH,
          config.realm());
    } catch (Exception e) {
      // One line, not a stack: a port taken, an address not on this host, a wrong keystore.
      LOG.error(
          "{}: cannot serve the REST API on {}:{}: {}",
          PID,
          config.address(),
          config.port(),
          e.toString());
    }
  }

  /** {@code refuse} or {@code warn}; anything else is refused in one line and taken as refuse. */
  private static boolean inlineKeys(String value) {
    String v = value == null ? "" : value.strip();
    if (v.equals("warn")) {
      return true;
    }
    if (!v.equals("refuse")) {
      LOG.error("{}: inlineKeys '{}' is neither refuse nor warn; inline keys are refused", PID, v);
    }
    return false;
  }

  private SSLContext tls(Config config) throws Exception {
    if (!config.keystore().isBlank()) {
      return TlsContext.fromPkcs12(
          Path.of(config.keystore()), config.keystorePassword().toCharArray());
    }
    if (ca == null) {
      throw new IllegalStateException(
          "no keystore configured and no appliance CA running (feature mvpn-ike)");
    }
    String address = address(config);
    Credential credential =
        ca.credential(CN)
            .filter(c -> names(c, address))
            .orElseGet(
                () -> ca.issue(CN, List.of(Ipv4Address.parse(address)), List.of("localhost")));
    List<X509Certificate> chain = new ArrayList<>(credential.chain());
    if (!chain.contains(ca.certificate())) {
      chain.add(ca.certificate());
    }
    return TlsContext.fromKey(credential.privateKey(), chain);
  }

  /** The address the certificate names: the bound one, or loopback for the wildcard. */
  private static String address(Config config) {
    return config.address().equals("0.0.0.0") ? "127.0.0.1" : config.address();
  }

  /** Whether a stored certificate still names the configured address (it may have changed). */
  private static boolean names(Credential c, String address) {
    try {
      var sans = c.certificate().getSubjectAlternativeNames();
      return sans != null && sans.stream().anyMatch(san -> address.equals(san.get(1)));
    } catch (java.security.cert.CertificateParsingException e) {
      return false;
    }
  }

  @Deactivate
  void deactivate() {
    if (sampler != null) {
      sampler.close();
      sampler = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
