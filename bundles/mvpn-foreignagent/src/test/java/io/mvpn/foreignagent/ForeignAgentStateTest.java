package io.mvpn.foreignagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryCounterStore;
import io.mvpn.store.InMemoryVisitorStore;
import io.mvpn.store.PersistentVisitorStore;
import io.mvpn.store.StateFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foreign agent's visitor list outlives the engine: a new engine over the same store (an update
 * of the bundle) or over a reopened state file (a restart) keeps delivering to its visitors and
 * reverse-tunnelling what they send, until their lifetime runs out.
 */
class ForeignAgentStateTest {

  private static final Ipv4Address CARE_OF = Ipv4Address.parse("203.0.113.11");
  private static final Ipv4Address HOME_AGENT = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  private static final Ipv4Address CORRESPONDENT = Ipv4Address.parse("10.1.0.99");
  private static final Instant WALL = Instant.parse("2026-12-05T09:00:00Z");
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  /** A cell with one mobile node, a foreign agent, and a home agent stand-in on the uplink. */
  private final class Network {
    final VirtualTimeScheduler time = new VirtualTimeScheduler();
    final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    final MemorySegment cell = new MemorySegment("cell", LinkProperties.IDEAL, 1);
    final MemorySegment internet = new MemorySegment("internet", LinkProperties.IDEAL, 2);
    final Vrf access = new Vrf("fa-access", time, alloc);
    final Vrf uplink = new Vrf("fa-uplink", time, alloc);
    final Interface accessInterface = access.addInterface("a0", CARE_OF, 24, cell.newPort());
    final Vrf mobile = new Vrf("mn", time, alloc);
    final Vrf homeAgent = new Vrf("ha", time, alloc);
    final List<String> atMobile = new ArrayList<>();
    final List<String> atHomeAgent = new ArrayList<>();

    Network() {
      Interface u0 = uplink.addInterface("u0", CARE_OF, 24, internet.newPort());
      uplink.addRoute(new Route(Prefix.parse("198.51.100.0/24"), null, u0, Route.Origin.STATIC));
      Interface i0 = homeAgent.addInterface("i0", HOME_AGENT, 24, internet.newPort());
      homeAgent.addRoute(new Route(Prefix.parse("203.0.113.0/24"), null, i0, Route.Origin.STATIC));
      Interface c0 = mobile.addInterface("c0", HOME, 32, cell.newPort());
      // The foreign agent is the mobile node's default router (RFC 5944 §3.7).
      mobile.addRoute(new Route(Prefix.DEFAULT_ROUTE, CARE_OF, c0, Route.Origin.STATIC));
      mobile.bindUdp(
          MipConstants.PORT,
          (v, in, udp) ->
              atMobile.add(
                  "reply " + udp.payload().getUnsignedByte(udp.payload().readerIndex() + 1)));
      mobile.bindUdp(9, (v, in, udp) -> atMobile.add("data " + text(udp.payload())));
      homeAgent.bindUdp(MipConstants.PORT, this::answer);
      homeAgent.registerProtocol(
          IpProtocol.IPIP,
          (v, in, outer) -> {
            try {
              Ipv4Packet inner = IpInIp.decapsulate(outer);
              atHomeAgent.add(
                  "reverse "
                      + Ipv4Address.of(inner.source())
                      + " "
                      + text(UdpDatagram.parse(inner).payload()));
            } catch (Exception e) {
              atHomeAgent.add("bad " + e);
            }
          });
    }

    /** The home agent accepts every request for the lifetime asked. */
    private void answer(Vrf vrf, Interface in, UdpDatagram udp) {
      try {
        RegistrationRequest request = RegistrationRequest.parse(udp.payload());
        ByteBuf reply =
            RegistrationBuilder.reply(
                    alloc,
                    ReplyCode.ACCEPTED,
                    request.lifetime(),
                    request.homeAddress(),
                    request.homeAgent(),
                    request.identification())
                .build();
        try {
          vrf.sendUdp(HOME_AGENT, CARE_OF, MipConstants.PORT, udp.sourcePort(), reply);
        } finally {
          reply.release();
        }
      } catch (Exception e) {
        atHomeAgent.add("bad " + e);
      }
    }

    ForeignAgent agent(VisitorStore store, long epochOffsetNanos) {
      return agent(store, null, epochOffsetNanos);
    }

    ForeignAgent agent(VisitorStore store, CounterStore counters, long epochOffsetNanos) {
      ForeignAgent fa =
          new ForeignAgent(
              new ForeignAgent.Config(CARE_OF, 600, 1000 * 1_000_000L),
              access,
              accessInterface,
              uplink,
              new ForeignAgent.Stores("fa1", store, counters, epochOffsetNanos, ha -> false));
      fa.start();
      return fa;
    }

    void register(int lifetime, long identification) {
      ByteBuf request =
          RegistrationBuilder.request(
                  alloc,
                  MipConstants.FLAG_REVERSE_TUNNEL,
                  lifetime,
                  HOME.toInt(),
                  HOME_AGENT.toInt(),
                  CARE_OF.toInt(),
                  identification)
              .authenticate(
                  MipConstants.EXT_MN_HA_AUTH,
                  new MobilitySecurityAssociation(
                      1000, MobilitySecurityAssociation.Algorithm.HMAC_MD5, new byte[16]))
              .build();
      try {
        mobile.sendUdp(HOME, CARE_OF, MipConstants.PORT, MipConstants.PORT, request);
      } finally {
        request.release();
      }
      time.advance(100, TimeUnit.MILLISECONDS);
    }

    /** The home agent tunnels a datagram for the mobile node to the care-of address. */
    void tunnelToMobile(String text) {
      ByteBuf inner =
          UdpDatagram.build(alloc, CORRESPONDENT.toInt(), HOME.toInt(), 9, 9, bytes(text), 64);
      try {
        homeAgent.send(
            IpInIp.encapsulate(
                alloc, HOME_AGENT.toInt(), CARE_OF.toInt(), Ipv4Packet.parse(inner), 64, 1));
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        inner.release();
      }
      time.advance(100, TimeUnit.MILLISECONDS);
    }

    /** The mobile node sends to a correspondent in its home network, through the reverse tunnel. */
    void sendFromMobile(String text) {
      ByteBuf payload = bytes(text);
      try {
        mobile.sendUdp(HOME, CORRESPONDENT, 9, 9, payload);
      } finally {
        payload.release();
      }
      time.advance(100, TimeUnit.MILLISECONDS);
    }
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  private static String text(ByteBuf b) {
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** The epoch offset of a scheduler reading {@code schedulerNanos} at {@code wall}. */
  private static long offset(Instant wall, long schedulerNanos) {
    return wall.getEpochSecond() * SECOND + wall.getNano() - schedulerNanos;
  }

  @Test
  void aNewEngineOverTheSameStoreKeepsServingTheVisitors() {
    Network net = new Network();
    VisitorStore store = new InMemoryVisitorStore();
    ForeignAgent old = net.agent(store, offset(WALL, 0));
    net.register(300, 77);
    assertThat(net.atMobile).containsExactly("reply 0");
    assertThat(store.visitors("fa1"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.homeAgent()).isEqualTo(HOME_AGENT);
              assertThat(v.homeAddress()).isEqualTo(HOME);
              assertThat(v.identification()).isEqualTo(77);
              assertThat(v.station()).isEqualTo(old.visitors().get(0).station());
            });

    // The bundle is updated: the old engine stops, a new one starts over the same store.
    net.time.advance(10, TimeUnit.SECONDS);
    old.stop();
    ForeignAgent fresh = net.agent(store, offset(WALL, 0));
    assertThat(fresh.visitors()).hasSize(1);
    net.tunnelToMobile("to the visitor");
    net.sendFromMobile("from the visitor");
    assertThat(net.atMobile).containsExactly("reply 0", "data to the visitor");
    assertThat(net.atHomeAgent).containsExactly("reverse 10.1.0.5 from the visitor");
    assertThat(fresh.deliveredToVisitors()).isEqualTo(1);
    assertThat(fresh.reverseTunnelled()).isEqualTo(1);

    // Its timer is the one the old engine had: 300 s from the registration, not from the restart.
    net.time.advance(289, TimeUnit.SECONDS);
    assertThat(fresh.visitors()).hasSize(1);
    net.time.advance(1, TimeUnit.SECONDS);
    assertThat(fresh.visitors()).isEmpty();
    assertThat(store.size()).isZero();
  }

  @Test
  void countersGoOnFromWhereTheOldEngineLeftThem() {
    Network net = new Network();
    VisitorStore visitors = new InMemoryVisitorStore();
    CounterStore counters = new InMemoryCounterStore();
    ForeignAgent old = net.agent(visitors, counters, 0);
    net.register(300, 1);
    net.tunnelToMobile("one");
    assertThat(old.relayedRequests()).isEqualTo(1);
    assertThat(old.relayedReplies()).isEqualTo(1);
    old.stop();

    ForeignAgent fresh = net.agent(visitors, counters, 0);
    net.register(300, 2);
    net.tunnelToMobile("two");
    net.sendFromMobile("three");
    assertThat(fresh.relayedRequests()).isEqualTo(2);
    assertThat(fresh.relayedReplies()).isEqualTo(2);
    assertThat(fresh.deliveredToVisitors()).isEqualTo(2);
    assertThat(counters.snapshot("foreignagent/fa1"))
        .containsEntry("relayed-requests", 2L)
        .containsEntry("delivered-to-visitors", 2L)
        .containsEntry("reverse-tunnelled", 1L)
        .containsEntry("dropped", 0L);
  }

  @Test
  void aDeregisteredVisitorLeavesTheStore() {
    Network net = new Network();
    VisitorStore store = new InMemoryVisitorStore();
    net.agent(store, 0);
    net.register(300, 1);
    assertThat(store.size()).isEqualTo(1);
    net.register(0, 2);
    assertThat(store.size()).isZero();
  }

  @Test
  void anEngineOverAReopenedStateFileKeepsServingTheVisitors() {
    Path file = dir.resolve("state.mv.db");
    Clock before = Clock.fixed(WALL, ZoneOffset.UTC);
    Network first = new Network();
    StateFile state = StateFile.open(file, before);
    first.agent(new PersistentVisitorStore(state, before), offset(WALL, 0));
    first.register(300, 5);
    state.close();

    // The appliance restarts 100 s later: a new fabric whose scheduler starts from zero, and the
    // cell's stations numbered as before.
    Instant later = WALL.plusSeconds(100);
    Clock after = Clock.fixed(later, ZoneOffset.UTC);
    Network second = new Network();
    StateFile reopened = StateFile.open(file, after);
    VisitorStore store = new PersistentVisitorStore(reopened, after);
    ForeignAgent fa = second.agent(store, offset(later, 0));
    second.tunnelToMobile("after the restart");
    assertThat(second.atMobile).containsExactly("data after the restart");
    assertThat(fa.visitors())
        .singleElement()
        .satisfies(v -> assertThat(v.expiresAtNanos()).isEqualTo(200 * SECOND));
    second.time.advance(200, TimeUnit.SECONDS);
    assertThat(fa.visitors()).isEmpty();
    reopened.close();
  }

  @Test
  void visitorsThatExpiredWhileTheAgentWasDownAreDropped() {
    VisitorStore store = new InMemoryVisitorStore();
    store.put(
        new VisitorEntry("fa1", HOME_AGENT, HOME, 1, 434, 60, 9, offset(WALL, 0) + 60 * SECOND));
    store.put(
        new VisitorEntry("fa2", HOME_AGENT, HOME, 1, 434, 60, 9, offset(WALL, 0) + 60 * SECOND));
    Network net = new Network();
    net.time.advance(61, TimeUnit.SECONDS);
    ForeignAgent fa = net.agent(store, offset(WALL, 0));
    assertThat(fa.visitors()).isEmpty();
    assertThat(store.visitors("fa1")).isEmpty();
    // Another agent's visitors are its own business.
    assertThat(store.visitors("fa2")).hasSize(1);
  }
}
