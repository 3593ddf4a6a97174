package io.mvpn.aodv;

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

/**
 * A mesh of mobility routers for tests: one segment per radio link ("a-b"), each router one VRF
 * with an interface per link, all holding the router's address /32 (a router is one address on
 * every link, as AODV nodes are).
 */
final class MeshLab {

  static final long MS = 1_000_000L;

  final Lab lab;
  final VirtualTimeScheduler time;
  final Map<String, MobilityRouter> routers = new LinkedHashMap<>();
  final Map<String, List<Integer>> received = new LinkedHashMap<>();

  /** {@code links}: pairs like "a-b"; router n gets address 10.1.0.(index + 1). */
  MeshLab(List<String> names, List<String> links, AodvParameters parameters) {
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
      List<Interface> ifaces = new ArrayList<>(vrf.interfaces());
      MobilityRouter r =
          new MobilityRouter(Ipv4Address.parse(address(names, n)), vrf, ifaces, parameters);
      r.start();
      routers.put(n, r);
      List<Integer> got = new ArrayList<>();
      received.put(n, got);
      vrf.bindUdp(9000, (v, in, d) -> got.add(d.payload().getInt(d.payload().readerIndex())));
    }
  }

  static String address(List<String> names, String n) {
    return "10.1.0." + (names.indexOf(n) + 1);
  }

  MobilityRouter router(String n) {
    return routers.get(n);
  }

  Ipv4Address addr(String n) {
    return routers.get(n).address();
  }

  /** Sends one UDP datagram with a 4-byte sequence number from one router to another. */
  void send(String from, String to, int seq) {
    ByteBuf payload = Unpooled.buffer(4).writeInt(seq);
    lab.vrf(from, "mesh").sendUdp(addr(from), addr(to), 9000, 9000, payload);
    payload.release();
  }

  /** Takes a link down at both ends, as a radio link that fades. */
  void breakLink(String a, String b) {
    lab.iface(a, "to-" + b).setUp(false);
    lab.iface(b, "to-" + a).setUp(false);
  }

  void runFor(long millis) {
    time.runUntil(time.nanoTime() + millis * MS);
  }
}
