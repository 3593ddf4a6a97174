package io.mvpn.homeagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryBindingStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The home agent writes a reply into the buffer of its last one once whoever that was handed to has
 * released it, and into a new buffer while it is still held: a held reply is never overwritten.
 */
class ReplyBufferReuseTest {

  private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  private static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  private static final int NODE = 0xCB007133; // 203.0.113.51, the care-of address
  private static final int HOME = 0x0A010005; // 10.1.0.5
  private static final long STEP = TimeUnit.MILLISECONDS.toNanos(500);

  /** A link that keeps what is sent on it, or lets go of it at once. */
  private final class Wire implements Transport {
    final boolean holds;
    final List<ByteBuf> sent = new ArrayList<>();
    final List<Long> identifications = new ArrayList<>();
    final List<Integer> codes = new ArrayList<>();

    Wire(boolean holds) {
      this.holds = holds;
    }

    @Override
    public void attach(Interface owner) {}

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      sent.add(datagram);
      RegistrationReply reply = reply(datagram);
      codes.add(reply.code());
      identifications.add(reply.identification());
      if (!holds) {
        datagram.release();
      }
    }

    @Override
    public int mtu() {
      return 1500;
    }

    @Override
    public String describe() {
      return "wire";
    }

    @Override
    public void close() {}
  }

  private final VirtualTimeScheduler time = new VirtualTimeScheduler(Integer.MAX_VALUE);
  private final MobilitySecurityAssociation node =
      new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, KEY);

  private VirtualHomeAgent homeAgent;
  private Interface ingress;
  private int sentRequests;

  private Wire start(boolean holds) {
    UnpooledByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
    Vrf publicVrf = new Vrf("public", time, alloc);
    Vrf acme = new Vrf("acme", time, alloc);
    Wire wire = new Wire(holds);
    ingress = publicVrf.addInterface("pub0", Ipv4Address.parse("203.0.113.1"), 24, wire);
    homeAgent =
        new VirtualHomeAgent(
            new HomeAgentConfig(
                MvpnId.of("acme"),
                HA,
                List.of(Prefix.parse("10.0.0.0/8")),
                List.of(
                    new AssociationSpec(Ipv4Address.of(HOME), node.spi(), Algorithm.HMAC_MD5, KEY)),
                600,
                7,
                null),
            publicVrf,
            acme,
            new InMemoryBindingStore(),
            0);
    homeAgent.start();
    Dispatcher dispatcher = new Dispatcher(publicVrf);
    dispatcher.open();
    dispatcher.add(homeAgent);
    return wire;
  }

  /** A fresh signed request from the node, answered at once. */
  private long register() {
    time.advance(STEP, TimeUnit.NANOSECONDS);
    sentRequests++;
    long seconds = MipConstants.ntpSeconds(time.nanoTime(), 0);
    long id = (seconds << 32) | sentRequests;
    send(id);
    return id;
  }

  private void send(long id) {
    ByteBuf payload =
        RegistrationBuilder.request(
                UnpooledByteBufAllocator.DEFAULT, 0, 300, HOME, HA.toInt(), NODE, id)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, node)
            .build();
    ByteBuf datagram =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT, NODE, HA.toInt(), 434, 434, payload, 64);
    payload.release();
    ingress.receive(datagram);
    time.runPending();
  }

  /** A reply to the node, its MN-HA authenticator verified. */
  private RegistrationReply reply(ByteBuf datagram) {
    try {
      UdpDatagram udp = UdpDatagram.parse(Ipv4Packet.parse(datagram));
      RegistrationReply reply = RegistrationReply.parse(udp.payload());
      assertThat(node.verify(reply, reply.find(MipConstants.EXT_MN_HA_AUTH))).isTrue();
      return reply;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aReleasedReplysBufferTakesTheNextReply() {
    Wire wire = start(false);
    List<Long> ids = List.of(register(), register(), register());

    assertThat(wire.identifications).isEqualTo(ids);
    assertThat(wire.codes).containsOnly(ReplyCode.ACCEPTED);
    assertThat(wire.sent).hasSize(3);
    assertThat(wire.sent.get(1)).isSameAs(wire.sent.get(0));
    assertThat(wire.sent.get(2)).isSameAs(wire.sent.get(0));
    assertThat(wire.sent.get(0).refCnt()).isEqualTo(1); // the home agent's own reference

    homeAgent.stop();
    assertThat(wire.sent.get(0).refCnt()).isZero();

    // A request already on its way when the engine stopped is answered (here: a replay, 133);
    // nothing is kept for later.
    send(ids.get(2));
    assertThat(wire.codes).containsExactly(0, 0, 0, ReplyCode.HA_IDENTIFICATION_MISMATCH);
    assertThat(wire.sent.get(3)).isNotSameAs(wire.sent.get(0));
    assertThat(wire.sent.get(3).refCnt()).isZero();
  }

  @Test
  void aReplyStillHeldIsNeverWrittenOver() {
    Wire wire = start(true);
    List<Long> ids = List.of(register(), register(), register());

    assertThat(wire.sent).hasSize(3).doesNotHaveDuplicates();
    // Each held reply still says what it said when it was sent.
    for (int i = 0; i < 3; i++) {
      assertThat(reply(wire.sent.get(i)).identification()).isEqualTo(ids.get(i));
    }
    // The home agent gave up its reference to each but the last; the wire holds the only ones.
    assertThat(wire.sent.get(0).refCnt()).isEqualTo(1);
    assertThat(wire.sent.get(1).refCnt()).isEqualTo(1);
    assertThat(wire.sent.get(2).refCnt()).isEqualTo(2);
    wire.sent.forEach(ByteBuf::release);
    homeAgent.stop();
    assertThat(wire.sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }
}
