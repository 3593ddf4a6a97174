package io.mvpn.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.keys.AwaitedKeys;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.ike.CaService;
import io.mvpn.ike.IkeService;
import io.mvpn.ike.host.UdpIkeSockets;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.sa.Authenticator;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineCounters;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.IkeSaManager;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.ike.sa.RekeyPolicy;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * One IKE daemon, from {@code etc/io.mvpn.ike-<name>.cfg}: the IKEv2 engine on real UDP sockets at
 * a local address, port {@code ikePort} (500) and port {@code natTPort} (4500) with the non-ESP
 * marker (RFC 3948 §2.2), run on a single thread of its own. One {@link IkeSaManager} serves the
 * address: each configured peer is one {@link PeerConfig} of it ({@link IkeEngine}), and the
 * manager gives a datagram to the SA its SPI names, and a new IKE_SA_INIT request to the peer whose
 * remote address (and port, if one matches) it came from, or to the first peer without a remote
 * address; a request from anywhere else is counted and dropped. UDP-encapsulated ESP arriving on
 * the NAT-T port is dropped: the ESP data path is not wired to this daemon. A peer's pre-shared key
 * is {@code psk=keystore:ALIAS} or inline hex; one it cannot read refuses the configuration in one
 * ERROR line and nothing is opened or registered, hence the services registered by hand.
 */
// Registered by hand, only for a configuration that reads: said here for resolvers.
@Capability(
    namespace = "osgi.service",
    attribute =
        "objectClass:List<String>=\"io.mvpn.ike.IkeService,io.mvpn.api.metrics.MetricSource\"",
    uses = {IkeService.class, MetricSource.class})
@Component(
    configurationPid = IkeDaemon.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
@Designate(ocd = IkeDaemon.Config.class, factory = true)
public final class IkeDaemon implements IkeService, MetricSource {

  public static final String PID = "io.mvpn.ike";

  private static final Logger LOG = LoggerFactory.getLogger(IkeDaemon.class);

  @ObjectClassDefinition(name = "mvpn IKE daemon", description = "IKEv2 on a local address")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Names the daemon in the shell, e.g. ike1")
    String name();

    @AttributeDefinition(name = "Address", description = "Local IPv4 address to bind, a.b.c.d")
    String address();

    @AttributeDefinition(name = "IKE port")
    int ikePort() default Endpoint.IKE_PORT;

    @AttributeDefinition(name = "NAT-T port")
    int natTPort() default Endpoint.NAT_T_PORT;

    @AttributeDefinition(
        name = "Local ID",
        description = "Our identity for peers without id=: IPv4 address or FQDN (the address)")
    String id() default "";

    @AttributeDefinition(
        name = "Peers",
        description =
            "Separated by ';': NAME remote=A.B.C.D[:PORT] id=ID remoteId=ID psk=keystore:ALIAS|psk=HEX|auth=cert"
                + " localTs=PREFIX,.. remoteTs=PREFIX,.. ike=default esp=default")
    String[] peers() default {};

    @AttributeDefinition(
        name = "IKE fragment size",
        description =
            "Largest IP datagram of an encrypted IKE message before it goes in RFC 7383"
                + " fragments; 0 turns IKE fragmentation off")
    int fragmentSize() default EngineSettings.DEFAULT_FRAGMENT_SIZE;

    @AttributeDefinition(
        name = "Trusted outside CAs",
        description =
            "PEM files of CA certificates trusted beside the appliance CA for auth=cert peers"
                + " (no revocation check for them), comma-separated")
    String[] trustedCas() default {};

    @AttributeDefinition(name = "Retransmission timeout (ms)", description = "Doubles each try")
    long retransmitMillis() default 500;

    @AttributeDefinition(name = "Retransmissions", description = "Before the peer is dead")
    int retransmitTries() default 5;

    @AttributeDefinition(
        name = "IKE SA re-key (s)",
        description = "Soft lifetime: re-key each IKE SA after it, 0 for never")
    long ikeRekeySeconds() default 4 * 3600;

    @AttributeDefinition(
        name = "Child SA re-key (s)",
        description = "Soft lifetime: re-key each Child SA after it, 0 for never")
    long childRekeySeconds() default 3600;

    @AttributeDefinition(
        name = "Re-key jitter (s)",
        description = "Each re-key comes up to this much earlier, at random")
    long rekeyJitterSeconds() default 360;
  }

  private record Peer(PeerSpec spec, IkeEngine engine) {}

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where peers refused at IKE_AUTH are reported. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  @Reference CaService ca;

  /**
   * Where the daemon counts, in scope {@code ike/<name>} ({@link #scope}), so the daemon that
   * follows an update goes on from the same totals; null in a test that gives none.
   */
  @Reference CounterStore counters;

  /** The scope of a daemon's counters in the counter store: its name, as its metrics say. */
  static String scope(String name) {
    return "ike/" + name;
  }

  /** Read on activation only; see {@link #bindKeyService}. */
  private final AwaitedKeys keys = new AwaitedKeys();

  private final ConfigurationCheck check = new ConfigurationCheck();
  private ServiceRegistration<?> registration;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private String name;
  private List<X509Certificate> outsideCas = List.of();
  private PeerRefusals refusals;
  private Endpoint local;
  private int natTPort;
  private IkeSaManager manager;
  private DefaultEventLoop loop;
  private UdpIkeSockets sockets;

  /** The peer lines, split at ';', each pre-shared key read through the keystore. */
  static List<String> peerLines(String[] peers, ConfiguredKeys keys) {
    List<String> lines = new ArrayList<>();
    for (String entry : peers) {
      for (String one : entry.split(";")) {
        if (!one.isBlank()) {
          lines.add(one);
        }
      }
    }
    return keys.read(
        "peers",
        () -> {
          List<String> resolved = keys.namedWords("peers", "psk", lines);
          // Parsed here too, so a bad line is refused in the one line that never quotes a stored
          // key; the default identity does not matter to that check.
          resolved.forEach(line -> PeerSpec.parse(line, null, "checked.invalid"));
          return resolved;
        });
  }

  /**
   * Optional: a key service that goes away (its bundle updated, the keystore not open) must never
   * deactivate the daemon and tear its IKE SAs down, least of all one whose peers name no stored
   * key. A daemon that needs stored keys and found none waits for this call to start.
   */
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
  void activate(Config config, BundleContext context, Map<String, Object> configuration)
      throws Exception {
    boolean needsStoredKeys =
        Arrays.stream(config.peers()).anyMatch(p -> p.contains(ConfiguredKeys.PREFIX));
    Exception[] failed = new Exception[1];
    boolean now =
        keys.startWhenReady(
            needsStoredKeys,
            () -> {
              try {
                start(config, context, configuration);
              } catch (Exception e) {
                failed[0] = e;
                LOG.error("IKE daemon {} did not start: {}", config.name(), e.getMessage());
              }
            });
    if (!now) {
      LOG.info(
          "IKE daemon {} waits for the key service, which holds its peers' keys", config.name());
    } else if (failed[0] != null) {
      throw failed[0];
    }
  }

  private void start(Config config, BundleContext context, Map<String, Object> configuration)
      throws Exception {
    String pid = String.valueOf(configuration.get(Constants.SERVICE_PID));
    ConfiguredKeys configuredKeys = new ConfiguredKeys(keys.current());
    List<String> peerLines =
        check.read(pid, () -> peerLines(config.peers(), configuredKeys), LOG::error);
    if (peerLines == null) {
      return; // refused: one line logged, listed by mvpn:info, no sockets opened
    }
    configuredKeys.warnInline(pid, LOG::warn);
    open(config, peerLines);
    registration =
        context.registerService(
            new String[] {IkeService.class.getName(), MetricSource.class.getName()},
            this,
            ServiceProperties.of(configuration, "peers"));
  }

  /** Opens the sockets and makes each peer's engine (a test starts a daemon so, framework-less). */
  void open(Config config, List<String> peerLines) throws Exception {
    name = config.name();
    outsideCas = TrustedCas.load(config.trustedCas());
    refusals = new PeerRefusals(name, LOG, securityEvents, counters, scope(name));
    Ipv4Address address = Ipv4Address.parse(config.address().trim());
    local = new Endpoint(address, config.ikePort());
    natTPort = config.natTPort();
    String defaultIdText = config.id().isBlank() ? address.toString() : config.id().trim();
    List<PeerSpec> specs = new ArrayList<>();
    for (String one : peerLines) {
      specs.add(PeerSpec.parse(one, null, defaultIdText));
    }
    EngineSettings settings =
        new EngineSettings(
            config.retransmitMillis(),
            config.retransmitTries(),
            EngineSettings.defaults().halfOpenCookieThreshold(),
            new RekeyPolicy(
                config.ikeRekeySeconds(),
                config.childRekeySeconds(),
                config.rekeyJitterSeconds(),
                0));
    loop = new DefaultEventLoop(new DefaultThreadFactory("ike-" + name));
    try {
      sockets = new UdpIkeSockets(name, local, natTPort);
      EventLoopScheduler scheduler = new EventLoopScheduler(loop);
      manager =
          new IkeSaManager(
              scheduler,
              sockets,
              local,
              settings.withFragmentSize(config.fragmentSize()),
              random,
              new EngineCounters(counters, scope(name)));
      for (PeerSpec spec : specs) {
        PeerConfig peerConfig =
            PeerConfig.of(
                    spec.localId(),
                    spec.remoteId(),
                    authenticator(spec),
                    spec.localSelectors(),
                    spec.remoteSelectors())
                .withProposals(spec.ike(), spec.esp());
        IkeEngine engine =
            call(
                () ->
                    new IkeEngine(manager, peerConfig, spec.remote(), true, listener(spec.name())));
        if (peers.putIfAbsent(spec.name(), new Peer(spec, engine)) != null) {
          throw new IllegalArgumentException("peer " + spec.name() + " twice");
        }
      }
      sockets.start(manager, loop);
    } catch (Exception e) {
      close();
      throw e;
    }
    LOG.info("IKE daemon {} on {} (NAT-T {}), peers {}", name, local, natTPort, peers.keySet());
  }

  private Authenticator authenticator(PeerSpec spec) {
    if (!spec.certificate()) {
      return new PskAuthenticator(spec.psk());
    }
    return new CertificateAuthenticator(
            credential(ca, spec.localIdText(), spec.localId()),
            ca.validator().alsoTrusting(outsideCas),
            Instant::now)
        .withRefusalListener(r -> refusals.refused("peer " + spec.name(), r));
  }

  /**
   * The appliance CA's newest certificate for {@code cn}, issued now if it has none: to the address
   * for an IPv4 identity, to the name for any other.
   */
  static Credential credential(CaService ca, String cn, io.mvpn.ike.sa.Identity id) {
    return ca.credential(cn)
        .orElseGet(
            () ->
                id.type() == io.mvpn.ike.message.IdentificationPayload.ID_IPV4_ADDR
                    ? ca.issue(cn, List.of(Ipv4Address.parse(cn)), List.of())
                    : ca.issue(cn, List.of(), List.of(cn)));
  }

  private IkeEngine.Listener listener(String peer) {
    return new IkeEngine.Listener() {
      @Override
      public void established(IkeSa sa) {
        LOG.info("{}: {} established with {}: {}", name, sa, peer, sa.childSas());
      }

      @Override
      public void ended(IkeSa sa) {
        LOG.info("{}: {} with {} ended", name, sa, peer);
      }

      @Override
      public void ikeSaRekeyed(IkeSa old, IkeSa successor) {
        LOG.info("{}: {} with {} re-keyed: {}", name, old, peer, successor);
      }

      @Override
      public void childSaCreated(IkeSa sa, ChildSa child) {
        LOG.info("{}: {} with {} has a new {}", name, sa, peer, child);
      }
    };
  }

  @Deactivate
  void deactivate() {
    keys.cancel();
    check.withdraw();
    if (registration != null) {
      registration.unregister();
    }
    if (loop == null) {
      return; // its configuration was refused: nothing was opened
    }
    try {
      // Tell the peers, so they do not keep SAs that no longer have an end here.
      call(
          () -> {
            peers.values().forEach(p -> p.engine().sas().forEach(sa -> p.engine().delete(sa)));
            return null;
          });
    } catch (Exception e) {
      LOG.debug("{}: deleting SAs on the way down", name, e);
    }
    close();
    LOG.info("IKE daemon {} stopped", name);
  }

  private void close() {
    if (sockets != null) {
      sockets.close();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private <T> T call(Callable<T> task) throws Exception {
    try {
      return loop.submit(task).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private <T> T callUnchecked(Callable<T> task) {
    try {
      return call(task);
    } catch (RuntimeException e) {
      throw e;
    } catch (TimeoutException e) {
      throw new IllegalStateException("IKE daemon " + name + " does not answer", e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- IkeService -----------------------------------------------------------------------------

  @Override
  public String name() {
    return name;
  }

  @Override
  public String local() {
    return local.toString();
  }

  @Override
  public int natTPort() {
    return natTPort;
  }

  @Override
  public void collect(MetricSink sink) {
    new IkeMetrics(this).collect(sink);
  }

  @Override
  public List<String> peers() {
    return List.copyOf(peers.keySet());
  }

  @Override
  public Map<String, Long> refusedPeers() {
    return refusals.counts();
  }

  @Override
  public Map<String, Long> dropped() {
    IkeSaManager running = manager;
    return running == null ? Map.of() : running.counters().drops();
  }

  @Override
  public List<IkeSaView> sas() {
    return callUnchecked(
        () -> {
          List<IkeSaView> all = new ArrayList<>();
          for (Peer peer : peers.values()) {
            for (IkeSa sa : peer.engine().sas()) {
              all.add(SaViews.view(name, peer.spec().name(), sa));
            }
          }
          return all;
        });
  }

  @Override
  public long initiate(String peerName) {
    Peer peer = peers.get(peerName);
    if (peer == null) {
      throw new IllegalArgumentException(name + " has no peer " + peerName);
    }
    if (peer.spec().remote() == null) {
      throw new IllegalArgumentException(peerName + " has no remote address to initiate to");
    }
    return callUnchecked(() -> peer.engine().initiate(peer.spec().remote()).localSpi());
  }

  @Override
  public boolean terminate(long spi) {
    return withSa(spi, IkeEngine::delete);
  }

  @Override
  public boolean rekey(long spi) {
    return withSa(spi, IkeEngine::rekeyIkeSa);
  }

  /**
   * Hands the SA of that local SPI (or, failing that, either SPI) to {@code action} on the loop.
   */
  private boolean withSa(long spi, java.util.function.BiConsumer<IkeEngine, IkeSa> action) {
    return callUnchecked(
        () -> {
          IkeSa found = null;
          IkeEngine owner = null;
          for (Peer peer : peers.values()) {
            IkeSa sa = peer.engine().sa(spi);
            if (sa != null) {
              found = sa;
              owner = peer.engine();
            }
          }
          for (Peer peer : peers.values()) {
            for (IkeSa sa : peer.engine().sas()) {
              if (found == null && (sa.spiI() == spi || sa.spiR() == spi)) {
                found = sa;
                owner = peer.engine();
              }
            }
          }
          if (found == null) {
            return false;
          }
          action.accept(owner, found);
          return true;
        });
  }
}
