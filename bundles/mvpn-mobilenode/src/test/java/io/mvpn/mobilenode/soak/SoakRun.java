package io.mvpn.mobilenode.soak;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.lab.Lab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak in virtual time: {@code tenants} tenants, each with its home agent and one mobile node
 * 10.1.0.5 that refreshes its binding every half lifetime; every {@code handoverEvery} one node in
 * turn hands over between the shared foreign agent on {@code cell1} and a co-located care-of
 * address. Runs until both targets are reached, measuring each registration (first request to
 * accepted reply) and each handover (attached to registered) on the virtual clock.
 */
final class SoakRun implements AutoCloseable {

  static final long MS = 1_000_000L;
  static final Ipv4Address FA = Ipv4Address.parse("203.0.113.11");

  /** A point of the run: registrations and handovers so far, the virtual time. */
  record Progress(long registrations, long handovers, long virtualSeconds) {}

  final Lab lab;
  final MobilityLab mobility;
  final List<MobileNode> nodes = new ArrayList<>();
  final LatencyHistogram registrationLatency = new LatencyHistogram();
  final LatencyHistogram handoverLatency = new LatencyHistogram();
  private final long[] roundStart;
  private final long[] handoverStart;
  private final long handoverEveryNanos;
  private long handovers;
  private int next;
  private Scheduler.Timer handoverTimer;

  SoakRun(long seed, int tenants, int lifetimeSeconds, long handoverEveryNanos) {
    this.handoverEveryNanos = handoverEveryNanos;
    MobilityLab.Builder b = MobilityLab.builder(seed).internet("2ms");
    for (int i = 0; i < tenants; i++) {
      b.tenant(name(i))
          .homeAgent(
              MobilityLab.homeAgentConfig(
                  name(i),
                  homeAgent(i),
                  new AssociationSpec(MobilityLab.MN_HOME, 1000, Algorithm.HMAC_SHA256, key(i))));
    }
    b.foreignAgent(
        "fa1", "cell1", new ForeignAgent.Config(FA, 600, 1000 * MS, 64, Map.of(), Map.of()));
    for (int i = 0; i < tenants; i++) {
      b.mobileNode("mn-" + name(i))
          .foreign("cell1")
          .colocated("colo", "203.0.113." + (100 + i) + "/24");
    }
    mobility = b.build();
    lab = mobility.lab();
    roundStart = new long[tenants];
    handoverStart = new long[tenants];
    for (int i = 0; i < tenants; i++) {
      String n = "mn-" + name(i);
      MobileNode mn =
          new MobileNode(
              MobilityLab.MN_HOME,
              homeAgent(i),
              new MobilitySecurityAssociation(1000, Algorithm.HMAC_SHA256, key(i)),
              lifetimeSeconds,
              lab.virtualTime(),
              0);
      mn.addForeign("cell1", lab.vrf(n, "cell1"), lab.iface(n, "cell1"));
      mn.addColocated("colo", lab.vrf(n, "colo"), lab.iface(n, "colo"));
      int index = i;
      mn.onEvent(e -> measure(index, e));
      nodes.add(mn);
    }
  }

  private void measure(int node, MobileNode.Event e) {
    String what = e.what();
    if (what.equals("attached")) {
      handoverStart[node] = e.atNanos();
      roundStart[node] = -1;
    } else if (what.startsWith("request") && roundStart[node] < 0) {
      roundStart[node] = e.atNanos();
    } else if (what.startsWith("registered")) {
      registrationLatency.record(e.atNanos() - roundStart[node]);
      roundStart[node] = -1;
      if (handoverStart[node] >= 0) {
        handoverLatency.record(e.atNanos() - handoverStart[node]);
        handoverStart[node] = -1;
      }
    }
  }

  static String name(int i) {
    return String.format("s%02d", i);
  }

  static Ipv4Address homeAgent(int i) {
    return Ipv4Address.parse("198.51.100." + (10 + i));
  }

  static byte[] key(int i) {
    byte[] key = new byte[32];
    for (int k = 0; k < key.length; k++) {
      key[k] = (byte) (i * 37 + k * 11 + 3);
    }
    return key;
  }

  /** Registrations every home agent accepted so far (refreshes and handovers). */
  long registrations() {
    long accepted = 0;
    for (int i = 0; i < nodes.size(); i++) {
      accepted += mobility.homeAgent(name(i)).stats().accepted();
    }
    return accepted;
  }

  long handovers() {
    return handovers;
  }

  /** Places the nodes, half on the foreign agent's cell and half co-located, and starts. */
  void start() {
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).moveTo(i % 2 == 0 ? "cell1" : "colo");
    }
    scheduleHandover();
  }

  void stopHandovers() {
    handoverTimer.cancel();
  }

  private void scheduleHandover() {
    handoverTimer =
        lab.virtualTime().schedule(handoverEveryNanos, TimeUnit.NANOSECONDS, this::handover);
  }

  private void handover() {
    MobileNode mn = nodes.get(next);
    next = (next + 1) % nodes.size();
    mn.moveTo(mn.active().name().equals("cell1") ? "colo" : "cell1");
    handovers++;
    scheduleHandover();
  }

  /** Runs virtual time on, ten seconds at a time, until both targets are reached. */
  Progress runUntil(long registrations, long handoverCount) {
    while (registrations() < registrations || handovers < handoverCount) {
      lab.virtualTime().advance(10, TimeUnit.SECONDS);
    }
    return progress();
  }

  Progress progress() {
    return new Progress(registrations(), handovers, lab.virtualTime().nanoTime() / (1000 * MS));
  }

  /** Nodes that hold a binding right now. */
  long connected() {
    return nodes.stream().filter(MobileNode::connected).count();
  }

  @Override
  public void close() {
    lab.close();
  }
}
