package io.mvpn.lab;

import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A running {@link Topology}: its segments, and per node a scheduler and the VRFs with their
 * interfaces and routes. In virtual time every node shares one {@link VirtualTimeScheduler} and a
 * run is exact and repeatable; in real time each node gets an event loop of its own.
 */
public final class Lab implements AutoCloseable {

  private final Topology topology;
  private final VirtualTimeScheduler virtualTime;
  private final Map<String, MemorySegment> segments = new LinkedHashMap<>();
  private final Map<String, Scheduler> schedulers = new LinkedHashMap<>();
  private final Map<String, Map<String, Vrf>> vrfs = new LinkedHashMap<>();

  private Lab(
      Topology topology,
      VirtualTimeScheduler virtualTime,
      Function<String, Scheduler> schedulerOfNode,
      ByteBufAllocator alloc) {
    this.topology = topology;
    this.virtualTime = virtualTime;
    // One seed per segment, split off the topology's seed in file order: adding a node elsewhere
    // does not change what a segment draws.
    SplittableRandom seeds = new SplittableRandom(topology.seed());
    for (Topology.Segment s : topology.segments()) {
      segments.put(s.name(), new MemorySegment(s.name(), s.properties(), seeds.nextLong()));
    }
    for (Topology.Node node : topology.nodes()) {
      Scheduler scheduler = schedulerOfNode.apply(node.name());
      schedulers.put(node.name(), scheduler);
      Map<String, Vrf> nodeVrfs = new LinkedHashMap<>();
      for (Topology.VrfSpec spec : node.vrfs()) {
        Vrf vrf = new Vrf(node.name() + "/" + spec.name(), scheduler, alloc);
        for (Topology.InterfaceSpec i : spec.interfaces()) {
          vrf.addInterface(
              i.name(), i.hostAddress(), i.prefixLength(), segments.get(i.segment()).newPort());
        }
        for (Topology.RouteSpec r : spec.routes()) {
          vrf.addRoute(r.parsedPrefix(), r.nextHop(), Route.Origin.STATIC);
        }
        nodeVrfs.put(spec.name(), vrf);
      }
      vrfs.put(node.name(), nodeVrfs);
    }
  }

  /** Runs the topology in virtual time: nothing moves until {@link #virtualTime()} is driven. */
  public static Lab virtual(Topology topology) {
    VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
    return new Lab(topology, scheduler, node -> scheduler, ByteBufAllocator.DEFAULT);
  }

  /** Runs the topology in real time, each node on the next event loop of the group. */
  public static Lab realTime(Topology topology, EventLoopGroup group) {
    return new Lab(
        topology, null, node -> new EventLoopScheduler(group.next()), ByteBufAllocator.DEFAULT);
  }

  public Topology topology() {
    return topology;
  }

  /** The shared virtual clock; only for a lab made by {@link #virtual}. */
  public VirtualTimeScheduler virtualTime() {
    if (virtualTime == null) {
      throw new IllegalStateException("this lab runs in real time");
    }
    return virtualTime;
  }

  public Scheduler scheduler(String node) {
    return require(schedulers.get(node), "node " + node);
  }

  public Vrf vrf(String node, String vrf) {
    Map<String, Vrf> nodeVrfs = require(vrfs.get(node), "node " + node);
    return require(nodeVrfs.get(vrf), "vrf " + vrf + " on " + node);
  }

  public Interface iface(String node, String name) {
    for (Vrf vrf : require(vrfs.get(node), "node " + node).values()) {
      Interface i = vrf.getInterface(name);
      if (i != null) {
        return i;
      }
    }
    throw new IllegalArgumentException("no interface " + name + " on " + node);
  }

  public MemorySegment segment(String name) {
    return require(segments.get(name), "segment " + name);
  }

  /** One node's VRFs, keyed by their names in the topology. */
  public Map<String, Vrf> vrfs(String node) {
    return java.util.Collections.unmodifiableMap(require(vrfs.get(node), "node " + node));
  }

  /** Every VRF, keyed "node/vrf". */
  public Map<String, Vrf> vrfs() {
    Map<String, Vrf> all = new LinkedHashMap<>();
    vrfs.values().forEach(m -> m.values().forEach(v -> all.put(v.name(), v)));
    return all;
  }

  private static <T> T require(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException("no " + what + " in this lab");
    }
    return value;
  }

  /** Detaches every interface (closing transports and captures). */
  @Override
  public void close() {
    for (Map<String, Vrf> nodeVrfs : vrfs.values()) {
      for (Vrf vrf : nodeVrfs.values()) {
        for (Interface i : vrf.interfaces()) {
          vrf.removeInterface(i.name());
        }
      }
    }
  }
}
