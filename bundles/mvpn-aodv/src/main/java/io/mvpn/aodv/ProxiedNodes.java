package io.mvpn.aodv;

import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The nodes a sink acts for in AODV (seed 002 c57, c61-62): nodes that speak only DHCP and got a
 * lease through it. The sink answers RREQs for them as their proxy, carries datagrams to them over
 * their access link, and when one of them sends to a destination with no route it starts the route
 * discovery itself and holds the node's datagrams until the route exists. What it holds is bounded
 * per node and overall; datagrams over either bound, or whose discovery fails, are dropped and
 * counted, those delivered once the route exists are counted too.
 */
final class ProxiedNodes {

  /** Datagrams one node may have waiting for routes. */
  static final int MAX_HELD_PER_NODE = 32;

  /** Datagrams all proxied nodes together may have waiting. */
  static final int MAX_HELD = 1024;

  /** One node the sink acts for. */
  private static final class Node {
    final Interface link;
    int station;
    int seq = 1;
    final ArrayDeque<Held> held = new ArrayDeque<>();
    long buffered;
    long delivered;
    long dropped;

    Node(Interface link, int station) {
      this.link = link;
      this.station = station;
    }
  }

  private record Held(Ipv4Address destination, ByteBuf datagram) {}

  /** Counts the shell shows for one node. */
  record Stats(int waiting, long buffered, long delivered, long dropped) {}

  private final RouterContext ctx;
  private final RouteDiscovery discovery;
  private final Map<Ipv4Address, Node> nodes = new HashMap<>();
  private int heldTotal;

  ProxiedNodes(RouterContext ctx, RouteDiscovery discovery) {
    this.ctx = ctx;
    this.discovery = discovery;
  }

  /** From now on the sink acts for {@code address}, reached on {@code link} at {@code station}. */
  void add(Ipv4Address address, Interface link, int station) {
    Node n = nodes.get(address);
    if (n == null || n.link != link) {
      remove(address);
      nodes.put(address, new Node(link, station));
    } else {
      n.station = station;
    }
  }

  /** The sink no longer acts for {@code address}; what it held for the node is dropped. */
  void remove(Ipv4Address address) {
    Node n = nodes.remove(address);
    if (n != null) {
      for (Held h : n.held) {
        drop(n, h);
      }
      n.held.clear();
    }
  }

  boolean contains(Ipv4Address address) {
    return nodes.containsKey(address);
  }

  Stats stats(Ipv4Address address) {
    Node n = nodes.get(address);
    return n == null
        ? new Stats(0, 0, 0, 0)
        : new Stats(n.held.size(), n.buffered, n.delivered, n.dropped);
  }

  /**
   * The sequence number to answer a RREQ for a proxied node with, as the node itself would
   * (§6.6.1): its number catches up with what the originator asked for.
   */
  int answerSequence(Ipv4Address address, RouteRequest rreq) {
    Node n = nodes.get(address);
    if (!rreq.hasFlag(RouteRequest.UNKNOWN_SEQUENCE)
        && SequenceNumbers.isNewer(rreq.destinationSequence(), n.seq)) {
      n.seq = rreq.destinationSequence();
    }
    return n.seq;
  }

  /** A datagram for a proxied node: to it over its access link. False if it is none of ours. */
  boolean deliverTo(Ipv4Packet packet) {
    Node n = nodes.get(Ipv4Address.of(packet.destination()));
    if (n == null) {
      return false;
    }
    ByteBuf copy = packet.buffer().retainedSlice(packet.offset(), packet.totalLength());
    if (n.station != Interface.NO_STATION) {
      n.link.transmitToStation(copy, n.station);
    } else {
      ctx.vrf.send(copy, n.link, packet.destination());
    }
    ctx.count(AodvCounter.PROXY_TO_NODE);
    return true;
  }

  /**
   * c61-62: a datagram from a proxied node to a destination without an active route waits for the
   * discovery the sink starts on the node's behalf. False if its source is none of ours.
   */
  boolean hold(Ipv4Packet packet, Ipv4Address destination) {
    Node n = nodes.get(Ipv4Address.of(packet.source()));
    if (n == null) {
      return false;
    }
    if (n.held.size() >= MAX_HELD_PER_NODE || heldTotal >= MAX_HELD) {
      n.dropped++;
      ctx.count(AodvCounter.PROXY_DROPPED);
      return true;
    }
    n.held.add(
        new Held(
            destination, packet.buffer().retainedSlice(packet.offset(), packet.totalLength())));
    heldTotal++;
    n.buffered++;
    ctx.count(AodvCounter.PROXY_BUFFERED);
    discovery.searchFor(destination);
    return true;
  }

  /**
   * A discovery for {@code destination} ended: with a route, the datagrams held for it leave in the
   * order they came; without one they are dropped.
   */
  void discoveryEnded(Ipv4Address destination) {
    if (heldTotal == 0) {
      return;
    }
    long now = ctx.now();
    Optional<RouteEntry> route = ctx.table.activeRoute(destination, now);
    for (Node n : nodes.values()) {
      for (Iterator<Held> it = n.held.iterator(); it.hasNext(); ) {
        Held h = it.next();
        if (!h.destination().equals(destination)) {
          continue;
        }
        it.remove();
        if (route.isPresent()) {
          heldTotal--;
          ctx.table.refreshOnUse(destination, now);
          ctx.transmit(route.get(), h.datagram());
          n.delivered++;
          ctx.count(AodvCounter.PROXY_DELIVERED);
          ctx.count(AodvCounter.DATA_FORWARDED);
        } else {
          drop(n, h);
        }
      }
    }
  }

  private void drop(Node n, Held h) {
    h.datagram().release();
    heldTotal--;
    n.dropped++;
    ctx.count(AodvCounter.PROXY_DROPPED);
  }

  /** The router stops: the held datagrams are let go. */
  void clear() {
    for (Ipv4Address a : java.util.List.copyOf(nodes.keySet())) {
      remove(a);
    }
  }
}
