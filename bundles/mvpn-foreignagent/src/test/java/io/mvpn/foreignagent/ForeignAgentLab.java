package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.mip.AgentAdvertisement;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A foreign agent between a cell, where three mobile nodes of 10.1.0.0/16 visit (each its own
 * station), and the carrier network, where a scripted home agent answers what the agent relays.
 */
final class ForeignAgentLab implements AutoCloseable {

  static final Ipv4Address CARE_OF = Ipv4Address.parse("203.0.113.11");
  static final Ipv4Address HOME_AGENT = Ipv4Address.parse("203.0.113.1");
  static final int MAX_LIFETIME = 600;
  static final long SPI = 1000;
  static final byte[] MN_HA_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final long ADVERTISEMENT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  final Lab lab;
  final ForeignAgent agent;
  final ScriptedHomeAgent homeAgent;
  final List<Visiting> nodes = new ArrayList<>();

  /** Three visitors, no keys, at most 5 requests pending. */
  ForeignAgentLab() {
    this(5, ADVERTISEMENT_INTERVAL_NANOS, Map.of(), Map.of());
  }

  ForeignAgentLab(
      int maxPending,
      long advertisementIntervalNanos,
      Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys,
      Map<ForeignAgent.Mobile, MobilitySecurityAssociation> mobileNodeKeys) {
    this(
        maxPending,
        advertisementIntervalNanos,
        homeAgentKeys,
        mobileNodeKeys,
        ForeignAgent.Stores.NONE);
  }

  /** The default lab with these stores (and so these home agents of the appliance's own). */
  ForeignAgentLab(ForeignAgent.Stores stores) {
    this(5, ADVERTISEMENT_INTERVAL_NANOS, Map.of(), Map.of(), stores);
  }

  ForeignAgentLab(
      int maxPending,
      long advertisementIntervalNanos,
      Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys,
      Map<ForeignAgent.Mobile, MobilitySecurityAssociation> mobileNodeKeys,
      ForeignAgent.Stores stores) {
    TopologyBuilder b =
        new TopologyBuilder(5944)
            .segment("cell", "1ms")
            .segment("carrier", "2ms")
            .node("fa")
            .vrf("access")
            .iface("a0", "cell", CARE_OF + "/24")
            .vrf("uplink")
            .iface("u0", "carrier", CARE_OF + "/24")
            .node("ha")
            .vrf("main")
            .iface("eth0", "carrier", HOME_AGENT + "/24");
    for (int n = 1; n <= 3; n++) {
      b.node("mn" + n).vrf("cell").iface("c0", "cell", "10.1.0." + (4 + n) + "/32");
    }
    lab = Lab.virtual(b.build());
    agent =
        new ForeignAgent(
            new ForeignAgent.Config(
                CARE_OF,
                MAX_LIFETIME,
                advertisementIntervalNanos,
                maxPending,
                homeAgentKeys,
                mobileNodeKeys),
            lab.vrf("fa", "access"),
            lab.iface("fa", "a0"),
            lab.vrf("fa", "uplink"),
            stores);
    homeAgent = new ScriptedHomeAgent(lab.vrf("ha", "main"));
    for (int n = 1; n <= 3; n++) {
      nodes.add(new Visiting(lab.vrf("mn" + n, "cell"), Ipv4Address.parse("10.1.0." + (4 + n))));
    }
    agent.start();
  }

  Visiting node(int n) {
    return nodes.get(n - 1);
  }

  void run(long millis) {
    lab.virtualTime().advance(millis, TimeUnit.MILLISECONDS);
  }

  /** Long enough for any exchange, shorter than the agent's 7 s wait for a home agent. */
  void run() {
    run(100);
  }

  @Override
  public void close() {
    lab.close();
  }

  /** A mobile node on the cell: sends requests to the agent, keeps replies and advertisements. */
  static final class Visiting {
    final Vrf vrf;
    final Ipv4Address home;
    final MobilitySecurityAssociation mnHa =
        new MobilitySecurityAssociation(
            SPI, MobilitySecurityAssociation.Algorithm.HMAC_MD5, MN_HA_KEY);
    final List<RegistrationReply> replies = new ArrayList<>();
    final List<AgentAdvertisement> advertisements = new ArrayList<>();
    private long counter;

    Visiting(Vrf vrf, Ipv4Address home) {
      this.vrf = vrf;
      this.home = home;
      vrf.addRoute(
          new Route(Prefix.DEFAULT_ROUTE, CARE_OF, vrf.interfaces().get(0), Route.Origin.PROTOCOL));
      vrf.bindUdp(
          MipConstants.PORT,
          (v, in, udp) -> replies.add(parse(udp.payload(), RegistrationReply::parse)));
      vrf.registerIcmp(
          IcmpType.ROUTER_ADVERTISEMENT,
          (v, in, ip) -> {
            try {
              advertisements.add(
                  AgentAdvertisement.parse(RouterAdvertisement.parse(IcmpMessage.parse(ip))));
            } catch (MalformedPacketException e) {
              throw new AssertionError(e);
            }
          });
    }

    /** NTP seconds of virtual time, then a counter: fresh and increasing. */
    long identification() {
      return (MipConstants.ntpSeconds(vrf.scheduler().nanoTime(), 0) << 32) | ++counter;
    }

    /** A request through the agent: flags T, lifetime, care-of address as given. */
    RegistrationBuilder request(int flags, int lifetime, Ipv4Address careOf) {
      return RegistrationBuilder.request(
          vrf.alloc(),
          flags,
          lifetime,
          home.toInt(),
          HOME_AGENT.toInt(),
          careOf.toInt(),
          identification());
    }

    /** A well-formed request for the agent's care-of address, MN-HA authenticated. */
    ByteBuf validRequest(int lifetime) {
      return request(MipConstants.FLAG_REVERSE_TUNNEL, lifetime, CARE_OF)
          .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
          .build();
    }

    void send(ByteBuf payload) {
      try {
        vrf.sendUdp(home, CARE_OF, MipConstants.PORT, MipConstants.PORT, payload);
      } finally {
        payload.release();
      }
    }

    RegistrationReply lastReply() {
      return replies.get(replies.size() - 1);
    }
  }

  /** Answers relayed requests with a code chosen by the test, or stays silent. */
  static final class ScriptedHomeAgent {
    final Vrf vrf;
    final List<RegistrationRequest> requests = new ArrayList<>();

    /** The code to answer with; negative: no answer. */
    int code = ReplyCode.ACCEPTED;

    /** Signs replies for the foreign agent when set. */
    MobilitySecurityAssociation faHa;

    ScriptedHomeAgent(Vrf vrf) {
      this.vrf = vrf;
      vrf.bindUdp(
          MipConstants.PORT,
          (v, in, udp) -> {
            RegistrationRequest request = parse(udp.payload(), RegistrationRequest::parse);
            requests.add(request);
            if (code < 0) {
              return;
            }
            RegistrationBuilder reply =
                RegistrationBuilder.reply(
                    vrf.alloc(),
                    code,
                    ReplyCode.isAccepted(code) ? request.lifetime() : 0,
                    request.homeAddress(),
                    request.homeAgent(),
                    request.identification());
            if (faHa != null) {
              reply.authenticate(MipConstants.EXT_FA_HA_AUTH, faHa);
            }
            ByteBuf out = reply.build();
            try {
              vrf.sendUdp(
                  HOME_AGENT, udp.ip().sourceAddress(), MipConstants.PORT, udp.sourcePort(), out);
            } finally {
              out.release();
            }
          });
    }
  }

  interface Parser<T> {
    T parse(ByteBuf buf) throws MalformedPacketException;
  }

  /** Parses a copy: the datagram's buffer is valid only during the call. */
  static <T> T parse(ByteBuf payload, Parser<T> parser) {
    try {
      return parser.parse(Unpooled.copiedBuffer(payload));
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    }
  }
}
