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

/**
 * Owns the public tunnel endpoints (seed 002 claim 17): takes every registration (UDP 434) and
 * every IP-in-IP datagram the public VRF receives, and hands it to the endpoint, a tenant's virtual
 * home agent, whose address is the destination. A destination no endpoint owns is a counted drop.
 * Runs on the public VRF's scheduler.
 */
public final class Dispatcher {

  private final Vrf publicVrf;
  private final IntObjectMap<TunnelEndpoint> endpoints = new IntObjectHashMap<>();
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

  /** Adds an endpoint: its address becomes one of the public VRF's own. */
  public void add(TunnelEndpoint endpoint) {
    int address = endpoint.address().toInt();
    TunnelEndpoint previous = endpoints.get(address);
    if (previous != null && previous != endpoint) {
      throw new IllegalStateException(
          "address " + endpoint.address() + " already belongs to " + previous.tenant());
    }
    endpoints.put(address, endpoint);
    publicVrf.addLocalAddress(endpoint.address());
  }

  public void remove(TunnelEndpoint endpoint) {
    int address = endpoint.address().toInt();
    if (endpoints.get(address) == endpoint) {
      endpoints.remove(address);
      publicVrf.removeLocalAddress(endpoint.address());
    }
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
