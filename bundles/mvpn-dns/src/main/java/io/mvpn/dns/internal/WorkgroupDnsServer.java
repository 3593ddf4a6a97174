package io.mvpn.dns.internal;

import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.api.dns.WorkgroupDns;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.dns.DnsCounters;
import io.mvpn.dns.DnsServer;
import io.mvpn.dns.StaticAskerResolver;
import io.mvpn.dns.WorkgroupZone;
import io.mvpn.dns.ZoneSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
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
 * The workgroup DNS as a running function, from {@code etc/io.mvpn.dns.cfg} (defaults without one):
 * one {@link WorkgroupZone}, and so one cookie secret (RFC 7873), for the component's lifetime, so
 * a server cookie handed out on one query validates on the next. Offered as {@link WorkgroupDns} to
 * functions that receive queries on links of their own (the backbone router); with {@code listen}
 * set it also answers on a host socket, UDP and TCP, through the same {@link DnsServer} the tests
 * run, naming askers from the {@code askers} table.
 */
@Component(
    configurationPid = WorkgroupDnsServer.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true,
    service = {WorkgroupDns.class, MetricSource.class})
@Designate(ocd = WorkgroupDnsServer.Config.class)
public final class WorkgroupDnsServer implements WorkgroupDns, MetricSource {

  public static final String PID = "io.mvpn.dns";

  /** The scope of the DNS's counters in the counter store: one DNS per appliance. */
  public static final String SCOPE = "dns";

  private static final Logger LOG = LoggerFactory.getLogger(WorkgroupDnsServer.class);

  @ObjectClassDefinition(name = "mvpn workgroup DNS")
  public @interface Config {
    @AttributeDefinition(description = "The zone's apex; member FQDNs below it are served")
    String origin() default ZoneSettings.DEFAULT_ORIGIN;

    @AttributeDefinition(description = "TTL of A records and of the SOA, seconds")
    long ttlSeconds() default 60;

    @AttributeDefinition(description = "SOA minimum: how long NXDOMAIN and NODATA are cached")
    long negativeTtlSeconds() default 60;

    @AttributeDefinition(description = "EDNS0 UDP payload size advertised and accepted")
    int udpPayloadSize() default ZoneSettings.DEFAULT_UDP_PAYLOAD_SIZE;

    @AttributeDefinition(
        description = "Host socket for UDP and TCP, IPv4 address:port; empty: none (service only)")
    String listen() default "";

    @AttributeDefinition(
        description = "Who asks from the host socket: host[:port]=tenant/address, comma-separated")
    String askers() default "";

    @AttributeDefinition(description = "TCP connections served at once on the host socket")
    int maxTcpConnections() default 8;
  }

  @Reference WorkgroupService directory;

  /**
   * Where the zone counts ({@link #SCOPE}), so the DNS that follows an update goes on from the same
   * totals; null outside OSGi unless given, and then the zone counts for itself.
   */
  @Reference CounterStore counters;

  /** The appliance CA, when there is one: its certificates are the zone's CERT records (c55). */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile CertificateDirectory certificates;

  private WorkgroupZone zone;
  private DnsServer server;

  public WorkgroupDnsServer() {}

  /** A server outside OSGi (labs, tests) with no host socket: the service alone. */
  public WorkgroupDnsServer(WorkgroupService directory, ZoneSettings settings) {
    this.directory = directory;
    this.zone = new WorkgroupZone(directory, settings);
  }

  /** A server outside OSGi (labs, tests) as activation with {@code config} makes it. */
  public static WorkgroupDnsServer activated(WorkgroupService directory, Config config)
      throws IOException {
    return activated(directory, null, config);
  }

  /** As {@link #activated(WorkgroupService, Config)}, counting in {@code counters} if not null. */
  public static WorkgroupDnsServer activated(
      WorkgroupService directory, CounterStore counters, Config config) throws IOException {
    WorkgroupDnsServer s = new WorkgroupDnsServer();
    s.directory = directory;
    s.counters = counters;
    s.activate(config);
    return s;
  }

  @Activate
  void activate(Config config) throws IOException {
    ZoneSettings settings =
        ZoneSettings.of(config.origin())
            .withTtl(config.ttlSeconds(), config.negativeTtlSeconds())
            .withUdpPayloadSize(config.udpPayloadSize());
    StaticAskerResolver askers = StaticAskerResolver.parse(config.askers());
    zone =
        counters == null
            ? new WorkgroupZone(directory, settings)
            : new WorkgroupZone(directory, settings, counters, SCOPE);
    zone.setCertificates(
        (name, answer) -> {
          CertificateDirectory d = certificates;
          (d == null ? CertificateDirectory.NONE : d).certificates(name, answer);
        });
    String listen = config.listen().trim();
    if (!listen.isEmpty()) {
      int colon = listen.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("listen is address:port, not '" + listen + "'");
      }
      InetSocketAddress bind =
          new InetSocketAddress(
              InetAddress.getByName(listen.substring(0, colon)),
              Integer.parseInt(listen.substring(colon + 1)));
      server = DnsServer.start(zone, askers, bind, true, config.maxTcpConnections());
    }
    LOG.info("workgroup DNS for {}{}", settings.origin(), server == null ? "" : " on " + listen);
  }

  /** Closes the host socket, if any: on deactivation, or when a lab is done with the server. */
  @Deactivate
  public void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public byte[] answer(byte[] query, MemberId asker, Transport transport) {
    return zone.answer(
        query,
        asker,
        transport == Transport.TCP ? WorkgroupZone.Transport.TCP : WorkgroupZone.Transport.UDP);
  }

  @Override
  public String origin() {
    return zone.origin().toString();
  }

  /**
   * The zone's figures for the metrics endpoint, by the asker's tenant ({@code tenant=""}: sources
   * that are no member); summed over the tenants they are the zone's totals. The counts live in the
   * counter store, so a new DNS after an update goes on from them (it does start a new cookie
   * secret).
   */
  @Override
  public void collect(MetricSink sink) {
    String outcomes =
        "What became of each query: answer (NOERROR with records), nodata, nxdomain, refused,"
            + " formerr, notimp, badvers, or dropped unanswered.";
    String[] names = {
      "answer", "nodata", "nxdomain", "refused", "formerr", "notimp", "badvers", "dropped"
    };
    Map<String, DnsCounters> byTenant = zone.countersByTenant();
    if (byTenant.isEmpty()) {
      byTenant = Map.of("", zone.counters());
    }
    byTenant.forEach(
        (tenant, c) -> {
          sink.counter(
              "mvpn_dns_queries",
              "DNS messages the workgroup DNS received, by the asker's tenant.",
              c.queries(),
              "tenant",
              tenant);
          long[] counts = {
            c.answers(),
            c.nodata(),
            c.nxdomain(),
            c.refused(),
            c.formerr(),
            c.notimp(),
            c.badvers(),
            c.dropped()
          };
          for (int i = 0; i < names.length; i++) {
            sink.counter(
                "mvpn_dns_responses", outcomes, counts[i], "tenant", tenant, "outcome", names[i]);
          }
        });
  }

  /** The one zone this server answers from (its counters, its cookies). */
  public WorkgroupZone zone() {
    return zone;
  }

  /** The host socket's UDP address, or null without one. */
  public InetSocketAddress udpAddress() {
    return server == null ? null : server.udpAddress();
  }

  /** The host socket's TCP address, or null without one. */
  public InetSocketAddress tcpAddress() {
    return server == null ? null : server.tcpAddress();
  }
}
