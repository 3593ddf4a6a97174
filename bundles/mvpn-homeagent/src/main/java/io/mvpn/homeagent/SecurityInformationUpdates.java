package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.Binding;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Seed 001's Security Information Updates from one home agent to the security gateways its mobile
 * nodes reach it through: an accepted registration that came out of a gateway's tunnel is answered
 * inside an authenticated, timestamped update to that gateway, which re-points its outbound SA
 * before passing the reply on (Fig. 4, steps 32-36).
 */
final class SecurityInformationUpdates {

  /** A configured security gateway with its gateway-HA association. */
  record Gateway(SecurityGatewaySpec spec, MobilitySecurityAssociation key) {}

  /** Where an accepted reply goes instead: inside an update to the gateway it came through. */
  record Route(Gateway gateway, Ipv4Address oldCareOf, Ipv4Address newCareOf) {}

  private final Vrf publicVrf;
  private final Ipv4Address address;
  private final LongSupplier ntpSeconds;
  private final List<Gateway> gateways = new ArrayList<>();
  private long lastIdentification;
  private long sent;

  /**
   * @param ntpSeconds the home agent's clock in NTP seconds
   */
  SecurityInformationUpdates(HomeAgentConfig config, Vrf publicVrf, LongSupplier ntpSeconds) {
    this.publicVrf = publicVrf;
    this.address = config.address();
    this.ntpSeconds = ntpSeconds;
    for (SecurityGatewaySpec g : config.securityGateways()) {
      gateways.add(new Gateway(g, g.key().toAssociation()));
    }
  }

  /** Updates sent. */
  long sent() {
    return sent;
  }

  /**
   * Fig. 4 step 32: a request from one of a gateway's VPN clients that reached the public side came
   * through that gateway's tunnel; the update names the binding it replaces. Null otherwise.
   *
   * @param current the node's bindings before this registration
   */
  Route through(boolean publicSide, int source, int newCareOf, Binding[] current) {
    if (!publicSide || gateways.isEmpty()) {
      return null;
    }
    for (Gateway g : gateways) {
      if (g.spec().serves(source)) {
        Ipv4Address old = current.length == 0 ? Ipv4Address.of(0) : current[0].careOfAddress();
        return new Route(g, old, Ipv4Address.of(newCareOf));
      }
    }
    return null;
  }

  /** Steps 34-36: sends {@code reply} (released here) inside an update to the route's gateway. */
  void send(UdpDatagram request, ByteBuf reply, Route route) {
    // NTP seconds in the high half, strictly increasing even within one second.
    long now = ntpSeconds.getAsLong() << 32; // unsigned: NTP seconds have the top bit set
    long id = Long.compareUnsigned(now, lastIdentification) > 0 ? now : lastIdentification + 1;
    lastIdentification = id;
    ByteBuf message =
        SecurityInformationUpdate.build(
            publicVrf.alloc(),
            request.sourcePort(),
            id,
            Ipv4Address.of(request.ip().source()),
            address,
            route.oldCareOf(),
            route.newCareOf(),
            reply,
            route.gateway().key());
    SecurityGatewaySpec spec = route.gateway().spec();
    try {
      // Not from 434: the update is not a Mobile IP message and must not be taken for one.
      publicVrf.sendUdp(address, spec.key().peer(), spec.port(), spec.port(), message);
      sent++;
    } finally {
      message.release();
      reply.release();
    }
  }
}
