package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.api.Ipv4Address;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mesh of mobility routers for tests: one segment per radio link ("a-b"), each router one VRF
 * with an interface per link, all holding the router's address /32 (a router is one address on
 * every link, as AODV nodes are).
 */
final class MeshLab {

  static final long MS = 1_000_000L;

  final Lab lab;
  final List<String> names;
  final VirtualTimeScheduler time;
  final Map<String, MobilityRouter> routers = new LinkedHashMap<>();
  final Map<String, List<Integer>> received = new LinkedHashMap<>();

  /** Virtual arrival time of each datagram, by receiver, in the order of {@link #received}. */
  final Map<String, List<Long>> arrivals = new LinkedHashMap<>();

  /** AODV messages heard by probes: nodes that run no router and only listen on UDP 654. */
  final Map<String, List<AodvMessage>> heard = new LinkedHashMap<>();

  /** {@code links}: pairs like "a-b"; router n gets address 10.1.0.(index + 1). */
  MeshLab(List<String> names, List<String> links, AodvParameters parameters) {
    this(names, links, parameters, Set.of());
  }

  /** As above; the nodes in {@code probes} run no router and record what reaches them. */
  MeshLab(List<String> names, List<String> links, AodvParameters parameters, Set<String> probes) {
    this.names = names;
    TopologyBuilder b = new TopologyBuilder(2026);
    for (String l : links) {
      b.segment(l, "1ms");
    }
    for (String n : names) {
      b.node(n).vrf("mesh");
      for (String l : links) {
        String[] ends = l.split("-");
        if (ends[0].equals(n) || ends[1].equals(n)) {
          b.iface("to-" + (ends[0].equals(n) ? ends[1] : ends[0]), l, address(names, n) + "/32");
        }
      }
    }
    lab = Lab.virtual(b.build());
    time = lab.virtualTime();
    for (String n : names) {
      Vrf vrf = lab.vrf(n, "mesh");
      if (probes.contains(n)) {
        List<AodvMessage> got = new ArrayList<>();
        heard.put(n, got);
        vrf.bindUdp(
            AodvMessages.UDP_PORT,
            (v, in, d) -> {
              try {
                got.add(AodvMessages.parse(d.payload()));
              } catch (AodvFormatException e) {
                throw new AssertionError(e);
              }
            });
        continue;
      }
      List<Interface> ifaces = new ArrayList<>(vrf.interfaces());
      MobilityRouter r =
          new MobilityRouter(Ipv4Address.parse(address(names, n)), vrf, ifaces, parameters);
      r.start();
      routers.put(n, r);
      List<Integer> got = new ArrayList<>();
      List<Long> at = new ArrayList<>();
      received.put(n, got);
      arrivals.put(n, at);
      vrf.bindUdp(
          9000,
          (v, in, d) -> {
            got.add(d.payload().getInt(d.payload().readerIndex()));
            at.add(time.nanoTime());
          });
    }
  }

  /** The RREQs a probe heard. */
  List<RouteRequest> rreqsAt(String probe) {
    List<RouteRequest> out = new ArrayList<>();
    for (AodvMessage message : heard.get(probe)) {
      if (message instanceof RouteRequest) {
        out.add((RouteRequest) message);
      }
    }
    return out;
  }

  /** Sends one datagram from a router to any address, e.g. one nobody holds. */
  void sendTo(String from, Ipv4Address to, int seq) {
    ByteBuf payload = Unpooled.buffer(4).writeInt(seq);
    lab.vrf(from, "mesh").sendUdp(addr(from), to, 9000, 9000, payload);
    payload.release();
  }

  /** The sum of one counter over all routers. */
  long total(AodvCounter c) {
    long sum = 0;
    for (MobilityRouter r : routers.values()) {
      sum += r.counter(c);
    }
    return sum;
  }

  static String address(List<String> names, String n) {
    return "10.1.0." + (names.indexOf(n) + 1);
  }

  MobilityRouter router(String n) {
    return routers.get(n);
  }

  Ipv4Address addr(String n) {
    return Ipv4Address.parse(address(names, n));
  }

  /** Sends one UDP datagram with a 4-byte sequence number from one router to another. */
  void send(String from, String to, int seq) {
    sendTo(from, addr(to), seq);
  }

  /** Takes a link down at both ends, as a radio link that fades. */
  void breakLink(String a, String b) {
    lab.iface(a, "to-" + b).setUp(false);
    lab.iface(b, "to-" + a).setUp(false);
  }

  /**
   * {@code message} from {@code source}, as router {@code at} hears it on its link to {@code from}.
   */
  void hearAt(String at, String from, Ipv4Address source, AodvMessage message) {
    io.netty.buffer.ByteBuf payload =
        message.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
    io.netty.buffer.ByteBuf datagram =
        io.mvpn.packet.udp.UdpDatagram.build(
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
            source.toInt(),
            0xFFFFFFFF,
            AodvMessages.UDP_PORT,
            AodvMessages.UDP_PORT,
            payload,
            1);
    payload.release();
    lab.vrf(at, "mesh").getInterface("to-" + from).receive(datagram);
  }

  void runFor(long millis) {
    time.runUntil(time.nanoTime() + millis * MS);
  }

  /** The rows tshark prints for {@code fields} of each packet of {@code pcap}, blank ones kept. */
  static List<String> tsharkFields(
      java.nio.file.Path tshark, java.nio.file.Path pcap, String... fields) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(tshark.toString(), "-n", "-r", pcap.toString(), "-T", "fields"));
    for (String field : fields) {
      command.add("-e");
      command.add(field);
    }
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> rows =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .lines()
            .toList();
    org.assertj.core.api.Assertions.assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
        .isTrue();
    return rows;
  }
}
