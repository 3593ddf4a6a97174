package io.mvpn.napt.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptService;
import io.mvpn.napt.NaptTimeouts;
import java.time.Duration;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAPT function from {@code etc/io.mvpn.napt.cfg}. It reads the configuration first and offers
 * the {@link NaptManager} as {@link NaptService} only when every field holds: a missing or wrong
 * field is one ERROR line naming the PID, field and reason, listed by {@code mvpn:info}, and no
 * NAPT, rather than an activation failure with a stack trace and a half-made service.
 */
// Registered by hand, only for a configuration that reads: said here so resolvers (and the
// backbone's feature) know the bundle offers it.
@Capability(
    namespace = "osgi.service",
    attribute =
        "objectClass:List<String>=\"io.mvpn.api.napt.NaptService,"
            + "io.mvpn.api.metrics.MetricSource\"",
    uses = {NaptService.class, MetricSource.class})
@Component(
    configurationPid = NaptComponent.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
@Designate(ocd = NaptComponent.Config.class)
public final class NaptComponent {

  public static final String PID = "io.mvpn.napt";

  private static final Logger LOG = LoggerFactory.getLogger(NaptComponent.class);

  @ObjectClassDefinition(name = "mvpn NAPT")
  public @interface Config {
    @AttributeDefinition(description = "The public address translated datagrams leave from")
    String publicAddress();

    @AttributeDefinition(description = "First public port (and echo identifier) of each pool")
    int firstPort() default 40000;

    @AttributeDefinition(description = "Last public port of each pool, inclusive")
    int lastPort() default 49999;

    @AttributeDefinition(description = "Idle timeout of a UDP mapping, seconds")
    int idleTimeoutSeconds() default 120;

    @AttributeDefinition(
        description = "Idle timeout of an established TCP connection's mapping, seconds (>= 7440)")
    int tcpEstablishedTimeoutSeconds() default 7440;

    @AttributeDefinition(
        description = "Idle timeout of a TCP mapping being opened or closed, seconds")
    int tcpTransitoryTimeoutSeconds() default 240;
  }

  /** What a valid configuration says. */
  record Settings(Ipv4Address publicAddress, int firstPort, int lastPort, NaptTimeouts timeouts) {

    static Settings read(Config config) {
      Ipv4Address address =
          InvalidConfigurationException.read(
              "publicAddress",
              () -> {
                String text = config.publicAddress();
                if (text == null || text.isBlank()) {
                  throw new IllegalArgumentException("missing: the NAPT needs its public address");
                }
                return Ipv4Address.parse(text.trim());
              });
      int first = port("firstPort", config.firstPort());
      int last = port("lastPort", config.lastPort());
      if (last < first) {
        throw new InvalidConfigurationException("lastPort", last + " is below firstPort " + first);
      }
      NaptTimeouts timeouts =
          InvalidConfigurationException.read(
              "tcpEstablishedTimeoutSeconds",
              () ->
                  new NaptTimeouts(
                      seconds("idleTimeoutSeconds", config.idleTimeoutSeconds()),
                      seconds(
                          "tcpEstablishedTimeoutSeconds", config.tcpEstablishedTimeoutSeconds()),
                      seconds(
                          "tcpTransitoryTimeoutSeconds", config.tcpTransitoryTimeoutSeconds())));
      return new Settings(address, first, last, timeouts);
    }

    private static int port(String field, int port) {
      if (port < 1 || port > 65535) {
        throw new InvalidConfigurationException(field, port + " is not a port (1-65535)");
      }
      return port;
    }

    private static Duration seconds(String field, int seconds) {
      if (seconds < 1) {
        throw new InvalidConfigurationException(field, seconds + " s: must be at least 1 s");
      }
      return Duration.ofSeconds(seconds);
    }
  }

  @Reference NaptMappingStore store;

  @Reference CounterStore counters;

  private final ConfigurationCheck check = new ConfigurationCheck();
  private NaptManager napt;
  private ServiceRegistration<?> registration;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  @Activate
  void activate(BundleContext context, Config config, Map<String, Object> props) {
    String pid = String.valueOf(props.getOrDefault(Constants.SERVICE_PID, PID));
    Settings settings = check.read(pid, () -> Settings.read(config), LOG::error);
    if (settings == null) {
      return;
    }
    napt =
        new NaptManager(
            store,
            counters,
            settings.publicAddress(),
            settings.firstPort(),
            settings.lastPort(),
            settings.timeouts());
    registration =
        context.registerService(
            new String[] {NaptService.class.getName(), MetricSource.class.getName()},
            napt,
            ServiceProperties.of(props));
  }

  @Deactivate
  void deactivate(int reason) {
    if (registration != null) {
      registration.unregister();
      registration = null;
    }
    // An update or restart leaves the mappings to the next instance; a deleted cfg ends them.
    if (napt != null && reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED) {
      napt.clear();
    }
    napt = null;
    check.withdraw();
  }
}
