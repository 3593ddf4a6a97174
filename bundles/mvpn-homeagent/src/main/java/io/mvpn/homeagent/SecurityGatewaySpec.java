package io.mvpn.homeagent;

import io.mvpn.api.Prefix;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import java.util.List;
import java.util.Objects;

/**
 * A security gateway mobile nodes reach the home agent through (seed 001): requests whose source is
 * one of the gateway's VPN {@code clients}, arriving on the home agent's public side, came out of
 * its tunnels, so an accepted one is answered with a Security Information Update to the gateway
 * instead of a plain reply (Fig. 4, step 32).
 *
 * @param key the gateway-HA association; its peer is the gateway's address the updates go to
 * @param port the gateway's UDP port for updates
 * @param clients the addresses the gateway's mobile nodes use inside their tunnels
 */
public record SecurityGatewaySpec(AssociationSpec key, int port, List<Prefix> clients) {

  public SecurityGatewaySpec {
    Objects.requireNonNull(key, "key");
    clients = List.copyOf(clients);
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("SIU port " + port);
    }
  }

  public SecurityGatewaySpec(AssociationSpec key, List<Prefix> clients) {
    this(key, SecurityInformationUpdate.DEFAULT_PORT, clients);
  }

  public boolean serves(int address) {
    return clients.stream().anyMatch(p -> p.contains(address));
  }
}
