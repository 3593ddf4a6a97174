package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.SecurityGatewaySpec;
import io.mvpn.ike.fabric.SecurityGatewayIke;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.ipsec.gateway.SecurityGatewayTunnels;
import io.mvpn.mn.vpn.TenantCredentials;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.transport.tap.TapTransport;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Seed 001's appliance side in the test JVM, on real devices where a kernel meets it: a tenant's
 * network behind its security gateway (the gateway's IKEv2 responder with certificates, its ESP
 * tunnels), the home agent in the DMZ behind the gateway, which tells the gateway of each new
 * care-of address (SIU), and the tenant's site, a namespace on the tenant LAN's TUN device. The
 * laptop reaches the gateway from access networks, each a bridge in the access namespace whose
 * router (a VRF on a TAP port) sits on the Internet. The Internet and the DMZ are memory segments
 * with the delay the test gives them.
 */
abstract class SecurityGatewayNetworks extends EnginesInThisJvm {

  static final Ipv4Address GATEWAY = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address GATEWAY_INSIDE = Ipv4Address.parse("198.51.100.1");
  static final Ipv4Address HOME_AGENT = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  static final String SITE_HOST = "10.1.0.100";
  static final String NODE_NAME = "mn.acme.example";
  static final String MN_HA_KEY = "00112233445566778899aabbccddeeff";
  static final int MTU = 1400;

  private static final byte[] GATEWAY_HA_KEY =
      HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000");

  /** One access network: its bridge and the router's address on it, a /24 of 10.200.0.0/16. */
  record AccessNetwork(String bridge, String prefix) {
    String router() {
      return prefix + ".1";
    }

    String laptop() {
      return prefix + ".5";
    }
  }

  MemorySegment internet;
  Vrf gatewayOutside;
  SecurityGateway gateway;
  SecurityGatewayIke gatewayIke;
  String accessNamespace;
  String site;
  String siteDevice;
  Path nodeCertificate;
  Path caCertificate;

  /** The Internet, the gateway, the DMZ with the home agent, the tenant's LAN and site. */
  void appliance(Duration internetDelay, Duration dmzDelay) throws Exception {
    internet = new MemorySegment("internet", LinkProperties.IDEAL.withDelay(internetDelay), 1);
    MemorySegment dmz = new MemorySegment("dmz", LinkProperties.IDEAL.withDelay(dmzDelay), 2);
    siteDevice = lab.device("s");
    TunTransport lan = TunTransport.open(siteDevice, MTU);
    appliance(GATEWAY, internet.newPort(), dmz.newPort(), dmz.newPort(), lan);
    site = lab.namespace("site");
    lab.moveInto(siteDevice, site, SITE_HOST + "/16");
    lab.in(site, "ip", "route", "add", "default", "dev", siteDevice);
    accessNamespace = lab.namespace("lan");
  }

  /**
   * The appliance on the links the caller gives: the gateway's outside at {@code publicAddress}
   * (/24) on {@code outside}, its inside and the home agent's public side on the DMZ ({@code
   * dmzGateway}, {@code dmzHomeAgent}: two ends of one link), the tenant's LAN (10.1.0.1/16, the
   * home agent's home network) on {@code lan}. The gateway's certificate names {@code
   * publicAddress}; the node's credentials go to {@link #dir}.
   */
  void appliance(
      Ipv4Address publicAddress,
      Transport outside,
      Transport dmzGateway,
      Transport dmzHomeAgent,
      Transport lan)
      throws Exception {
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    MemorySegment toSite = new MemorySegment("gw-acme", LinkProperties.IDEAL, 3);
    gatewayOutside = vrf("gw-outside");
    Vrf inside = vrf("gw-inside");
    Vrf publicVrf = vrf("public");
    Vrf acme = vrf("acme");
    onLoop(
        () -> {
          gatewayOutside.addInterface("o0", publicAddress, 24, outside);
          Interface dmzSide = inside.addInterface("dmz", GATEWAY_INSIDE, 24, dmzGateway);
          Interface toAcme =
              inside.addInterface("to-acme", Ipv4Address.parse("10.254.0.2"), 30, toSite.newPort());
          inside.addRoute(
              new Route(
                  Prefix.parse("10.1.0.0/16"),
                  Ipv4Address.parse("10.254.0.1"),
                  toAcme,
                  Route.Origin.STATIC));
          Interface pub = publicVrf.addInterface("pub0", HOME_AGENT, 24, dmzHomeAgent);
          publicVrf.addRoute(
              new Route(Prefix.DEFAULT_ROUTE, GATEWAY_INSIDE, pub, Route.Origin.STATIC));
          acme.addInterface("acme-lan", Ipv4Address.parse("10.1.0.1"), 16, lan);
          acme.addInterface("to-gw", Ipv4Address.parse("10.254.0.1"), 30, toSite.newPort());
          return dmzSide;
        });

    MobilitySecurityAssociation gatewayKey =
        new MobilitySecurityAssociation(4000, Algorithm.HMAC_SHA256, GATEWAY_HA_KEY);
    HomeAgentConfig config =
        new HomeAgentConfig(
            MvpnId.of("acme"),
            HOME_AGENT,
            List.of(Prefix.parse("10.1.0.0/16")),
            List.of(
                new AssociationSpec(
                    HOME, 1000, Algorithm.HMAC_MD5, HexFormat.of().parseHex(MN_HA_KEY))),
            600,
            7,
            "acme-lan",
            List.of(),
            List.of(
                new SecurityGatewaySpec(
                    new AssociationSpec(
                        GATEWAY_INSIDE, 4000, Algorithm.HMAC_SHA256, GATEWAY_HA_KEY),
                    List.of(Prefix.parse("10.1.0.0/16")))));
    TenantCredentials credentials = TenantCredentials.write(dir, NODE_NAME, publicAddress);
    nodeCertificate = credentials.nodeCertificate();
    caCertificate = credentials.caCertificate();
    onLoop(
        () -> {
          gateway =
              new SecurityGateway(
                  new SecurityGateway.Config(
                      publicAddress,
                      SecurityInformationUpdate.DEFAULT_PORT,
                      Map.of(HOME_AGENT, gatewayKey),
                      7),
                  gatewayOutside,
                  inside,
                  epochOffset);
          gateway.start();
          gatewayIke =
              new SecurityGatewayIke(
                  new SecurityGatewayTunnels("sgw", gateway, gatewayOutside),
                  gatewayOutside,
                  PeerConfig.of(
                      Identity.ipv4(publicAddress),
                      null,
                      new CertificateAuthenticator(
                          credentials.gateway(),
                          CertificateValidator.trusting(credentials.ca()),
                          Instant::now),
                      List.of(
                          TrafficSelector.ipv4(
                              Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255")),
                          TrafficSelector.ipv4(
                              Ipv4Address.parse("198.51.100.0"),
                              Ipv4Address.parse("198.51.100.255"))),
                      List.of(
                          TrafficSelector.ipv4(
                              Ipv4Address.of(0), Ipv4Address.parse("255.255.255.255")))),
                  EngineSettings.defaults(),
                  new SecureRandom(),
                  id -> id.equals(Identity.fqdn(NODE_NAME)) ? HOME : null);
          gatewayIke.start();
          return gateway;
        });
    startHomeAgent(config, publicVrf, acme, epochOffset);
  }

  /**
   * An access network: a bridge in the access namespace and its router, a VRF with a TAP port on
   * the bridge ({@code prefix}.1/24) and an uplink on the Internet at {@code uplink}; the gateway
   * routes the network's prefix through it.
   */
  AccessNetwork accessNetwork(String prefix, Ipv4Address uplink) throws Exception {
    String n = prefix.substring(prefix.lastIndexOf('.') + 1);
    String tap = lab.device("t" + n);
    String bridge = lab.device("b" + n);
    TapTransport port = TapTransport.open(tap, TapTransport.DEFAULT_MTU);
    Vrf router = vrf("router-" + prefix);
    onLoop(
        () -> {
          router.addInterface("lan", Ipv4Address.parse(prefix + ".1"), 24, port);
          router.addInterface("up", uplink, 24, internet.newPort());
          Interface outside = gatewayOutside.interfaces().get(0);
          gatewayOutside.addRoute(
              new Route(Prefix.parse(prefix + ".0/24"), uplink, outside, Route.Origin.STATIC));
          return null;
        });
    lab.in(accessNamespace, "ip", "link", "add", bridge, "type", "bridge");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
    lab.moveInto(tap, accessNamespace);
    lab.in(accessNamespace, "ip", "link", "set", tap, "master", bridge);
    lab.in(accessNamespace, "ip", "link", "set", bridge, "up");
    return new AccessNetwork(bridge, prefix);
  }

  /**
   * The node's config in mode vpn ({@code NAME.yaml} in {@link #dir}, its control socket beside):
   * the home address, the home agent and the routes of this appliance, the gateway at {@code
   * gateway}, the laptop's {@code accessInterface} and TUN device, {@code handover} fast or
   * reestablish.
   */
  Path nodeConfig(String handover, String accessInterface, String tunDevice, Ipv4Address gateway)
      throws Exception {
    return nodeConfig(handover, List.of(accessInterface), tunDevice, gateway);
  }

  /**
   * As {@link #nodeConfig(String, String, String, Ipv4Address)} with the laptop's {@code
   * accessInterfaces}, most preferred first (one: the key {@code accessInterface}).
   */
  Path nodeConfig(
      String handover, List<String> accessInterfaces, String tunDevice, Ipv4Address gateway)
      throws Exception {
    String access =
        accessInterfaces.size() == 1
            ? "accessInterface: " + accessInterfaces.get(0)
            : "accessInterfaces: [" + String.join(", ", accessInterfaces) + "]";
    return Files.writeString(
        dir.resolve(handover + ".yaml"),
        """
        mode: vpn
        %s
        homeAddress: %s
        homeAgent: %s
        spi: 1000
        algorithm: hmac-md5
        key: %s
        lifetime: 300
        tunDevice: %s
        mtu: %d
        routes: [10.1.0.0/16]
        control: %s
        gateway: %s
        identity: %s
        certificate: %s
        certificatePassword: s3cret
        caCertificate: %s
        handover: %s
        """
            .formatted(
                access,
                HOME,
                HOME_AGENT,
                MN_HA_KEY,
                tunDevice,
                MTU,
                dir.resolve(handover + ".sock"),
                gateway,
                NODE_NAME,
                nodeCertificate,
                caCertificate,
                handover));
  }
}
