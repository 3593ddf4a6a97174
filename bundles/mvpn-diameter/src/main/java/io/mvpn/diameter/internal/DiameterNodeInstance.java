package io.mvpn.diameter.internal;

import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.diameter.DiameterNodeService;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.nasreq.HelloAaClient;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.nasreq.Nasreq;
import io.mvpn.diameter.net.DiameterTcp;
import io.mvpn.diameter.net.DiameterTls;
import io.mvpn.diameter.peer.AnswerListener;
import io.mvpn.diameter.peer.DiameterNode;
import io.mvpn.diameter.peer.DiameterStats;
import io.mvpn.diameter.peer.DisconnectCause;
import io.mvpn.diameter.peer.NodeSettings;
import io.mvpn.diameter.peer.Peer;
import io.mvpn.diameter.peer.PeerConfig;
import io.mvpn.diameter.peer.PeerState;
import io.mvpn.diameter.peer.PeerTraffic;
import io.mvpn.diameter.peer.RequestHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * One Diameter node from {@code etc/io.mvpn.diameter-<name>.cfg}: its identity, a TCP listener, its
 * peers. A thin component over {@link DiameterNode}, which runs on the event loop of its own {@link
 * DiameterTcp}; deactivation says goodbye to every peer with DPR (REBOOTING).
 */
@Component(
    configurationPid = DiameterNodeInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {DiameterNodeService.class, NodeAuthority.class, MetricSource.class})
@Designate(ocd = DiameterNodeInstance.Config.class, factory = true)
public final class DiameterNodeInstance
    implements DiameterNodeService, NodeAuthority, MetricSource {

  public static final String PID = "io.mvpn.diameter";

  private static final Logger LOG = LoggerFactory.getLogger(DiameterNodeInstance.class);

  @ObjectClassDefinition(name = "mvpn Diameter node", description = "A Diameter node (RFC 6733)")
  public @interface Config {
    @AttributeDefinition(description = "false: the file is an example and nothing starts")
    boolean enabled() default true;

    @AttributeDefinition(description = "Origin-Host, this node's DiameterIdentity (an FQDN)")
    String originHost();

    @AttributeDefinition(description = "Origin-Realm")
    String originRealm();

    @AttributeDefinition(description = "TCP address:port to accept peers on; empty: none")
    String listen() default "";

    @AttributeDefinition(
        description = "Host-IP-Address values, comma-separated; empty: the listen address")
    String hostAddresses() default "";

    @AttributeDefinition(
        description =
            "Peers, comma-separated: host/realm (it connects to us) or host/realm@address:port")
    String peers() default "";

    @AttributeDefinition(description = "Tw, the watchdog interval in seconds (at least 6)")
    int watchdogSeconds() default 30;

    @AttributeDefinition(description = "Tc, seconds before connecting again after a failure")
    int reconnectSeconds() default 30;

    @AttributeDefinition(description = "Relay requests for other realms (advertises the relay)")
    boolean relay() default false;

    @AttributeDefinition(description = "Vendor-Id in CER/CEA (0: none)")
    long vendorId() default 0;

    String productName() default "mvpn";

    @AttributeDefinition(
        description =
            "TLS (RFC 6733 section 13) on every connection: this node's PKCS#12 key store; empty: plain TCP")
    String tlsKeyStore() default "";

    @AttributeDefinition(description = "Password of the TLS key store")
    String tlsKeyStorePassword() default "";

    @AttributeDefinition(description = "PEM file of the CAs whose peer certificates are trusted")
    String tlsTrustedCas() default "";

    @AttributeDefinition(
        description =
            "Answer NASREQ AA-Requests with the MSM's node authority (the service with"
                + " mvpn.authority=msm): authenticated hellos (seed 002 c41), certified nodes"
                + " (c50-52) and the certificates sinks fetch (c56), each for a sink of the"
                + " realm the request comes from")
    boolean serveHellos() default false;
  }

  /**
   * Where the node counts, in scope {@code diameter/<Origin-Host>} ({@link #scope}), so the node
   * that follows an update goes on from the same totals; null outside OSGi unless given.
   */
  @Reference CounterStore counters;

  /** The scope of a node's counters in the counter store: its Origin-Host, as its metrics say. */
  static String scope(String originHost) {
    return "diameter/" + originHost;
  }

  /** The MSM's node authority, when this node answers authenticated hellos for it. */
  @Reference(
      name = "msm",
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      target = "(mvpn.authority=msm)")
  volatile NodeAuthority msm;

  /** The sink's side: its hellos' checks and certificate fetches, while the node runs. */
  private volatile HelloAaClient helloClient;

  /**
   * What a sink asks through this node: the client while the node runs; before and after, every
   * check refused as unreachable and every fetch answered with no certificate.
   */
  private final NodeAuthority sink = NodeAuthority.whicheverIsBound(() -> helloClient);

  // Written by activate and deactivate, read by whichever thread asks for figures or metrics.
  private volatile HelloAaServer helloServer; // null: the node serves no hellos

  private volatile DiameterTcp tcp;
  private volatile DiameterNode node;
  private String originHost;
  private String originRealm;

  @Activate
  void activate(Config config) throws Exception {
    if (!config.enabled()) {
      LOG.info("Diameter node {} is disabled in its cfg", config.originHost());
      return;
    }
    originHost = config.originHost();
    originRealm = config.originRealm();
    InetSocketAddress listen = config.listen().isBlank() ? null : socket(config.listen().trim());
    List<InetAddress> addresses = new ArrayList<>();
    for (String a : config.hostAddresses().split(",")) {
      if (!a.isBlank()) {
        addresses.add(InetAddress.getByName(a.trim()));
      }
    }
    if (addresses.isEmpty()) {
      addresses.add(listen != null ? listen.getAddress() : InetAddress.getLoopbackAddress());
    }
    Capabilities identity =
        new Capabilities(
            originHost,
            originRealm,
            addresses,
            config.vendorId(),
            config.productName(),
            1,
            System.currentTimeMillis() / 1000,
            Set.of(),
            Set.of());
    NodeSettings settings =
        NodeSettings.of(identity)
            .withWatchdog(Duration.ofSeconds(config.watchdogSeconds()))
            .withReconnect(Duration.ofSeconds(config.reconnectSeconds()))
            .withRelay(config.relay());
    List<PeerConfig> peers = parsePeers(config.peers());
    tcp =
        config.tlsKeyStore().isBlank()
            ? new DiameterTcp()
            : new DiameterTcp(
                DiameterTls.of(
                    Path.of(config.tlsKeyStore()),
                    config.tlsKeyStorePassword().toCharArray(),
                    Path.of(config.tlsTrustedCas())));
    node =
        onLoop(
            () ->
                new DiameterNode(
                    tcp.scheduler(),
                    settings,
                    tcp,
                    new SecureRandom(),
                    counters,
                    scope(originHost)));
    onLoop(
        () -> {
          peers.forEach(node::addPeer);
          return null;
        });
    if (listen != null) {
      tcp.listen(listen, node);
    }
    helloClient = new HelloAaClient(this::send, originHost, originRealm, System.nanoTime());
    if (config.serveHellos()) {
      helloServer =
          new HelloAaServer(NodeAuthority.whicheverIsBound(() -> msm), counters, scope(originHost));
      onLoop(
          () -> {
            node.register(Nasreq.APPLICATION_ID, helloServer);
            return null;
          });
    }
    onLoop(
        () -> {
          node.start();
          return null;
        });
    LOG.info(
        "Diameter node {} ({}) with {} peers{}",
        originHost,
        originRealm,
        peers.size(),
        listen == null ? "" : ", listening on " + listen);
  }

  @Deactivate
  void deactivate() {
    if (tcp == null) {
      return;
    }
    helloClient = null; // checks and fetches from now on are answered as unreachable
    try {
      onLoop(
          () -> {
            node.stop(DisconnectCause.REBOOTING);
            return null;
          });
      // Bounded wait for the DPAs, so peers see an orderly goodbye rather than a reset.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < deadline
          && onLoop(() -> node.peers().stream().anyMatch(p -> p.state() != PeerState.CLOSED))) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } catch (Exception e) {
      LOG.debug("Diameter node {} stopping: {}", originHost, e.toString());
    } finally {
      DiameterTcp closing = tcp;
      tcp = null; // new queries see a stopped node; those already under way see a shut loop
      closing.close();
    }
  }

  static List<PeerConfig> parsePeers(String text) {
    List<PeerConfig> peers = new ArrayList<>();
    for (String entry : text.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int at = e.indexOf('@');
      String id = at < 0 ? e : e.substring(0, at);
      int slash = id.indexOf('/');
      if (slash <= 0 || slash == id.length() - 1) {
        throw new IllegalArgumentException("peer '" + e + "' is not host/realm[@address:port]");
      }
      peers.add(
          new PeerConfig(
              id.substring(0, slash),
              id.substring(slash + 1),
              at < 0 ? null : socket(e.substring(at + 1))));
    }
    return peers;
  }

  private static InetSocketAddress socket(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not address:port");
    }
    return new InetSocketAddress(
        text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return onLoop(tcp, task);
  }

  private static <T> T onLoop(DiameterTcp on, Callable<T> task) throws Exception {
    return on.scheduler().eventLoop().submit(task).get(5, TimeUnit.SECONDS);
  }

  private <T> T query(Callable<T> task) {
    DiameterTcp on = tcp;
    if (on == null) {
      throw new IllegalStateException("Diameter node " + originHost + " is not running");
    }
    try {
      return onLoop(on, task);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The transport, for tests that stop it under a running query. */
  DiameterTcp transport() {
    return tcp;
  }

  @Override
  public String originHost() {
    return originHost;
  }

  @Override
  public String originRealm() {
    return originRealm;
  }

  @Override
  public List<PeerView> peers() {
    DiameterNode n = node;
    return query(() -> views(n));
  }

  private static List<PeerView> views(DiameterNode node) {
    List<PeerView> views = new ArrayList<>();
    for (Peer p : node.peers()) {
      Capabilities remote = p.remoteCapabilities();
      views.add(
          new PeerView(
              p.config().host(),
              p.config().realm(),
              p.state().name(),
              p.watchdogState().name(),
              p.connection() == null ? "-" : p.connection().remote(),
              remote == null ? "-" : String.valueOf(node.capabilities().common(remote)),
              p.available()));
    }
    return views;
  }

  @Override
  public DiameterStats stats() {
    DiameterNode n = node;
    return query(() -> n.stats()); // not n::stats: null while stopped, refused by query
  }

  @Override
  public List<PeerTraffic> traffic() {
    DiameterNode n = node;
    return query(() -> n.traffic());
  }

  @Override
  public Map<HelloAaServer.Counted, Long> aaAnswers() {
    HelloAaServer server = helloServer;
    return server == null ? Map.of() : query(server::counts);
  }

  private record Figures(
      List<PeerView> peers,
      DiameterStats stats,
      List<PeerTraffic> traffic,
      Map<HelloAaServer.Counted, Long> aaAnswers) {}

  /**
   * The node's figures for the metrics endpoint, read in one visit to its scheduler, so they agree
   * with each other: its peers' state, the messages exchanged with each, its events and the
   * AA-Requests it answered. A node its cfg disables, or one stopping meanwhile, reports nothing.
   */
  @Override
  public void collect(MetricSink sink) {
    DiameterTcp on = tcp;
    DiameterNode n = node;
    HelloAaServer server = helloServer;
    if (on == null || n == null) {
      return;
    }
    Figures f;
    try {
      f =
          onLoop(
              on,
              () ->
                  new Figures(
                      views(n),
                      n.stats(),
                      n.traffic(),
                      server == null ? Map.of() : server.counts()));
    } catch (IllegalStateException | RejectedExecutionException e) {
      return; // the loop has shut down: the node is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      LOG.debug("Diameter node {}: no figures: {}", originHost, e.toString());
      return;
    }
    DiameterMetrics.collect(sink, originHost, f.peers(), f.stats(), f.traffic(), f.aaAnswers());
  }

  @Override
  public void send(DiameterMessage request, AnswerListener listener) {
    DiameterNode n = node;
    tcp.scheduler().execute(() -> n.send(request, listener));
  }

  /**
   * A sink's check of a node entering its site (seed 002 c41): an AA-Request to the node's home
   * realm. The answer comes on this node's event loop.
   */
  @Override
  public void authorize(HelloCredentials credentials, Consumer<Authorization> answer) {
    sink.authorize(credentials, answer);
  }

  /**
   * A sink's authorisation of a node it authenticated by its certificate (seed 002 c50-52): an
   * AUTHORIZE_ONLY AA-Request to the sink's own realm, whose MSM answers only for members of a site
   * of that realm.
   */
  @Override
  public void authorizeCertified(CertifiedNode certified, Consumer<Authorization> answer) {
    sink.authorizeCertified(certified, answer);
  }

  /**
   * A sink's fetch of the certificate a hello only refers to (seed 002 c56, {@code
   * pkiCertificatesFromMsm}): an AUTHENTICATE_ONLY AA-Request to the sink's own realm, answered by
   * that realm's MSM node ({@code serveHellos}) with what its CA issued under {@code dnsName}, if
   * the name is a member of a site of this node's Origin-Realm; none otherwise. The answer comes on
   * this node's event loop.
   */
  @Override
  public void certificates(String dnsName, Consumer<List<byte[]>> answer) {
    sink.certificates(dnsName, answer);
  }

  @Override
  public void register(long applicationId, RequestHandler handler) {
    query(
        () -> {
          node.register(applicationId, handler);
          return null;
        });
  }
}
