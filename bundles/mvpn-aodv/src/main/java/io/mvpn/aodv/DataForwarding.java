package io.mvpn.aodv;

import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.Optional;

/**
 * The data plane. The VRF's default route points at the router's {@code aodv0} interface, so every
 * datagram without a more specific route comes here: with an active route it goes to the next hop
 * and keeps the route alive (§6.2); without one it waits for a discovery if this router originated
 * it (or lets it into the site as the site's gateway), waits for a local repair under way, or is
 * answered with a RERR (§6.11 (ii)).
 */
final class DataForwarding {

  private final RouterContext ctx;
  private final RouteDiscovery discovery;
  private final GratuitousRefresh refresh;
  private final RerrHandler rerrs;
  private final HelloAdmission admission;
  private Interface dataInterface;
  private Prefix served = Prefix.DEFAULT_ROUTE;

  DataForwarding(
      RouterContext ctx,
      RouteDiscovery discovery,
      GratuitousRefresh refresh,
      RerrHandler rerrs,
      HelloAdmission admission) {
    this.ctx = ctx;
    this.discovery = discovery;
    this.refresh = refresh;
    this.rerrs = rerrs;
    this.admission = admission;
  }

  /** What {@link #attach} takes: the default route unless the VRF's own is someone else's. */
  void serve(Prefix prefix) {
    served = java.util.Objects.requireNonNull(prefix, "prefix");
  }

  /** Takes the served route; {@code aodv0} holds our address, so what we send has it. */
  void attach() {
    dataInterface = ctx.vrf.addInterface("aodv0", ctx.self, 32, new DataPlane());
    ctx.vrf.addRoute(new Route(served, null, dataInterface, Route.Origin.PROTOCOL));
  }

  void detach() {
    if (dataInterface != null) {
      ctx.vrf.removeInterface(dataInterface.name());
      dataInterface = null;
    }
  }

  private final class DataPlane extends EncapsulatingTransport {
    DataPlane() {
      super("aodv:" + ctx.self, 1500);
    }

    @Override
    protected void forward(Ipv4Packet packet, int nextHop) {
      data(packet, ctx.vrf.forwardingFrom());
    }
  }

  private void data(Ipv4Packet packet, Interface ingress) {
    if (!admission.permits(packet, ingress)) {
      ctx.count(AodvCounter.FILTER_DROPPED); // c41, c49: the site's filters for its nodes
      return;
    }
    if (ctx.proxied.deliverTo(packet)) {
      return; // c57: a node we act for, on its access link
    }
    long now = ctx.now();
    Ipv4Address destination = Ipv4Address.of(packet.destination());
    Optional<RouteEntry> route = ctx.table.activeRoute(destination, now);
    if (route.isPresent()) {
      // §6.2: a route in use lives on, and so does the way back to the source.
      Ipv4Address source = Ipv4Address.of(packet.source());
      ctx.table.refreshOnUse(destination, now);
      ctx.table.refreshOnUse(source, now);
      if (packet.source() == ctx.self.toInt()) {
        discovery.originated(destination, now);
      } else {
        refresh.sawData(source, destination, now);
      }
      ctx.transmit(
          route.get(), packet.buffer().retainedSlice(packet.offset(), packet.totalLength()));
      ctx.count(AodvCounter.DATA_FORWARDED);
      return;
    }
    if (packet.source() == ctx.self.toInt() || ctx.isGatewayFor(Ipv4Address.of(packet.source()))) {
      // Ours, or entering the site through us as its gateway (c14-15): we look for the route.
      discovery.hold(destination, packet);
      return;
    }
    if (ctx.proxied.hold(packet, destination)) {
      return; // c61-62: from a node we act for: we look for the route and hold its data
    }
    if (discovery.holdWhileRepairing(destination, packet)) {
      return; // §6.12: held while the route is repaired here
    }
    // §6.11 (ii): data for a destination we have no active route to.
    ctx.count(AodvCounter.DATA_DROPPED);
    rerrs.noRoute(destination, now);
  }
}
