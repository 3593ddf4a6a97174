package io.mvpn.lab;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.link.LinkProperties;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A lab network as data: segments (links with delay, jitter, loss, rate, MTU) and nodes holding
 * VRFs, whose interfaces attach to segments and whose static routes point at neighbours. Read from
 * YAML or JSON by {@link TopologyReader} or made with {@link TopologyBuilder}; {@link Lab} runs it.
 */
public record Topology(long seed, List<Segment> segments, List<Node> nodes) {

  public Topology {
    segments = List.copyOf(segments == null ? List.of() : segments);
    nodes = List.copyOf(nodes == null ? List.of() : nodes);
    validate(segments, nodes);
  }

  /** One link. Durations are written like {@code 5ms}; rate in bits per second (0: unlimited). */
  public record Segment(
      String name, String delay, String jitter, double loss, long rate, Integer mtu) {

    public Segment {
      Objects.requireNonNull(name, "segment name");
    }

    public LinkProperties properties() {
      return new LinkProperties(
          Durations.parseNanos(delay),
          Durations.parseNanos(jitter),
          loss,
          rate,
          mtu == null ? LinkProperties.ETHERNET_MTU : mtu);
    }
  }

  public record Node(String name, List<VrfSpec> vrfs) {
    public Node {
      Objects.requireNonNull(name, "node name");
      vrfs = List.copyOf(vrfs == null ? List.of() : vrfs);
    }
  }

  public record VrfSpec(String name, List<InterfaceSpec> interfaces, List<RouteSpec> routes) {
    public VrfSpec {
      Objects.requireNonNull(name, "vrf name");
      interfaces = List.copyOf(interfaces == null ? List.of() : interfaces);
      routes = List.copyOf(routes == null ? List.of() : routes);
    }
  }

  /** An interface: its name, the segment it attaches to, and its address as {@code a.b.c.d/len}. */
  public record InterfaceSpec(String name, String segment, String address) {
    public InterfaceSpec {
      Objects.requireNonNull(name, "interface name");
      Objects.requireNonNull(segment, "interface segment");
      Objects.requireNonNull(address, "interface address");
    }

    public Ipv4Address hostAddress() {
      return Ipv4Address.parse(address.substring(0, slash()));
    }

    public int prefixLength() {
      return Integer.parseInt(address.substring(slash() + 1));
    }

    private int slash() {
      int slash = address.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("interface address " + address + " needs a /length");
      }
      return slash;
    }
  }

  /** A static route: {@code prefix} via the neighbour {@code via}. */
  public record RouteSpec(String prefix, String via) {
    public RouteSpec {
      Objects.requireNonNull(prefix, "route prefix");
      Objects.requireNonNull(via, "route via");
    }

    public Prefix parsedPrefix() {
      return Prefix.parse(prefix);
    }

    public Ipv4Address nextHop() {
      return Ipv4Address.parse(via);
    }
  }

  private static void validate(List<Segment> segments, List<Node> nodes) {
    Set<String> segmentNames = new HashSet<>();
    for (Segment s : segments) {
      if (!segmentNames.add(s.name())) {
        throw new IllegalArgumentException("segment " + s.name() + " is defined twice");
      }
      s.properties();
    }
    Set<String> nodeNames = new HashSet<>();
    for (Node n : nodes) {
      if (!nodeNames.add(n.name())) {
        throw new IllegalArgumentException("node " + n.name() + " is defined twice");
      }
      Set<String> vrfNames = new HashSet<>();
      Set<String> interfaceNames = new HashSet<>();
      for (VrfSpec v : n.vrfs()) {
        if (!vrfNames.add(v.name())) {
          throw new IllegalArgumentException(n.name() + ": vrf " + v.name() + " is defined twice");
        }
        for (InterfaceSpec i : v.interfaces()) {
          if (!interfaceNames.add(i.name())) {
            throw new IllegalArgumentException(
                n.name() + ": interface " + i.name() + " is defined twice");
          }
          if (!segmentNames.contains(i.segment())) {
            throw new IllegalArgumentException(
                n.name() + "/" + i.name() + ": no segment " + i.segment());
          }
          i.hostAddress();
          i.prefixLength();
        }
        for (RouteSpec r : v.routes()) {
          r.parsedPrefix();
          r.nextHop();
        }
      }
    }
  }
}
