package io.mvpn.net.transport.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ethernet link's ARP, stations and framing, in virtual time, frames into a list. */
class EthernetTransportTest {

  private static final long OURS = Ethernet.localMac("vfa0");
  private static final long LAPTOP_A = 0x02_00_00_00_00_0AL;
  private static final long LAPTOP_B = 0x02_00_00_00_00_0BL;
  private static final long ROUTER = 0x02_00_00_00_00_01L;
  private static final int AGENT = Ipv4Address.parse("203.0.113.11").toInt();
  private static final int HOME = Ipv4Address.parse("10.1.0.5").toInt();
  private static final int GATEWAY = Ipv4Address.parse("203.0.113.1").toInt();

  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  private final Vrf vrf = new Vrf("fa1-access", scheduler, Unpooled.buffer(0).alloc());
  private final List<ByteBuf> wire = new ArrayList<>();
  private final List<Integer> stationsSeen = new ArrayList<>();
  private Wire link;
  private Interface access;

  /** The link under test; what it writes goes to {@link #wire}. */
  private final class Wire extends EthernetTransport {
    Wire() {
      super(OURS, 1500);
    }

    @Override
    protected void writeFrame(ByteBuf frame) {
      wire.add(frame);
    }

    @Override
    public String describe() {
      return "wire (" + linkSummary() + ")";
    }

    @Override
    public void close() {
      releaseWaiting();
    }

    void arrive(ByteBuf frame) {
      receiveFrame(frame);
    }
  }

  @BeforeEach
  void attach() {
    link = new Wire();
    access = vrf.addInterface("access", Ipv4Address.of(AGENT), 24, link);
    link.announceSelf();
    vrf.bindUdp(434, (v, in, udp) -> stationsSeen.add(in.receivingFrom()));
  }

  @AfterEach
  void release() {
    wire.forEach(ByteBuf::release);
  }

  @Test
  void aGratuitousArpAnnouncesTheAgentsAddressToTheWholeLink() {
    ByteBuf frame = wire.get(0);
    assertThat(Ethernet.readMac(frame, 0)).isEqualTo(Ethernet.BROADCAST);
    Arp arp = arpOf(frame);
    assertThat(arp.gratuitous()).isTrue();
    assertThat(arp.senderIp()).isEqualTo(AGENT);
    assertThat(arp.senderMac()).isEqualTo(OURS);
  }

  @Test
  void anArpRequestForTheAgentIsAnsweredToTheAskerAndTeachesNothingAboutTheAsker() {
    wire.clear();
    link.arrive(new Arp(Arp.REQUEST, LAPTOP_A, HOME, 0, AGENT).frame(alloc(), Ethernet.BROADCAST));
    link.arrive(
        new Arp(Arp.REQUEST, LAPTOP_B, HOME, 0, GATEWAY).frame(alloc(), Ethernet.BROADCAST));

    assertThat(wire).hasSize(1);
    assertThat(Ethernet.readMac(wire.get(0), 0)).isEqualTo(LAPTOP_A);
    Arp reply = arpOf(wire.get(0));
    assertThat(reply.operation()).isEqualTo(Arp.REPLY);
    assertThat(reply.senderMac()).isEqualTo(OURS);
    assertThat(reply.senderIp()).isEqualTo(AGENT);
    assertThat(reply.targetMac()).isEqualTo(LAPTOP_A);
    // Both laptops use the home address: a request names it, but never as a mapping to keep.
    assertThat(link.neighbours()).isZero();
    assertThat(link.arpAnswered()).isEqualTo(1);
  }

  @Test
  void twoLaptopsWithOneHomeAddressAreTwoStationsAndEachIsReachedByItsOwnMac() {
    link.arrive(ipv4Frame(LAPTOP_A, OURS, udp(HOME, AGENT, "acme")));
    link.arrive(ipv4Frame(LAPTOP_B, OURS, udp(HOME, AGENT, "globex")));
    link.arrive(ipv4Frame(LAPTOP_A, OURS, udp(HOME, AGENT, "acme again")));

    assertThat(stationsSeen).hasSize(3);
    assertThat(stationsSeen.get(0))
        .isEqualTo(stationsSeen.get(2))
        .isNotEqualTo(stationsSeen.get(1));
    assertThat(link.stations()).isEqualTo(2);

    wire.clear();
    link.sendToStation(udp(AGENT, HOME, "to globex"), stationsSeen.get(1));
    link.sendToStation(udp(AGENT, HOME, "to acme"), stationsSeen.get(0));
    assertThat(wire).extracting(f -> Ethernet.readMac(f, 0)).containsExactly(LAPTOP_B, LAPTOP_A);
    assertThat(wire).allSatisfy(f -> assertThat(Ethernet.readMac(f, 6)).isEqualTo(OURS));
    // Nobody was asked who has the home address (RFC 5944 §4.6).
    assertThat(wire).allSatisfy(f -> assertThat(f.getUnsignedShort(12)).isEqualTo(0x0800));
  }

  @Test
  void aStationSilentLongerThanItsAgeIsForgottenAndCountedWhenSentTo() {
    link.arrive(ipv4Frame(LAPTOP_A, OURS, udp(HOME, AGENT, "hello")));
    int station = stationsSeen.get(0);
    scheduler.advance(EthernetTransport.STATION_AGE_NANOS + 1, TimeUnit.NANOSECONDS);
    wire.clear();

    link.sendToStation(udp(AGENT, HOME, "late"), station);

    assertThat(wire).isEmpty();
    assertThat(link.dropped(FrameDrop.NO_STATION)).isEqualTo(1);
    assertThat(access.counters().dropped(DropReason.LINK)).isEqualTo(1);
  }

  @Test
  void aVisitorHeldForItsRegistrationIsReachedWhileSilentPastTheAgeAndForgottenAfterTheHold() {
    link.arrive(ipv4Frame(LAPTOP_A, OURS, udp(HOME, AGENT, "registration request")));
    int station = stationsSeen.get(0);
    long lifetime = EthernetTransport.STATION_AGE_NANOS * 2;
    assertThat(link.holdStation(station, scheduler.nanoTime() + lifetime)).isTrue();

    scheduler.advance(EthernetTransport.STATION_AGE_NANOS + 1, TimeUnit.NANOSECONDS);
    link.arrive(ipv4Frame(LAPTOP_B, OURS, udp(HOME, AGENT, "another laptop sweeps"))); // ages out
    wire.clear();
    link.sendToStation(udp(AGENT, HOME, "tunnelled to the quiet visitor"), station);
    assertThat(wire).extracting(f -> Ethernet.readMac(f, 0)).containsExactly(LAPTOP_A);
    assertThat(link.stations()).isEqualTo(2);

    scheduler.advance(lifetime, TimeUnit.NANOSECONDS);
    wire.clear();
    link.sendToStation(udp(AGENT, HOME, "after the binding ran out"), station);
    assertThat(wire).isEmpty();
    assertThat(link.dropped(FrameDrop.NO_STATION)).isEqualTo(1);
    assertThat(link.holdStation(station, scheduler.nanoTime() + lifetime)).isFalse();
  }

  @Test
  void datagramsToAnUnresolvedNextHopWaitForTheArpAnswerAndThenLeaveInOrder() {
    wire.clear();
    link.send(udp(AGENT, GATEWAY, "one"), GATEWAY);
    link.send(udp(AGENT, GATEWAY, "two"), GATEWAY);
    assertThat(wire).hasSize(1);
    Arp ask = arpOf(wire.get(0));
    assertThat(ask.operation()).isEqualTo(Arp.REQUEST);
    assertThat(ask.targetIp()).isEqualTo(GATEWAY);

    wire.clear();
    link.arrive(new Arp(Arp.REPLY, ROUTER, GATEWAY, OURS, AGENT).frame(alloc(), OURS));
    assertThat(wire).extracting(this::payloadText).containsExactly("one", "two");
    assertThat(wire).allSatisfy(f -> assertThat(Ethernet.readMac(f, 0)).isEqualTo(ROUTER));

    wire.clear();
    link.send(udp(AGENT, GATEWAY, "three"), GATEWAY);
    assertThat(wire).extracting(this::payloadText).containsExactly("three");
  }

  @Test
  void anUnansweredNextHopIsAskedThreeTimesASecondApartThenItsDatagramsAreDropped() {
    wire.clear();
    for (int i = 0; i < NeighbourTable.QUEUE_PER_ADDRESS + 1; i++) {
      link.send(udp(AGENT, GATEWAY, "held " + i), GATEWAY);
    }
    assertThat(link.dropped(FrameDrop.PENDING_FULL)).isEqualTo(1);
    scheduler.advance(10, TimeUnit.SECONDS);

    assertThat(wire)
        .hasSize(NeighbourTable.TRIES)
        .allSatisfy(f -> assertThat(arpOf(f)).isNotNull());
    assertThat(link.dropped(FrameDrop.UNRESOLVED)).isEqualTo(NeighbourTable.QUEUE_PER_ADDRESS);
    assertThat(access.counters().dropped(DropReason.NO_ROUTE))
        .isEqualTo(NeighbourTable.QUEUE_PER_ADDRESS);
  }

  @Test
  void broadcastsAndAllHostsMulticastGoOutWithoutResolution() {
    wire.clear();
    link.send(udp(AGENT, -1, "advertisement"), -1);
    link.send(
        udp(AGENT, Ipv4Address.parse("224.0.0.1").toInt(), "to all hosts"),
        Ipv4Address.parse("224.0.0.1").toInt());

    assertThat(wire)
        .extracting(f -> Ethernet.readMac(f, 0))
        .containsExactly(Ethernet.BROADCAST, 0x01_00_5E_00_00_01L);
  }

  @Test
  void aPaddedShortDatagramReachesTheVrfWithoutItsPadding() {
    ByteBuf frame = ipv4Frame(LAPTOP_A, OURS, udp(HOME, AGENT, "x"));
    assertThat(frame.readableBytes()).isEqualTo(Ethernet.MIN_FRAME);

    link.arrive(frame);

    assertThat(stationsSeen).hasSize(1);
    assertThat(access.counters().droppedTotal()).isZero();
  }

  @Test
  void badFramesAreCountedByKindAndNeverReachTheVrf() {
    link.arrive(Unpooled.wrappedBuffer(new byte[10]));
    ByteBuf ipv6 = Unpooled.buffer();
    Ethernet.writeHeader(ipv6, OURS, LAPTOP_A, 0x86DD);
    ipv6.writeZero(46);
    link.arrive(ipv6);
    ByteBuf shortArp = Unpooled.buffer();
    Ethernet.writeHeader(shortArp, Ethernet.BROADCAST, LAPTOP_A, Ethernet.ETHERTYPE_ARP);
    shortArp.writeZero(10);
    link.arrive(shortArp);
    ByteBuf lying = ipv4Frame(LAPTOP_A, OURS, udp(HOME, AGENT, "abc"));
    lying.setShort(Ethernet.HEADER + 2, 1400); // claims more than the frame holds
    link.arrive(lying);
    ByteBuf fromGroup = ipv4Frame(Ethernet.BROADCAST, OURS, udp(HOME, AGENT, "abc"));
    link.arrive(fromGroup);
    link.arrive(ipv4Frame(LAPTOP_A, LAPTOP_B, udp(HOME, AGENT, "flooded")));

    assertThat(link.dropped(FrameDrop.RUNT)).isEqualTo(1);
    assertThat(link.dropped(FrameDrop.OTHER_ETHERTYPE)).isEqualTo(1);
    assertThat(link.dropped(FrameDrop.BAD_ARP)).isEqualTo(1);
    assertThat(link.dropped(FrameDrop.BAD_IPV4)).isEqualTo(1);
    assertThat(link.dropped(FrameDrop.BAD_SOURCE)).isEqualTo(1);
    assertThat(link.dropped(FrameDrop.NOT_FOR_US)).isEqualTo(1);
    assertThat(stationsSeen).isEmpty();
    assertThat(access.counters().droppedTotal()).isEqualTo(5);
    assertThat(link.describe()).contains("stations 0", "drops 5");
  }

  private static io.netty.buffer.ByteBufAllocator alloc() {
    return Unpooled.buffer(0).alloc();
  }

  private static ByteBuf udp(int source, int destination, String text) {
    return UdpDatagram.build(
        alloc(),
        source,
        destination,
        434,
        434,
        Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII),
        64);
  }

  private static ByteBuf ipv4Frame(long source, long destination, ByteBuf datagram) {
    ByteBuf f = Unpooled.buffer();
    Ethernet.writeHeader(f, destination, source, Ethernet.ETHERTYPE_IPV4);
    f.writeBytes(datagram);
    datagram.release();
    if (f.readableBytes() < Ethernet.MIN_FRAME) {
      f.writeZero(Ethernet.MIN_FRAME - f.readableBytes());
    }
    return f;
  }

  private static Arp arpOf(ByteBuf frame) {
    assertThat(frame.getUnsignedShort(12)).isEqualTo(Ethernet.ETHERTYPE_ARP);
    return Arp.parse(frame.slice(Ethernet.HEADER, frame.readableBytes() - 14), new Arp.Fault[1]);
  }

  private String payloadText(ByteBuf frame) {
    int total = frame.getUnsignedShort(Ethernet.HEADER + 2);
    return frame.toString(Ethernet.HEADER + 28, total - 28, StandardCharsets.US_ASCII);
  }
}
