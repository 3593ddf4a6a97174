package io.mvpn.aodv.sim;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.AodvParameters;
import io.mvpn.aodv.MobilityRouter;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mesh of mobility routers on emulated radio links, in virtual time: one memory segment per link,
 * one VRF per router with an interface per link, all holding the router's address (10.x.y.z from
 * its index). Each router counts the datagrams that reach it on UDP 9000 with their arrival times.
 */
public final class RadioMesh {

  public static final int DATA_PORT = 9000;

  /** A datagram's arrival: its sequence number and when. */
  public record Arrival(int seq, long atNanos) {}

  private final VirtualTimeScheduler time = new VirtualTimeScheduler(200_000_000);
  private final AodvParameters parameters;
  private final LinkProperties link;
  private final Map<String, Vrf> vrfs = new LinkedHashMap<>();
  private final Map<String, MobilityRouter> routers = new LinkedHashMap<>();
  private final Map<String, List<Arrival>> arrivals = new LinkedHashMap<>();
  private final List<String> pendingLinks = new ArrayList<>();
  private long seed = 1;

  public RadioMesh(AodvParameters parameters, Duration linkDelay) {
    this.parameters = parameters;
    this.link = LinkProperties.IDEAL.withDelay(linkDelay);
  }

  public VirtualTimeScheduler time() {
    return time;
  }

  /** Adds a router; its links come with {@link #link}, and it starts with {@link #start}. */
  public RadioMesh router(String name) {
    Vrf vrf = new Vrf(name, time, UnpooledByteBufAllocator.DEFAULT);
    vrfs.put(name, vrf);
    List<Arrival> got = new ArrayList<>();
    arrivals.put(name, got);
    vrf.bindUdp(
        DATA_PORT,
        (v, in, d) ->
            got.add(new Arrival(d.payload().getInt(d.payload().readerIndex()), time.nanoTime())));
    return this;
  }

  /** A radio link between two routers; {@code up} false leaves it down at both ends. */
  public RadioMesh link(String a, String b, boolean up) {
    MemorySegment segment = new MemorySegment(a + "-" + b, link, seed++);
    for (String[] end : new String[][] {{a, b}, {b, a}}) {
      Vrf vrf = vrfs.get(end[0]);
      Interface i = vrf.addInterface("to-" + end[1], address(end[0]), 32, segment.newPort());
      i.setUp(up);
    }
    return this;
  }

  public RadioMesh link(String a, String b) {
    return link(a, b, true);
  }

  /** Starts every router on the links it has. */
  public RadioMesh start() {
    for (Map.Entry<String, Vrf> e : vrfs.entrySet()) {
      List<Interface> links = new ArrayList<>(e.getValue().interfaces());
      MobilityRouter r = new MobilityRouter(address(e.getKey()), e.getValue(), links, parameters);
      r.start();
      routers.put(e.getKey(), r);
    }
    return this;
  }

  public MobilityRouter get(String name) {
    return routers.get(name);
  }

  public List<String> names() {
    return List.copyOf(vrfs.keySet());
  }

  public Ipv4Address address(String name) {
    int i = new ArrayList<>(vrfs.keySet()).indexOf(name) + 1;
    return Ipv4Address.of((10 << 24) | i);
  }

  public Interface iface(String router, String toNeighbour) {
    return vrfs.get(router).getInterface("to-" + toNeighbour);
  }

  /** Takes a link down at both ends, as a radio link that fades. */
  public void breakLink(String a, String b) {
    iface(a, b).setUp(false);
    iface(b, a).setUp(false);
  }

  /** Sends one datagram with a 4-byte sequence number. */
  public void send(String from, String to, int seq) {
    ByteBuf payload = Unpooled.buffer(4).writeInt(seq);
    vrfs.get(from).sendUdp(address(from), address(to), DATA_PORT, DATA_PORT, payload);
    payload.release();
  }

  /** Schedules {@code count} datagrams from {@code from} to {@code to}, every {@code period}. */
  public void stream(String from, String to, long startMillis, long periodMillis, int count) {
    stream(from, to, startMillis, periodMillis, count, 0);
  }

  /** As above, numbering the datagrams from {@code firstSeq} (to tell streams apart). */
  public void stream(
      String from, String to, long startMillis, long periodMillis, int count, int firstSeq) {
    for (int i = 0; i < count; i++) {
      int seq = firstSeq + i;
      time.schedule(
          startMillis + i * periodMillis,
          java.util.concurrent.TimeUnit.MILLISECONDS,
          () -> send(from, to, seq));
    }
  }

  public List<Arrival> arrivals(String at) {
    return arrivals.get(at);
  }

  public void runUntil(long millis) {
    time.runUntil(millis * 1_000_000L);
  }

  /** A counter summed over every router. */
  public long total(AodvCounter c) {
    long sum = 0;
    for (MobilityRouter r : routers.values()) {
      sum += r.counter(c);
    }
    return sum;
  }

  /** Control messages put on links: originated and forwarded RREQs, RREPs, RERRs and handovers. */
  public long controlMessages() {
    return total(AodvCounter.RREQ_SENT)
        + total(AodvCounter.RREQ_FORWARDED)
        + total(AodvCounter.RREP_SENT)
        + total(AodvCounter.RREP_FORWARDED)
        + total(AodvCounter.GRATUITOUS_RREP_SENT)
        + total(AodvCounter.RERR_SENT)
        + total(AodvCounter.HANDOVER_REQUESTED)
        + total(AodvCounter.HANDOVER_UPDATES_SENT);
  }
}
