package io.mvpn.ike.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A mobile node with two links to its gateway, for MOBIKE: the node's network namespace is joined
 * to the gateway's side by two veth pairs on /30s, link A and link B, and reaches the gateway's
 * address over A (route metric 100) or, once A is gone, over B (metric 200). The gateway's side is
 * the root namespace, where a Java engine can bind the address, or a namespace of its own for a
 * second charon. The gateway's address sits on a veth of its own on that side (this kernel has no
 * dummy devices), so that it belongs to neither link.
 *
 * <p>Names and the 10.234.N.0/28 they use derive from the process id, so runs in parallel worktrees
 * do not collide. {@link #close()} deletes the namespaces and the root-side devices.
 */
final class TwoLinkNetwork implements AutoCloseable {

  /** The host behind the node, in charon's local_ts 10.1.0.0/24. */
  static final String NODE_HOST = NetNamespace.INNER_ADDRESS;

  /** The host behind the gateway, in its 10.2.0.0/16. */
  static final String GATEWAY_HOST = "10.2.0.1";

  final String node;

  /** The gateway's namespace, or null for the root namespace. */
  final String gatewayNs;

  final String nodeA;
  final String nodeB;
  final String gatewayA;
  final String gatewayB;
  final String gateway;

  /** An address of the node's own, on neither link: see {@link #nodeHomeOnBothLinks()}. */
  final String nodeHome;

  private final String linkA;
  private final String linkB;

  /** The gateway side's device that holds {@link #gateway}. */
  final String gatewayLink;

  private final List<String> rootLinks = new ArrayList<>();

  /**
   * @param ownGatewayNamespace whether the gateway gets a namespace of its own (for charon) instead
   *     of the root namespace (for the engine in this JVM)
   */
  TwoLinkNetwork(boolean ownGatewayNamespace) throws IOException, InterruptedException {
    long pid = ProcessHandle.current().pid();
    String net = "10.234." + (pid % 256) + ".";
    node = "mbn" + pid;
    gatewayNs = ownGatewayNamespace ? "mbg" + pid : null;
    linkA = "mbA" + pid;
    linkB = "mbB" + pid;
    gatewayLink = "mbG" + pid;
    gatewayA = net + "1";
    nodeA = net + "2";
    gatewayB = net + "5";
    nodeB = net + "6";
    gateway = net + "9";
    nodeHome = net + "13";
    try {
      NetNamespace.run("ip", "netns", "add", node);
      if (gatewayNs != null) {
        NetNamespace.run("ip", "netns", "add", gatewayNs);
        gatewayIp("link", "set", "lo", "up");
        gatewayIp("addr", "add", GATEWAY_HOST + "/32", "dev", "lo");
      }
      link(linkA, gatewayA, nodeA);
      link(linkB, gatewayB, nodeB);
      // The gateway's own address, on a veth pair whose both ends stay on its side.
      gatewayIp("link", "add", gatewayLink, "type", "veth", "peer", "name", gatewayLink + "p");
      if (gatewayNs == null) {
        rootLinks.add(gatewayLink);
      }
      gatewayIp("addr", "add", gateway + "/32", "dev", gatewayLink);
      gatewayIp("link", "set", gatewayLink, "up");
      gatewayIp("link", "set", gatewayLink + "p", "up");
      nodeIp("link", "set", "lo", "up");
      nodeIp("addr", "add", NODE_HOST + "/32", "dev", "lo");
      nodeIp("route", "add", gateway + "/32", "via", gatewayA, "dev", linkA + "n", "metric", "100");
      nodeIp("route", "add", gateway + "/32", "via", gatewayB, "dev", linkB + "n", "metric", "200");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The veth pair {@code name} (gateway's end) and {@code name}n (the node's), addressed. */
  private void link(String name, String gatewayAddress, String nodeAddress)
      throws IOException, InterruptedException {
    NetNamespace.run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "n");
    if (gatewayNs == null) {
      rootLinks.add(name);
    } else {
      NetNamespace.run("ip", "link", "set", name, "netns", gatewayNs);
    }
    NetNamespace.run("ip", "link", "set", name + "n", "netns", node);
    gatewayIp("addr", "add", gatewayAddress + "/30", "dev", name);
    gatewayIp("link", "set", name, "up");
    nodeIp("addr", "add", nodeAddress + "/30", "dev", name + "n");
    nodeIp("link", "set", name + "n", "up");
  }

  /**
   * Link A goes away at the node: the device down and its address deleted, as when a radio loses
   * its network. A down link alone leaves the address, which charon then keeps using.
   */
  void dropLinkA() throws IOException, InterruptedException {
    drop(node, linkA + "n");
  }

  /**
   * The address first, the device right after, in one shell: charon roams 100 ms after the first
   * event, and a link that is down but still has its address looks usable to it.
   */
  private static void drop(String ns, String device) throws IOException, InterruptedException {
    String ip = ns == null ? "ip" : "ip -n " + ns;
    NetNamespace.run(
        "sh",
        "-c",
        ip + " addr flush dev " + device + " && " + ip + " link set " + device + " down");
  }

  /**
   * The other way round, for a node that stays put and a gateway side that moves: {@link #nodeHome}
   * on the node's loopback, reached from the gateway's side over link A (metric 100) or, once A is
   * gone there, over link B (metric 200).
   */
  void nodeHomeOnBothLinks() throws IOException, InterruptedException {
    nodeIp("addr", "add", nodeHome + "/32", "dev", "lo");
    gatewayIp("route", "add", nodeHome + "/32", "via", nodeA, "dev", linkA, "metric", "100");
    gatewayIp("route", "add", nodeHome + "/32", "via", nodeB, "dev", linkB, "metric", "200");
  }

  /** Link A goes away at the gateway's side: down, its address there deleted. */
  void dropLinkAAtGateway() throws IOException, InterruptedException {
    drop(gatewayNs, linkA);
  }

  /** The ip command in the node's namespace. */
  String nodeIp(String... args) throws IOException, InterruptedException {
    return NetNamespace.run(ip(node, args));
  }

  /** The ip command on the gateway's side. */
  String gatewayIp(String... args) throws IOException, InterruptedException {
    return NetNamespace.run(ip(gatewayNs, args));
  }

  private static String[] ip(String ns, String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    if (ns != null) {
      command.add("-n");
      command.add(ns);
    }
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  @Override
  public void close() throws InterruptedException {
    for (String link : rootLinks) {
      try {
        NetNamespace.run("ip", "link", "del", link);
      } catch (IOException e) {
        // gone already
      }
    }
    for (String ns : new String[] {node, gatewayNs}) {
      if (ns != null) {
        try {
          NetNamespace.run("ip", "netns", "del", ns);
        } catch (IOException e) {
          // never made
        }
      }
    }
  }
}
