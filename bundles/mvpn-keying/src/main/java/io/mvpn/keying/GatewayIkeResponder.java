package io.mvpn.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Listeners;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.ipsec.ChildSaEvent;
import io.mvpn.api.ipsec.ChildSaListener;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.ike.CaService;
import io.mvpn.ike.IkeService;
import io.mvpn.ike.fabric.MobileTunnelInstaller;
import io.mvpn.ike.fabric.SecurityGatewayIke;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.ike.sa.ProposalSyntax;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
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
 * The IKEv2 responder of one security gateway, from {@code etc/io.mvpn.ike.gateway-<name>.cfg}: on
 * the gateway's public address in its outside VRF (UDP 500 of the fabric, where the nodes' ESP
 * arrives too), with a certificate from the appliance's CA naming that address, trusting the CA
 * (and its CRL) for the nodes' certificates. Each Child SA becomes the node's mobile tunnel in the
 * gateway ({@link MobileTunnelInstaller}), so the seed 001 handover and {@code mvpn:sa} see it like
 * any other; it goes when IKE deletes it. The gateway is reached only through its {@link
 * EspTunnelService}, chosen with {@code gateway.target = (mvpn.gateway=GATEWAY)} and bound
 * dynamically; the engine runs on the gateway's outside VRF, which the fabric names.
 */
@Component(
    configurationPid = GatewayIkeResponder.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = IkeService.class)
@Designate(ocd = GatewayIkeResponder.Config.class, factory = true)
public final class GatewayIkeResponder implements IkeService {

  public static final String PID = "io.mvpn.ike.gateway";

  private static final Logger LOG = LoggerFactory.getLogger(GatewayIkeResponder.class);

  @ObjectClassDefinition(name = "mvpn gateway IKE responder")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Names the responder in the shell")
    String name();

    @AttributeDefinition(
        name = "Gateway",
        description =
            "The security gateway's tunnel service, as an LDAP filter: (mvpn.gateway=gw1)")
    String gateway_target();

    @AttributeDefinition(
        name = "Protected networks",
        description = "Prefixes behind the gateway a node may reach, comma-separated")
    String[] protect();

    @AttributeDefinition(
        name = "Nodes",
        description =
            "Each node it serves as IDENTITY=HOME_ADDRESS (an FQDN or IPv4 identity its"
                + " certificate names), comma-separated: a node gets that tunnel and no other")
    String[] nodes();

    @AttributeDefinition(
        name = "Trusted outside CAs",
        description =
            "PEM files of CA certificates trusted beside the appliance CA for the nodes'"
                + " certificates (no revocation check for them), comma-separated")
    String[] trustedCas() default {};

    @AttributeDefinition(
        name = "IKE proposals",
        description =
            "In strongSwan's syntax, e.g. aes256gcm16-prfsha256-ecp256,aes256-sha256-modp2048;"
                + " default: the built-in list, which takes Windows' and Apple's clients")
    String ike() default "default";

    @AttributeDefinition(
        name = "ESP proposals",
        description =
            "In strongSwan's syntax, e.g. aes256gcm16,aes256-sha256; default: the built-in list"
                + " (AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC-SHA2)")
    String esp() default "default";
  }

  /** IDENTITY=HOME_ADDRESS, ...: who may have which home address. */
  static Map<Identity, Ipv4Address> nodes(String[] specs) {
    Map<Identity, Ipv4Address> out = new LinkedHashMap<>();
    for (String spec : ConfigList.items(specs)) {
      String[] f = spec.split("=");
      if (f.length != 2) {
        throw new IllegalArgumentException("node '" + spec + "': expected IDENTITY=HOME_ADDRESS");
      }
      out.put(PeerSpec.identity(f[0].trim()), Ipv4Address.parse(f[1].trim()));
    }
    return out;
  }

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where peers refused at IKE_AUTH are reported. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  @Reference FabricService fabric;

  @Reference CaService ca;

  /** Functions that follow keying (whiteboard): told of each tunnel this responder changes. */
  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  volatile List<ChildSaListener> childSaListeners = List.of();

  /** The responder on one bound gateway, and the VRF its engine runs on. */
  private record Attached(EspTunnelService gateway, Vrf outside, SecurityGatewayIke ike) {}

  private final Object lock = new Object();
  private EspTunnelService gateway; // the bound one, under lock
  private Config config; // while active, under lock
  private String name;
  private List<X509Certificate> outsideCas = List.of();
  private ProposalPolicy ikePolicy;
  private ProposalPolicy espPolicy;
  private PeerRefusals refusals;
  private volatile Attached attached;

  /**
   * A gateway comes (or replaces the one bound, as after an update of its bundle): the responder
   * moves to it. The new gateway's tunnels start empty, so the nodes key afresh.
   */
  @Reference(
      name = "gateway",
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindGateway(EspTunnelService tunnels) {
    synchronized (lock) {
      gateway = tunnels;
      if (config != null) {
        detach();
        attach();
      }
    }
  }

  void unbindGateway(EspTunnelService tunnels) {
    synchronized (lock) {
      if (gateway == tunnels) {
        gateway = null;
        detach();
      }
    }
  }

  @Activate
  void activate(Config config) {
    synchronized (lock) {
      name = config.name();
      outsideCas = TrustedCas.load(config.trustedCas());
      ikePolicy = ProposalSyntax.parse(Proposal.IKE, config.ike());
      espPolicy = ProposalSyntax.parse(Proposal.ESP, config.esp());
      refusals = new PeerRefusals(name, LOG, securityEvents);
      this.config = config;
      attach();
    }
  }

  @Deactivate
  void deactivate() {
    synchronized (lock) {
      detach();
      config = null;
    }
  }

  private void attach() {
    EspTunnelService tunnels = gateway;
    Ipv4Address address = tunnels.publicAddress();
    Vrf outside =
        fabric
            .vrf(tunnels.outsideVrf())
            .orElseThrow(
                () -> new IllegalStateException(name + ": no VRF " + tunnels.outsideVrf()));
    String commonName = name + "." + tunnels.gateway();
    Credential credential =
        ca.credential(commonName)
            .orElseGet(() -> ca.issue(commonName, List.of(address), List.of()));
    List<TrafficSelector> protectedNetworks =
        PeerSpec.selectors(ConfigList.items(config.protect()));
    Map<Identity, Ipv4Address> homes = nodes(config.nodes());
    CertificateAuthenticator authenticator =
        new CertificateAuthenticator(
                credential, ca.validator().alsoTrusting(outsideCas), Instant::now)
            .withPeerPolicy(
                (sa, id, cert) ->
                    homes.containsKey(Identity.of(id)) ? null : "not a node of " + name)
            .withRefusalListener(r -> refusals.refused("a node", r));
    PeerConfig peer =
        new PeerConfig(
            Identity.ipv4(address),
            null,
            authenticator,
            protectedNetworks,
            List.of(TrafficSelector.ipv4(Ipv4Address.of(0), Ipv4Address.parse("255.255.255.255"))),
            ikePolicy,
            espPolicy,
            false,
            homes::get);
    SecurityGatewayIke ike =
        fabric.onLoop(
            outside,
            () -> {
              SecurityGatewayIke responder =
                  new SecurityGatewayIke(
                      tunnels,
                      outside,
                      peer,
                      EngineSettings.defaults(),
                      new SecureRandom(),
                      homes::get);
              responder.installer().setListener(this::tell);
              responder.start();
              return responder;
            });
    attached = new Attached(tunnels, outside, ike);
    LOG.info("{}: IKE responder of {} on {}:500", name, tunnels.gateway(), address);
  }

  /** Deleting tells the nodes; the installer takes their tunnels out as each SA ends. */
  private void detach() {
    Attached a = attached;
    if (a == null) {
      return;
    }
    attached = null;
    fabric.onLoop(
        a.outside(),
        () -> {
          a.ike().close();
          return null;
        });
  }

  private void tell(ChildSaEvent event) {
    Listeners.tellEach(childSaListeners, l -> l.childSa(event), name + "'s Child SA events");
  }

  private Attached current() {
    Attached a = attached;
    if (a == null) {
      throw new IllegalStateException(name + " has no security gateway");
    }
    return a;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String local() {
    return current().gateway().publicAddress() + ":500";
  }

  /** IKE behind a NAT moves to 4500, which the gateway shares with ESP in UDP. */
  @Override
  public int natTPort() {
    return Endpoint.NAT_T_PORT;
  }

  @Override
  public List<String> peers() {
    return List.of(
        "any node certified by the appliance CA"
            + (outsideCas.isEmpty() ? "" : " or " + outsideCas.size() + " outside CA(s)"));
  }

  @Override
  public Map<String, Long> refusedPeers() {
    return refusals.counts();
  }

  @Override
  public Map<String, Long> dropped() {
    Attached a = attached; // none before a security gateway is bound: nothing dropped yet
    return a == null ? Map.of() : a.ike().engine().manager().counters().drops();
  }

  @Override
  public List<IkeSaView> sas() {
    Attached a = current();
    return fabric.onLoop(
        a.outside(),
        () -> {
          List<IkeSaView> all = new ArrayList<>();
          for (IkeSa sa : a.ike().engine().sas()) {
            all.add(SaViews.view(name, sa.remote().address().toString(), sa));
          }
          return all;
        });
  }

  @Override
  public long initiate(String peer) {
    throw new IllegalArgumentException(name + " only responds: nodes initiate to it");
  }

  @Override
  public boolean terminate(long spi) {
    return withSa(spi, (engine, sa) -> engine.delete(sa));
  }

  /** The node's tunnel stays: its Child SA moves to the new IKE SA as it is. */
  @Override
  public boolean rekey(long spi) {
    return withSa(spi, (engine, sa) -> engine.rekeyIkeSa(sa));
  }

  private boolean withSa(long spi, BiConsumer<IkeEngine, IkeSa> action) {
    Attached a = current();
    return fabric.onLoop(
        a.outside(),
        () -> {
          IkeSa sa = a.ike().sa(spi);
          if (sa != null) {
            action.accept(a.ike().engine(), sa);
          }
          return sa != null;
        });
  }
}
