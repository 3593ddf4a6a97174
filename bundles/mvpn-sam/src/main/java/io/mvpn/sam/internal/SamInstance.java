package io.mvpn.sam.internal;

import io.mvpn.api.ipsec.SamPairStore;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.manager.FileSaPairStore;
import io.mvpn.sam.manager.KerberosSessionKeys;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.mvpn.sam.manager.SecurityAssociationPair;
import io.mvpn.sam.manager.ServiceSaPairStore;
import io.mvpn.sam.manager.TenantSam;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's security association manager as a running function: one instance per {@code
 * etc/io.mvpn.sam-NAME.cfg} (factory PID {@code io.mvpn.sam}), a {@link SamResponder} on its own
 * event loop and UDP socket. Its pairs live in the appliance's {@link SamPairStore} (mvpn-store),
 * under the tenant's name, so a restart or an update of this bundle, or of the appliance with a
 * persistent store, hands nodes the SAs they already hold. Pairs an earlier release kept in files
 * under {@code dataDir/TENANT/pairs} are moved into the store at the first start.
 *
 * <p>Kerby's client blocks (seconds per attempt when the KDC is silent), so the KDC is asked on a
 * thread of its own with a bounded queue, never on the loop: a grant from store, REPLY handling,
 * the shell and metrics go on meanwhile, and a request the queue has no room for is told the KDC is
 * unreachable. One thread, because the manager's Kerberos client and its TGT are not shared safely.
 */
@Component(
    configurationPid = SamInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {TenantSam.class, MetricSource.class})
@Designate(ocd = SamInstance.Config.class, factory = true)
public final class SamInstance implements TenantSam, MetricSource {

  public static final String PID = "io.mvpn.sam";

  private static final Logger LOG = LoggerFactory.getLogger(SamInstance.class);

  @ObjectClassDefinition(name = "mvpn security association manager of one tenant")
  public @interface Config {
    @AttributeDefinition(description = "The tenant, e.g. acme")
    String tenant();

    @AttributeDefinition(description = "The Kerberos realm of its nodes, e.g. ACME.MVPN.TEST")
    String realm();

    @AttributeDefinition(description = "The realm's KDC, address:port (mvpn's or an MIT krb5kdc)")
    String kdc() default "127.0.0.1:10088";

    @AttributeDefinition(description = "The manager's own principal, without the realm")
    String principal() default "kink/sam";

    @AttributeDefinition(description = "The keytab holding the principal's keys")
    String keytab();

    @AttributeDefinition(
        description = "UDP address:port for KINK; 910 is privileged, so a high port by default")
    String listen() default "127.0.0.1:10910";

    @AttributeDefinition(description = "Most SA pairs held; the least recently granted goes first")
    int capacity() default 100_000;

    @AttributeDefinition(description = "Lifetime of an SA pair, seconds")
    long lifetimeSeconds() default 28_800;

    @AttributeDefinition(description = "KDC attempts per pair before the node is told it failed")
    int kdcAttempts() default 3;

    @AttributeDefinition(description = "Allowed clock skew of authenticators, seconds")
    long skewSeconds() default 300;

    @AttributeDefinition(
        description = "Nodes' KINK addresses known in advance: node=address:port, comma separated")
    String nodes() default "";

    @AttributeDefinition(description = "Where pairs are kept; ${karaf.data} is the data directory")
    String dataDir() default KdcInstance.KARAF_DATA + "/sam";
  }

  private static final int KDC_QUEUE = 64;
  static final long KEYTAB_POLL_SECONDS = 2;

  private EventLoopGroup loop;
  private ThreadPoolExecutor kdcCalls;
  private EventLoopScheduler scheduler;
  private Channel channel;
  private SamResponder responder;
  private String tenant;
  private String realm;
  private InetSocketAddress address;
  private ScheduledExecutorService keytabWatch;

  /**
   * Static on purpose: the manager's pairs live in this store while it runs, so a new store
   * (mvpn-store updated) restarts the SAM on it rather than switching stores under pairs in flight.
   * The pairs outlive that restart in the store, and nodes keep sending on the SAs they hold
   * meanwhile; only requests during the restart go unanswered and are retried by the nodes.
   */
  @Reference SamPairStore pairStore;

  /**
   * Where the manager counts, in scope {@code sam/<tenant>} ({@link #scope}), so the manager that
   * follows an update goes on from the same totals; null outside OSGi unless given.
   */
  @Reference CounterStore counters;

  /** The scope of a tenant's manager's counters in the counter store. */
  static String scope(String tenant) {
    return "sam/" + tenant;
  }

  @Activate
  synchronized void activate(Config config) throws Exception {
    tenant = require(config.tenant(), "tenant");
    realm = require(config.realm(), "realm");
    Path keytab = Path.of(config.keytab().trim());
    if (!Files.isReadable(keytab)) {
      // An operator's step not taken yet: said once, and the manager starts once it is taken,
      // without a restart and without a failed component in the way.
      LOG.error(
          "SA manager of {} not started: keytab {} is missing or unreadable; export the"
              + " principal's keys there (mvpn:kdc add PRINCIPAL --keytab FILE), the manager starts when they appear",
          tenant,
          keytab);
      keytabWatch =
          Executors.newSingleThreadScheduledExecutor(
              new DefaultThreadFactory("mvpn-sam-keytab-" + tenant, true));
      keytabWatch.scheduleWithFixedDelay(
          () -> startOnceKeytabIsThere(config, keytab),
          KEYTAB_POLL_SECONDS,
          KEYTAB_POLL_SECONDS,
          TimeUnit.SECONDS);
      return;
    }
    start(config);
  }

  private synchronized void startOnceKeytabIsThere(Config config, Path keytab) {
    if (keytabWatch == null || !Files.isReadable(keytab)) {
      return;
    }
    keytabWatch.shutdown();
    keytabWatch = null;
    try {
      start(config);
    } catch (Exception e) {
      LOG.error("SA manager of {} not started: {}", tenant, e.toString());
    }
  }

  /** Whether the manager runs (it waits for its keytab otherwise). */
  public synchronized boolean running() {
    return responder != null;
  }

  private void start(Config config) throws Exception {
    String karafData = System.getProperty("karaf.data", "data");
    Path dir = Path.of(config.dataDir().replace(KdcInstance.KARAF_DATA, karafData)).resolve(tenant);
    Files.createDirectories(dir);
    InetSocketAddress kdc = KdcInstance.socket(config.kdc().trim());
    writeClientConfig(dir, realm, kdc);
    String principal = config.principal().trim() + "@" + realm;
    Path keytab = Path.of(config.keytab().trim());
    KerberosSessionKeys sessionKeys =
        new KerberosSessionKeys(dir.toFile(), principal, keytab.toFile());
    Keytab keys = Keytab.loadKeytab(keytab.toFile());
    SaPairStore store = new ServiceSaPairStore(pairStore, tenant);
    moveFilesIntoStore(dir.resolve("pairs"), store);
    loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("mvpn-sam-" + tenant, true), NioIoHandler.newFactory());
    kdcCalls =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(KDC_QUEUE),
            new DefaultThreadFactory("mvpn-sam-kdc-" + tenant, true));
    try {
      scheduler = new EventLoopScheduler(loop.next());
      KerberosClock clock = KerberosClock.of(scheduler, System.currentTimeMillis());
      SaManager.Settings settings =
          new SaManager.Settings(
              Duration.ofSeconds(config.lifetimeSeconds()),
              config.capacity(),
              config.kdcAttempts(),
              node -> "kink/" + node + "@" + realm);
      SecureRandom random = new SecureRandom();
      channel =
          new Bootstrap()
              .group(loop)
              .channel(NioDatagramChannel.class)
              .handler(new Receiver())
              .bind(KdcInstance.socket(config.listen().trim()))
              .sync()
              .channel();
      address = (InetSocketAddress) channel.localAddress();
      onLoop(
          () -> {
            SaManager manager =
                new SaManager(
                    clock,
                    sessionKeys,
                    store,
                    settings,
                    random,
                    new SaManager.Counters(counters, scope(tenant)));
            responder =
                new SamResponder(
                    scheduler,
                    manager,
                    new ApAcceptor(keys, principal, clock, config.skewSeconds() * 1000),
                    (datagram, to) ->
                        channel.writeAndFlush(
                            new DatagramPacket(Unpooled.wrappedBuffer(datagram), to),
                            channel.voidPromise()),
                    SamResponder.Settings.DEFAULT,
                    kdcCalls,
                    random,
                    new SamResponder.Counters(counters, scope(tenant)));
            knowNodes(config.nodes());
            return null;
          });
    } catch (Exception | Error e) {
      // A socket that would not bind or a bad nodes entry: nothing of this instance stays open.
      deactivate();
      throw e;
    }
    LOG.info(
        "SA manager of {} ({}) on {}, KDC {}, {} pairs kept",
        tenant,
        realm,
        address,
        kdc,
        pairs().size());
  }

  @Deactivate
  synchronized void deactivate() {
    if (keytabWatch != null) {
      keytabWatch.shutdownNow();
      keytabWatch = null;
    }
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    if (kdcCalls != null) {
      kdcCalls.shutdownNow();
    }
    if (loop != null) {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    responder = null;
  }

  @Override
  public String tenant() {
    return tenant;
  }

  @Override
  public String realm() {
    return realm;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public List<SecurityAssociationPair> pairs() {
    if (!running()) {
      return List.of();
    }
    return onLoop(() -> responder.manager().pairs());
  }

  @Override
  public Map<String, Long> stats() {
    if (!running()) {
      return Map.of("pairs", 0L);
    }
    return onLoop(() -> SamStats.of(responder));
  }

  @Override
  public int flush() {
    if (!running()) {
      return 0;
    }
    return onLoop(() -> responder.manager().flush());
  }

  /**
   * The manager's figures, every sample labelled with its tenant: pairs held, pairs keyed from a
   * ticket held (cached) or after a KDC exchange (cold), KINK refusals by reason, and its counters.
   */
  @Override
  public void collect(MetricSink sink) {
    Map<String, Long> stats = stats();
    sink.gauge("mvpn_sam_pairs", "SA pairs held", stats.get("pairs"), "tenant", tenant);
    for (Map.Entry<String, Long> e : stats.entrySet()) {
      String key = e.getKey();
      if (key.startsWith("refused.")) {
        sink.counter(
            "mvpn_sam_refused",
            "KINK messages refused",
            e.getValue(),
            "tenant",
            tenant,
            "reason",
            key.substring("refused.".length()));
      } else if (key.equals(SamStats.HELD_TICKET) || key.equals(SamStats.KDC_TICKET)) {
        sink.counter(
            "mvpn_sam_pairs_granted",
            "SA pairs keyed for nodes: from a ticket the manager held (cached) or after a KDC"
                + " exchange (cold).",
            e.getValue(),
            "tenant",
            tenant,
            "ticket",
            key.equals(SamStats.HELD_TICKET) ? "cached" : "cold");
      } else if (key.equals(SamStats.REPLIES_HELD)) {
        sink.gauge(
            "mvpn_sam_replies_held",
            "Grants kept for requests sent again under the same XID, and grants under way.",
            e.getValue(),
            "tenant",
            tenant);
      } else if (!key.equals("pairs")) {
        sink.counter(
            "mvpn_sam_" + key,
            SamStats.HELP.getOrDefault(key, "SA manager " + key),
            e.getValue(),
            "tenant",
            tenant);
      }
    }
  }

  /** Pairs the manager kept in its own files before the store service held them. */
  private void moveFilesIntoStore(Path files, SaPairStore store) throws java.io.IOException {
    if (!Files.isDirectory(files)) {
      return;
    }
    FileSaPairStore old = new FileSaPairStore(files);
    long now = System.currentTimeMillis();
    int moved = 0;
    for (SecurityAssociationPair pair : old.pairs()) {
      if (pair.validAt(now)) {
        store.put(pair);
        moved++;
      }
      old.remove(pair);
    }
    if (moved > 0) {
      LOG.info("SA manager of {}: {} pairs moved from {} into the store", tenant, moved, files);
    }
  }

  private void knowNodes(String nodes) throws Exception {
    for (String entry : nodes.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("nodes are node=address:port, not '" + trimmed + "'");
      }
      responder.knowNode(trimmed.substring(0, eq), KdcInstance.socket(trimmed.substring(eq + 1)));
    }
  }

  private <T> T onLoop(Callable<T> task) {
    try {
      return loop.submit(task).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("SA manager of " + tenant + ": " + e.getMessage(), e);
    }
  }

  private static String require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the SA manager's cfg needs " + name);
    }
    return value.trim();
  }

  /** The krb5.conf the manager's Kerberos client reads: the realm and its KDC, nothing else. */
  private static void writeClientConfig(Path dir, String realm, InetSocketAddress kdc)
      throws java.io.IOException {
    String at = kdc.getAddress().getHostAddress() + ":" + kdc.getPort();
    Files.writeString(
        dir.resolve("krb5.conf"),
        String.join(
            "\n",
            "# The SA manager's Kerberos client (rewritten at each start).",
            "[libdefaults]",
            "  default_realm = " + realm,
            "  dns_lookup_kdc = false",
            "  udp_preference_limit = 1",
            "[realms]",
            "  " + realm + " = {",
            "    kdc = " + at,
            "  }",
            ""));
  }

  /** Datagrams of the socket, handed to the responder on the loop they arrive on. */
  private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      if (responder != null) {
        responder.receive(ByteBufUtil.getBytes(packet.content()), packet.sender());
      }
    }
  }
}
