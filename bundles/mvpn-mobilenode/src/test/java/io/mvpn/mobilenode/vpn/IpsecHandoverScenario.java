package io.mvpn.mobilenode.vpn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.SecurityGatewaySpec;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.ike.fabric.MobileNodeIke;
import io.mvpn.ike.fabric.SecurityGatewayIke;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.ipsec.gateway.SecurityGatewayTunnels;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.mobilenode.vpn.VpnMobileNode.Handover;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Seed 001's setting in virtual time, 20 ms one-way on every link: a mobile node in two visited
 * networks (behind access routers fa1 and fa2), the private network's security gateway between the
 * Internet and a DMZ where the home agent sits, and a correspondent on the corporate LAN. The node
 * and the correspondent stream UDP to each other every 2 ms; the node moves fa1 -> fa2 at 3 s.
 *
 * <p>Tunnels are set up by IKEv2 ({@link Keying#IKE}: mvpn's engines with X.509 certificates, the
 * gateway's tunnels made from the negotiated Child SAs) or by a model of it ({@link Keying#MODEL}:
 * the same two round trips as UDP 500 datagrams of typical sizes, then SAs with known keys, which a
 * capture can be decrypted with).
 */
final class IpsecHandoverScenario {

  static final long MS = 1_000_000L;
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  static final Ipv4Address CN = Ipv4Address.parse("10.1.0.100");
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GW_INSIDE = Ipv4Address.parse("198.51.100.1");
  static final Ipv4Address GW = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address COA1 = Ipv4Address.parse("203.0.113.70");
  static final Ipv4Address COA2 = Ipv4Address.parse("203.0.113.100");
  static final byte[] MN_HA_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final byte[] GW_HA_KEY =
      HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000");
  static final long GW_HA_SPI = 4000;
  static final int DOWN_PORT = 7000;
  static final int UP_PORT = 7001;
  static final long STREAM_START = 1000 * MS;
  static final long MOVE_AT = 3000 * MS;
  static final long STREAM_END = 5000 * MS;
  static final long PERIOD = 2 * MS;

  final Lab lab;
  final VirtualTimeScheduler time;
  final SecurityGateway gateway;
  final VirtualHomeAgent homeAgent;
  final VpnMobileNode node;
  final Map<Integer, Long> downSent = new TreeMap<>();
  final Map<Integer, Long> downReceived = new TreeMap<>();
  final Map<Integer, Long> upSent = new TreeMap<>();
  final Map<Integer, Long> upReceived = new TreeMap<>();
  final List<Long> siuApplied = new ArrayList<>();

  /** Each SA's key by SPI, to decrypt captures. */
  final Map<Integer, byte[]> keys = new HashMap<>();

  final Random random = new Random(2026);
  int nextSpi = 0x1000;

  /** How tunnels are set up. */
  enum Keying {
    MODEL,
    IKE
  }

  final boolean udp;

  /** The node's IKE, with {@link Keying#IKE}. */
  MobileNodeIke nodeIke;

  /** The model of the key exchange (with {@link Keying#MODEL} it sets the tunnels up). */
  final IkeSetupModel model;

  IpsecHandoverScenario(boolean seedHandover) {
    this(seedHandover, false, Keying.MODEL);
  }

  /**
   * With {@code udp}, ESP rides UDP 4500 both ways (RFC 3948) and the node sends keepalives (model
   * keying only: IKE puts ESP in UDP only when it finds a NAT, and this path has none).
   */
  IpsecHandoverScenario(boolean seedHandover, boolean udp, Keying keying) {
    if (udp && keying == Keying.IKE) {
      throw new IllegalArgumentException("no NAT on the path: IKE would not encapsulate");
    }
    this.udp = udp;
    // Everything in the private network hangs off the gateway: the DMZ with the appliance (the
    // home agent) and a host, and acme's LAN, where the correspondent is acme's host.
    MobilityLab mobility =
        MobilityLab.builder(2026)
            .internet("20ms")
            .segment("cell1", "20ms")
            .segment("cell2", "20ms")
            .segment("dmz", "20ms")
            .segment("acme-lan", "20ms")
            .securityGateway("gw", "203.0.113.1/26", "acme-lan", null)
            .topology(
                t ->
                    t.node("gw")
                        .vrf("outside")
                        .route("203.0.113.64/27", "203.0.113.11")
                        .route("203.0.113.96/27", "203.0.113.12")
                        .vrf("inside")
                        .iface("dmz", "dmz", "198.51.100.1/24"))
            .applianceIn("dmz", "198.51.100.10/24", "198.51.100.1")
            .tenant("acme")
            .homeAgent(
                new HomeAgentConfig(
                    MvpnId.of("acme"),
                    HA,
                    List.of(MobilityLab.REALM),
                    List.of(new AssociationSpec(HOME, 1000, Algorithm.HMAC_MD5, MN_HA_KEY)),
                    600,
                    7,
                    "acme-lan",
                    List.of(),
                    seedHandover
                        ? List.of(
                            new SecurityGatewaySpec(
                                new AssociationSpec(
                                    GW_INSIDE, GW_HA_SPI, Algorithm.HMAC_SHA256, GW_HA_KEY),
                                List.of(MobilityLab.REALM)))
                        : List.of()))
            .topology(
                t -> {
                  t.node("dmzhost").vrf("main").iface("eth0", "dmz", "198.51.100.50/24");
                  accessRouter(t, 1, "203.0.113.65/27");
                  accessRouter(t, 2, "203.0.113.97/27");
                })
            .mobileNode("mn")
            .visited("v1", "cell1", "203.0.113.70/27", "203.0.113.65")
            .visited("v2", "cell2", "203.0.113.100/27", "203.0.113.97")
            .build();
    lab = mobility.lab();
    time = lab.virtualTime();
    homeAgent = mobility.homeAgent("acme");

    MobilitySecurityAssociation gwHaKey =
        new MobilitySecurityAssociation(GW_HA_SPI, Algorithm.HMAC_SHA256, GW_HA_KEY);
    gateway =
        new SecurityGateway(
            new SecurityGateway.Config(
                GW, SecurityInformationUpdate.DEFAULT_PORT, Map.of(HA, gwHaKey), 7),
            lab.vrf("gw", "outside"),
            lab.vrf("gw", "inside"),
            0);
    gateway.start();
    gateway.addUpdateListener(u -> siuApplied.add(u.atNanos()));

    model = new IkeSetupModel();
    TunnelEstablishment establishment = model;
    if (keying == Keying.IKE) {
      establishment = ike(lab.vrf("gw", "outside"));
    }
    node =
        new VpnMobileNode(
            new VpnMobileNode.Config(
                HOME,
                HA,
                GW,
                new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, MN_HA_KEY),
                600,
                1000 * MS,
                3,
                udp),
            time,
            0,
            establishment,
            ip -> {
              if (ip.protocol() == 17 && ip.payloadLength() >= 12) {
                int seq = ip.buffer().getInt(ip.payloadOffset() + 8);
                downReceived.putIfAbsent(seq, time.nanoTime());
              }
            });
    node.addNetwork("v1", lab.vrf("mn", "v1"), lab.iface("mn", "v1"));
    node.addNetwork("v2", lab.vrf("mn", "v2"), lab.iface("mn", "v2"));
    if (keying == Keying.MODEL) {
      model.bind();
    }

    lab.vrf("acme-host", "main")
        .bindUdp(
            UP_PORT,
            (vrf, in, d) -> upReceived.putIfAbsent(d.payload().getInt(0), time.nanoTime()));
  }

  /** Access router f: on the Internet at 203.0.113.1f, the router of cell f at {@code cell}. */
  private static void accessRouter(TopologyBuilder t, int f, String cell) {
    t.node("fa" + f)
        .vrf("main")
        .iface("up", "internet", "203.0.113.1" + f + "/26")
        .iface("cell", "cell" + f, cell);
  }

  /**
   * IKEv2 between the node's access networks and the gateway's public address, certificates from
   * one CA: the gateway's names its address, the node's its FQDN. The node protects its home and
   * care-of addresses toward the corporate LAN and the DMZ; the gateway's responder makes a mobile
   * tunnel of each Child SA.
   */
  private TunnelEstablishment ike(Vrf gatewayOutside) {
    SecureRandom rng = new SecureRandom();
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    CertificateAuthority ca =
        CertificateAuthority.create(
            "mvpn msm",
            KeyType.EC_P256,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(3650)),
            CertificateStore.inMemory(),
            rng);
    CertificateValidator trust = CertificateValidator.trusting(ca.certificate());
    Credential gwCredential =
        ca.issue(Subject.gateway("sgw", GW), KeyType.EC_P256, now, now.plus(Duration.ofDays(365)));
    Credential mnCredential =
        ca.issue(
            Subject.node("mn.acme.example"), KeyType.EC_P256, now, now.plus(Duration.ofDays(365)));
    List<TrafficSelector> corporate =
        List.of(
            TrafficSelector.ipv4(Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255")),
            TrafficSelector.ipv4(
                Ipv4Address.parse("198.51.100.0"), Ipv4Address.parse("198.51.100.255")));

    // The gateway's responder as the appliance runs it: through the gateway's tunnel service.
    new SecurityGatewayIke(
            new SecurityGatewayTunnels("sgw", gateway, gatewayOutside),
            gatewayOutside,
            PeerConfig.of(
                Identity.ipv4(GW),
                null,
                new CertificateAuthenticator(gwCredential, trust, () -> now),
                corporate,
                List.of(
                    TrafficSelector.ipv4(Ipv4Address.of(0), Ipv4Address.parse("255.255.255.255")))),
            EngineSettings.defaults(),
            rng,
            id -> id.equals(Identity.fqdn("mn.acme.example")) ? HOME : null)
        .start();

    nodeIke = new MobileNodeIke(GW, EngineSettings.defaults(), rng);
    for (Ipv4Address careOf : List.of(COA1, COA2)) {
      nodeIke.addNetwork(
          careOf.equals(COA1) ? lab.vrf("mn", "v1") : lab.vrf("mn", "v2"),
          careOf,
          PeerConfig.of(
              Identity.fqdn("mn.acme.example"),
              Identity.ipv4(GW),
              new CertificateAuthenticator(mnCredential, trust, () -> now),
              List.of(TrafficSelector.ipv4(HOME, HOME), TrafficSelector.ipv4(careOf, careOf)),
              corporate));
    }
    return nodeIke::establish;
  }

  /** Sets up the tunnel and registers at the first care-of address, without streams. */
  IpsecHandoverScenario startOnly() {
    node.start("v1");
    time.runUntil(STREAM_START);
    return this;
  }

  /** Runs the whole timeline: tunnel and registration, streams, the move, the tail. */
  IpsecHandoverScenario run(Handover mode) {
    node.start("v1");
    for (long t = STREAM_START; t < STREAM_END; t += PERIOD) {
      int seq = (int) ((t - STREAM_START) / PERIOD);
      time.schedule(t, TimeUnit.NANOSECONDS, () -> sendDown(seq));
      time.schedule(t, TimeUnit.NANOSECONDS, () -> sendUp(seq));
    }
    time.schedule(MOVE_AT, TimeUnit.NANOSECONDS, () -> node.moveTo("v2", mode));
    time.runUntil(STREAM_END + 1000 * MS);
    return this;
  }

  private void sendDown(int seq) {
    downSent.put(seq, time.nanoTime());
    ByteBuf payload = Unpooled.buffer(64).writeInt(seq).writeZero(60);
    lab.vrf("acme-host", "main").sendUdp(CN, HOME, DOWN_PORT, DOWN_PORT, payload);
    payload.release();
  }

  private void sendUp(int seq) {
    upSent.put(seq, time.nanoTime());
    ByteBuf payload = Unpooled.buffer(64).writeInt(seq).writeZero(60);
    Vrf vrf = node.active().vrf();
    node.send(
        UdpDatagram.build(vrf.alloc(), HOME.toInt(), CN.toInt(), UP_PORT, UP_PORT, payload, 64));
    payload.release();
  }

  /** The longest gap between consecutive arrivals from {@code from} on, and packets never seen. */
  record Interruption(long gapNanos, int lost) {}

  static Interruption interruption(Map<Integer, Long> sent, Map<Integer, Long> received) {
    long gap = 0;
    Long previous = null;
    for (Map.Entry<Integer, Long> e : sent.entrySet()) {
      Long at = received.get(e.getKey());
      if (at == null) {
        continue;
      }
      if (previous != null) {
        gap = Math.max(gap, at - previous);
      }
      previous = at;
    }
    int lost = (int) sent.keySet().stream().filter(s -> !received.containsKey(s)).count();
    return new Interruption(gap, lost);
  }

  /**
   * The exchanges of a full IKEv2 setup between the node and the gateway: IKE_SA_INIT and IKE_AUTH
   * request/response pairs as UDP 500 datagrams of typical sizes (SA, KE group 19, nonces; then
   * IDs, AUTH, certificate, traffic selectors). When the last arrives, both ends install new SAs.
   */
  final class IkeSetupModel implements TunnelEstablishment {
    static final int[] SIZES = {264, 248, 1120, 1088};
    final Map<Integer, BiConsumer<EspSecurityAssociation, EspSecurityAssociation>> waiting =
        new HashMap<>();
    final Map<Integer, EspSecurityAssociation[]> made = new HashMap<>();

    /** What the node told the key exchange of its fast handovers, once each was accepted. */
    final List<Ipv4Address> moved = new ArrayList<>();

    @Override
    public void moved(Ipv4Address careOf) {
      moved.add(careOf);
    }

    void bind() {
      lab.vrf("gw", "outside").bindUdp(500, (vrf, in, d) -> atGateway(d));
      for (String v : List.of("v1", "v2")) {
        lab.vrf("mn", v).bindUdp(500, (vrf, in, d) -> atNode(d));
      }
    }

    @Override
    public void establish(
        Ipv4Address careOf, BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready) {
      waiting.put(careOf.toInt(), ready);
      send(nodeVrf(careOf), careOf, GW, 0);
    }

    private Vrf nodeVrf(Ipv4Address careOf) {
      return careOf.equals(COA1) ? lab.vrf("mn", "v1") : lab.vrf("mn", "v2");
    }

    private void send(Vrf vrf, Ipv4Address from, Ipv4Address to, int step) {
      ByteBuf msg = Unpooled.buffer(SIZES[step]).writeInt(step).writeZero(SIZES[step] - 4);
      vrf.sendUdp(from, to, 500, 500, msg);
      msg.release();
    }

    private void atGateway(UdpDatagram d) {
      int step = d.payload().getInt(d.payload().readerIndex());
      Ipv4Address careOf = Ipv4Address.of(d.ip().source());
      if (step == 2) {
        // IKE_AUTH verified: the gateway's half of the CHILD_SA goes in before its response.
        // One key per direction: both sequence numbers start at 1, so a shared key would repeat
        // GCM nonces.
        byte[] up = new byte[20];
        byte[] down = new byte[20];
        random.nextBytes(up);
        random.nextBytes(down);
        int toGateway = nextSpi++;
        int toNode = nextSpi++;
        keys.put(toGateway, up);
        keys.put(toNode, down);
        EspSecurityAssociation gwIn =
            new EspSecurityAssociation(toGateway, Direction.INBOUND, null, GW, up, true, 64);
        EspSecurityAssociation gwOut =
            new EspSecurityAssociation(toNode, Direction.OUTBOUND, GW, careOf, down, true, 0);
        gateway.addTunnel(new MobileTunnel(HOME, gwIn, gwOut, udp));
        made.put(
            careOf.toInt(),
            new EspSecurityAssociation[] {
              new EspSecurityAssociation(toNode, Direction.INBOUND, GW, careOf, down, true, 64),
              new EspSecurityAssociation(toGateway, Direction.OUTBOUND, careOf, GW, up, true, 0)
            });
      }
      send(lab.vrf("gw", "outside"), GW, careOf, step + 1);
    }

    private void atNode(UdpDatagram d) {
      int step = d.payload().getInt(d.payload().readerIndex());
      Ipv4Address careOf = Ipv4Address.of(d.ip().destination());
      if (step == 1) {
        send(nodeVrf(careOf), careOf, GW, 2);
      } else if (step == 3) {
        EspSecurityAssociation[] sas = made.remove(careOf.toInt());
        BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready =
            waiting.remove(careOf.toInt());
        if (sas != null && ready != null) {
          ready.accept(sas[0], sas[1]);
        }
      }
    }
  }
}
