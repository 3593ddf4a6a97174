package io.mvpn.mobilenode.sam;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.client.SamEspNode;
import io.mvpn.sam.client.SamEspPath;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.manager.KerberosSessionKeys;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * acme's home network in a {@link MobilityLab} as the SAM scenarios need it: the tenant's SA
 * manager at {@link #SAM} (node {@code acme-sam} of {@link #lab}) and the correspondent {@code cn}
 * at the lab's host, an ESP node of the same manager that echoes every voice datagram it opens. The
 * mobile node is {@code mn} at the lab's home address. What crosses the home network is recorded:
 * the KINK the manager sends and receives, and how the node's datagrams reach the correspondent.
 */
public final class SamSite {

  public static final Ipv4Address SAM = Ipv4Address.parse("10.1.0.200");
  public static final Ipv4Address HOME = MobilityLab.MN_HOME;
  public static final Ipv4Address CORRESPONDENT = MobilityLab.HOST;
  public static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  public static final byte[] MN_HA_KEY =
      HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  public static final int VOICE_PORT = 5004;
  public static final int KINK = SecuredCorrespondents.KINK_PORT;
  // Virtual time starts at the real time, so the KDC's tickets are valid on every engine's clock.
  private static final long WALL_CLOCK_AT_START = System.currentTimeMillis();

  /** Who the manager keys SAs between, and where they are. */
  public static final SamEspPath.Peers PEERS =
      SamEspPath.Peers.of(Map.of("mn", HOME, "cn", CORRESPONDENT));

  /**
   * acme's lab with its home agent at {@link #HA}, the manager's node on its LAN, and the host of
   * mobile node {@code mn}, whose attachments follow.
   */
  public static MobilityLab.Builder lab(long seed) {
    return MobilityLab.acme(seed, HA, MN_HA_KEY)
        .topology(t -> t.node("acme-sam").vrf("main").iface("eth0", "acme-lan", SAM + "/16"))
        .mobileNode("mn");
  }

  /** acme's node {@code mn} as its home agent knows it, with a 600-second lifetime. */
  public static MobileNode mobileNode(Scheduler time) {
    return new MobileNode(
        HOME,
        HA,
        new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, MN_HA_KEY),
        600,
        time,
        0);
  }

  public final List<String> kinkOnTheLan = new ArrayList<>();
  public final List<String> heardByCorrespondent = new ArrayList<>();
  public final List<String> reachedCorrespondent = new ArrayList<>();
  public final SamResponder manager;
  public final SamEspNode correspondent;
  private final SamRealmKdc realm;
  private final VirtualTimeScheduler time;
  private final KerberosClock clock;

  public SamSite(MobilityLab lab, SamRealmKdc realm) throws Exception {
    this.realm = realm;
    this.time = lab.time();
    this.clock = new KerberosClock(time, WALL_CLOCK_AT_START);
    this.manager = manager(lab.vrf("acme-sam", "main"));
    this.correspondent = correspondent(lab.vrf("acme-host", "main"));
  }

  /** The manager's clock, the one the site's clients run on. */
  public KerberosClock clock() {
    return clock;
  }

  /** {@code node}'s client of the manager, its KINK sent by {@code toManager}. */
  public SamClient client(String node, Consumer<byte[]> toManager) throws Exception {
    String principal = SamRealmKdc.principal(node);
    return new SamClient(
        time,
        clock,
        principal,
        realm.managerTicket(node),
        new ApAcceptor(realm.keys(node), principal, clock, 300_000),
        toManager,
        SamClient.Settings.DEFAULT,
        new SecureRandom());
  }

  /** The manager keyed by the realm's KDC, counting the KINK it carries. */
  private SamResponder manager(Vrf lan) throws Exception {
    SaManager pairs =
        new SaManager(
            clock,
            new KerberosSessionKeys(
                realm.clientConfigDir(), SamRealmKdc.MANAGER, realm.keytab("sam").toFile()),
            SaPairStore.inMemory(),
            SaManager.Settings.of(Duration.ofHours(8), 100, SamRealmKdc.REALM),
            new SecureRandom());
    SamResponder responder =
        new SamResponder(
            time,
            pairs,
            new ApAcceptor(realm.keys("sam"), SamRealmKdc.MANAGER, clock, 300_000),
            (datagram, to) -> {
              Ipv4Address address = Ipv4Address.parse(to.getAddress().getHostAddress());
              kinkOnTheLan.add("to " + address);
              lan.sendUdp(SAM, address, KINK, to.getPort(), Unpooled.wrappedBuffer(datagram));
            },
            SamResponder.Settings.DEFAULT,
            Runnable::run, // the KDC answers within the request's turn: virtual time stands still
            new SecureRandom());
    lan.bindUdp(
        KINK,
        (v, in, udp) -> {
          Ipv4Address from = udp.ip().sourceAddress();
          kinkOnTheLan.add("from " + from);
          responder.receive(ByteBufUtil.getBytes(udp.payload()), socket(from, udp.sourcePort()));
        });
    // The correspondent is at home: the manager can push its half before it asks for anything.
    responder.knowNode("cn", socket(CORRESPONDENT, KINK));
    return responder;
  }

  /** The correspondent: an ESP node of the manager's that echoes what it hears. */
  private SamEspNode correspondent(Vrf host) throws Exception {
    SamClient client =
        client(
            "cn",
            datagram ->
                host.sendUdp(CORRESPONDENT, SAM, KINK, KINK, Unpooled.wrappedBuffer(datagram)));
    host.bindUdp(KINK, (v, in, udp) -> client.receive(ByteBufUtil.getBytes(udp.payload())));
    SamEspNode node =
        new SamEspNode(host, CORRESPONDENT, client, PEERS, SamEspPath.Settings.DEFAULT);
    // What arrives from the home address: ESP off the LAN, or UDP in the clear (a null ingress is
    // the node's own loopback of what it opened).
    host.observeDeliveries(
        (v, in, ip) -> {
          if (ip.sourceAddress().equals(HOME) && in != null) {
            reachedCorrespondent.add(
                (ip.protocol() == IpProtocol.ESP ? "ESP" : "protocol " + ip.protocol())
                    + " from "
                    + ip.sourceAddress());
          }
        });
    host.bindUdp(
        VOICE_PORT,
        (v, in, udp) -> {
          String said = text(udp);
          heardByCorrespondent.add(said);
          node.send(udp(CORRESPONDENT, HOME, "echo " + said));
        });
    return node;
  }

  /** A voice datagram. */
  public static ByteBuf udp(Ipv4Address from, Ipv4Address to, String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    ByteBuf datagram =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            from.toInt(),
            to.toInt(),
            VOICE_PORT,
            VOICE_PORT,
            payload,
            64);
    payload.release();
    return datagram;
  }

  public static String text(UdpDatagram udp) {
    return new String(ByteBufUtil.getBytes(udp.payload()), StandardCharsets.UTF_8);
  }

  private static InetSocketAddress socket(Ipv4Address address, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address.toBytes()), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address.toString(), e);
    }
  }
}
