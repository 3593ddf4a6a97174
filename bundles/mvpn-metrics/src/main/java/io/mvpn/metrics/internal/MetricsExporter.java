package io.mvpn.metrics.internal;

import io.mvpn.api.metrics.MetricSource;
import io.mvpn.metrics.MetricsExposition;
import io.mvpn.metrics.MetricsHttpServer;
import io.mvpn.metrics.TenantLabels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The metrics endpoint of the appliance, from {@code etc/io.mvpn.metrics.cfg} (defaults without
 * one): every {@link MetricSource} the functions register, bound dynamically so functions come and
 * go under it, served at {@code http://<address>:<port>/metrics}. The counts are not kept here but
 * in the functions' counter store, so neither a function's update nor this bundle's resets them. A
 * source whose service properties name a tenant has every sample labelled with it ({@link
 * TenantLabels}).
 */
@Component(
    configurationPid = MetricsExporter.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true,
    service = MetricsExporter.class)
@Designate(ocd = MetricsExporter.Config.class)
public final class MetricsExporter {

  public static final String PID = "io.mvpn.metrics";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsExporter.class);

  @ObjectClassDefinition(name = "mvpn metrics endpoint")
  public @interface Config {
    @AttributeDefinition(description = "Address the HTTP endpoint binds to (loopback by default)")
    String address() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port of the HTTP endpoint; 0: no endpoint (shell only)")
    int port() default 9400;

    @AttributeDefinition(description = "Include the JVM's figures (memory, threads, GC, process)")
    boolean jvm() default true;
  }

  /**
   * A bound source and what the scrape reads: the source, labelled with its tenant if it has one.
   */
  private record Bound(MetricSource source, MetricSource labelled) {}

  private final List<Bound> bound = new CopyOnWriteArrayList<>();
  private MetricsExposition exposition;
  private MetricsHttpServer server;

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void addSource(MetricSource source, Map<String, Object> properties) {
    bound.add(new Bound(source, TenantLabels.labelled(source, properties)));
  }

  void removeSource(MetricSource source) {
    bound.removeIf(b -> b.source() == source);
  }

  @Activate
  void activate(Config config) {
    exposition = new MetricsExposition(() -> bound.stream().map(Bound::labelled).toList());
    if (config.jvm()) {
      exposition.withJvmMetrics();
    }
    if (config.port() <= 0) {
      LOG.info("metrics endpoint off (port {}); mvpn:metrics shows them", config.port());
      return;
    }
    InetSocketAddress address = new InetSocketAddress(config.address(), config.port());
    try {
      server = new MetricsHttpServer(address, exposition);
      LOG.info(
          "metrics at http://{}:{}{}", config.address(), config.port(), MetricsHttpServer.PATH);
    } catch (IOException | RuntimeException e) {
      // One line, not a stack: the usual cause is a port taken or an address not on this host.
      LOG.error(
          "{}: cannot serve metrics on {}:{}: {}; mvpn:metrics still shows them",
          PID,
          config.address(),
          config.port(),
          e.toString());
    }
  }

  @Deactivate
  void deactivate() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The exposition the endpoint serves, for the shell. */
  public MetricsExposition exposition() {
    return exposition;
  }

  /** Where the endpoint listens, or null when it does not. */
  public InetSocketAddress address() {
    MetricsHttpServer s = server;
    return s == null ? null : s.address();
  }
}
