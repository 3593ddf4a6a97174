package io.mvpn.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Topology} in Java:
 *
 * <pre>{@code
 * Topology t = new TopologyBuilder(42)
 *     .segment("ab", "5ms")
 *     .node("a").vrf("acme").iface("a-ab", "ab", "10.1.0.1/24").route("10.2.0.0/16", "10.1.0.2")
 *     .build();
 * }</pre>
 */
public final class TopologyBuilder {

  private final long seed;
  private final List<Topology.Segment> segments = new ArrayList<>();
  private final Map<String, Map<String, VrfDraft>> nodes = new LinkedHashMap<>();
  private String node;
  private String vrf;

  private static final class VrfDraft {
    final List<Topology.InterfaceSpec> interfaces = new ArrayList<>();
    final List<Topology.RouteSpec> routes = new ArrayList<>();
  }

  public TopologyBuilder(long seed) {
    this.seed = seed;
  }

  public TopologyBuilder segment(String name, String delay) {
    return segment(name, delay, "0", 0, 0, null);
  }

  public TopologyBuilder segment(
      String name, String delay, String jitter, double loss, long rate, Integer mtu) {
    segments.add(new Topology.Segment(name, delay, jitter, loss, rate, mtu));
    return this;
  }

  /** Starts (or returns to) a node; following {@link #vrf} calls belong to it. */
  public TopologyBuilder node(String name) {
    nodes.computeIfAbsent(name, n -> new LinkedHashMap<>());
    node = name;
    vrf = null;
    return this;
  }

  /** Starts (or returns to) a VRF of the current node. */
  public TopologyBuilder vrf(String name) {
    if (node == null) {
      throw new IllegalStateException("vrf(" + name + ") before node(...)");
    }
    nodes.get(node).computeIfAbsent(name, n -> new VrfDraft());
    vrf = name;
    return this;
  }

  public TopologyBuilder iface(String name, String segment, String address) {
    current().interfaces.add(new Topology.InterfaceSpec(name, segment, address));
    return this;
  }

  public TopologyBuilder route(String prefix, String via) {
    current().routes.add(new Topology.RouteSpec(prefix, via));
    return this;
  }

  private VrfDraft current() {
    if (vrf == null) {
      throw new IllegalStateException("interfaces and routes belong to a vrf(...)");
    }
    return nodes.get(node).get(vrf);
  }

  public Topology build() {
    List<Topology.Node> built = new ArrayList<>();
    nodes.forEach(
        (nodeName, vrfs) -> {
          List<Topology.VrfSpec> specs = new ArrayList<>();
          vrfs.forEach(
              (vrfName, d) -> specs.add(new Topology.VrfSpec(vrfName, d.interfaces, d.routes)));
          built.add(new Topology.Node(nodeName, specs));
        });
    return new Topology(seed, segments, built);
  }
}
