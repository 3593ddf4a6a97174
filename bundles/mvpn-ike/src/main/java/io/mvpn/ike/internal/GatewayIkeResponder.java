package io.mvpn.ike.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.CaService;
import io.mvpn.ike.IkeService;
import io.mvpn.ike.fabric.MobileTunnelInstaller;
import io.mvpn.ike.fabric.VrfIkePort;
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
import io.mvpn.ipsec.gateway.SecurityGatewayService;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The IKEv2 responder of one security gateway, from {@code etc/io.mvpn.ike.gateway-<name>.cfg}: on
 * the gateway's public address in its outside VRF (UDP 500 of the fabric, where the nodes' ESP
 * arrives too), with a certificate from the appliance's CA naming that address, trusting the CA
 * (and its CRL) for the nodes' certificates. Each Child SA becomes the node's mobile tunnel in the
 * gateway ({@link MobileTunnelInstaller}), so the seed 001 handover and {@code mvpn:sa} see it like
 * any other; it goes when IKE deletes it. The gateway is chosen with {@code gateway.target =
 * (name=GATEWAY)}.
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
        description = "The security gateway, as an LDAP filter: (name=gw1)")
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
  }

  /** IDENTITY=HOME_ADDRESS, ...: who may have which home address. */
  static Map<Identity, Ipv4Address> nodes(String[] specs) {
    Map<Identity, Ipv4Address> out = new LinkedHashMap<>();
    for (String spec : String.join(",", specs).split(",")) {
      if (spec.isBlank()) {
        continue;
      }
      String[] f = spec.trim().split("=");
      if (f.length != 2) {
        throw new IllegalArgumentException("node '" + spec + "': expected IDENTITY=HOME_ADDRESS");
      }
      out.put(PeerSpec.identity(f[0].trim()), Ipv4Address.parse(f[1].trim()));
    }
    return out;
  }

  @Reference(name = "gateway")
  SecurityGatewayService gateway;

  @Reference CaService ca;

  private String name;
  private Ipv4Address address;
  private VrfIkePort port;
  private IkeEngine engine;

  @Activate
  void activate(Config config) {
    name = config.name();
    address = gateway.publicAddress();
    String commonName = name + "." + gateway.name();
    Credential credential =
        ca.credential(commonName)
            .orElseGet(() -> ca.issue(commonName, List.of(address), List.of()));
    List<TrafficSelector> protectedNetworks =
        PeerSpec.selectors(String.join(",", Arrays.asList(config.protect())));
    Map<Identity, Ipv4Address> homes = nodes(config.nodes());
    CertificateAuthenticator authenticator =
        new CertificateAuthenticator(credential, ca.validator(), Instant::now)
            .withPeerPolicy(
                (sa, id, cert) ->
                    homes.containsKey(Identity.of(id)) ? null : "not a node of " + name)
            .withRefusalListener(r -> LOG.info("{}: refused a node: {}", name, r));
    gateway.onGateway(
        (g, outside) -> {
          port = new VrfIkePort(outside, address, EngineSettings.defaults(), new SecureRandom());
          // No MOBIKE and ESP pinned: a node's tunnel moves by seed 001's update and by the port
          // of its authenticated ESP, not by where its IKE comes from.
          engine =
              new IkeEngine(
                  port.manager(),
                  new PeerConfig(
                      Identity.ipv4(address),
                      null,
                      authenticator,
                      protectedNetworks,
                      List.of(
                          TrafficSelector.ipv4(
                              Ipv4Address.of(0), Ipv4Address.parse("255.255.255.255"))),
                      ProposalPolicy.ikeDefault(),
                      ProposalPolicy.espDefault(),
                      false,
                      homes::get),
                  null,
                  true,
                  new MobileTunnelInstaller(g, homes::get));
          engine.espFollowsIke(false);
          port.start();
          g.setNatTraversalIke(port::receiveNatT);
          return null;
        });
    LOG.info("{}: IKE responder of {} on {}:500", name, gateway.name(), address);
  }

  @Deactivate
  void deactivate() {
    gateway.onGateway(
        (g, outside) -> {
          g.setNatTraversalIke(null);
          port.close();
          // Deleting tells the nodes; the installer takes the tunnels out as each SA ends.
          List.copyOf(engine.sas()).forEach(engine::delete);
          return null;
        });
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String local() {
    return address + ":500";
  }

  /** IKE behind a NAT moves to 4500, which the gateway shares with ESP in UDP. */
  @Override
  public int natTPort() {
    return Endpoint.NAT_T_PORT;
  }

  @Override
  public List<String> peers() {
    return List.of("any node certified by the appliance CA");
  }

  @Override
  public List<IkeSaView> sas() {
    return gateway.onGateway(
        (g, outside) -> {
          List<IkeSaView> all = new ArrayList<>();
          for (IkeSa sa : engine.sas()) {
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
    return withSa(spi, engine::delete);
  }

  /** The node's tunnel stays: its Child SA moves to the new IKE SA as it is. */
  @Override
  public boolean rekey(long spi) {
    return withSa(spi, engine::rekeyIkeSa);
  }

  private boolean withSa(long spi, java.util.function.Consumer<IkeSa> action) {
    return gateway.onGateway(
        (g, outside) -> {
          for (IkeSa sa : List.copyOf(engine.sas())) {
            if (sa.localSpi() == spi || sa.spiI() == spi || sa.spiR() == spi) {
              action.accept(sa);
              return true;
            }
          }
          return false;
        });
  }
}
