package io.mvpn.dispatcher;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the public tunnel endpoints (seed 002 claim 17): takes every registration (UDP 434) and
 * every IP-in-IP datagram the public VRF receives, and hands it to the endpoint, a tenant's virtual
 * home agent, whose address is the destination. A destination no endpoint owns is a counted drop.
 * Runs on the public VRF's scheduler.
 */
public final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Vrf publicVrf;
  private final IntObjectMap<TunnelEndpoint> endpoints = new IntObjectHashMap<>();
  private final List<TunnelEndpoint> refused = new ArrayList<>();
  private final List<Registration> registrations = new ArrayList<>(2);
  private long dispatched;
  private long unknownDestination;

  public Dispatcher(Vrf publicVrf) {
    this.publicVrf = publicVrf;
  }

  /** Starts listening on the public VRF. */
  public void open() {
    registrations.add(publicVrf.bindUdp(MipConstants.PORT, this::onUdp));
    registrations.add(publicVrf.registerProtocol(IpProtocol.IPIP, this::onTunnelled));
  }

  /** Stops listening; endpoints stay known (a reopened dispatcher serves them again). */
  public void close() {
    registrations.forEach(Registration::close);
    registrations.clear();
  }

  /**
   * Adds an endpoint: its address becomes one of the public VRF's own. An address already owned by
   * another endpoint is refused (two tenants' home agents configured with one address): the
   * endpoint is logged, listed in {@link #refused()}, and takes the address if its owner goes.
   */
  public void add(TunnelEndpoint endpoint) {
    int address = endpoint.address().toInt();
    TunnelEndpoint previous = endpoints.get(address);
    if (previous != null && previous != endpoint) {
      if (!refused.contains(endpoint)) {
        refused.add(endpoint);
      }
      LOG.error(
          "tunnel endpoint {} of {} refused: the address belongs to {}",
          endpoint.address(),
          endpoint.tenant(),
          previous.tenant());
      return;
    }
    endpoints.put(address, endpoint);
    publicVrf.addLocalAddress(endpoint.address());
  }

  /** Removes an endpoint; a refused one waiting for the same address takes it over. */
  public void remove(TunnelEndpoint endpoint) {
    if (refused.remove(endpoint)) {
      return;
    }
    int address = endpoint.address().toInt();
    if (endpoints.get(address) == endpoint) {
      endpoints.remove(address);
      publicVrf.removeLocalAddress(endpoint.address());
      for (TunnelEndpoint waiting : List.copyOf(refused)) {
        if (waiting.address().toInt() == address) {
          refused.remove(waiting);
          add(waiting);
          LOG.info("tunnel endpoint {} now belongs to {}", waiting.address(), waiting.tenant());
          break;
        }
      }
    }
  }

  /** Endpoints refused because another one owns their address, oldest first. */
  public List<TunnelEndpoint> refused() {
    return List.copyOf(refused);
  }

  public TunnelEndpoint endpoint(Ipv4Address address) {
    return endpoints.get(address.toInt());
  }

  public List<TunnelEndpoint> endpoints() {
    return List.copyOf(endpoints.values());
  }

  public long dispatched() {
    return dispatched;
  }

  /** What the dispatcher holds and has done, read at one moment (on its scheduler). */
  public record Status(
      List<TunnelEndpoint> endpoints,
      List<TunnelEndpoint> refused,
      long dispatched,
      long unknownDestination) {}

  public Status status() {
    return new Status(endpoints(), refused(), dispatched, unknownDestination);
  }

  /** Datagrams for a public address no endpoint owns. */
  public long unknownDestination() {
    return unknownDestination;
  }

  private void onUdp(Vrf vrf, Interface ingress, UdpDatagram datagram) {
    TunnelEndpoint endpoint = endpoints.get(datagram.ip().destination());
    if (endpoint == null) {
      unknown();
      return;
    }
    dispatched++;
    endpoint.registration(vrf, ingress, datagram);
  }

  private void onTunnelled(Vrf vrf, Interface ingress, Ipv4Packet outer) {
    TunnelEndpoint endpoint = endpoints.get(outer.destination());
    if (endpoint == null) {
      unknown();
      return;
    }
    dispatched++;
    endpoint.tunnelled(vrf, ingress, outer);
  }

  private void unknown() {
    unknownDestination++;
    publicVrf.counters().onDrop(DropReason.NO_UDP_HANDLER);
  }
}
