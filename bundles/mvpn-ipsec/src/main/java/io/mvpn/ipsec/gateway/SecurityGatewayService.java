package io.mvpn.ipsec.gateway;

import io.mvpn.ipsec.esp.EspException;
import java.util.List;
import java.util.Map;

/**
 * One security gateway of the appliance, as the shell sees it: running, or waiting to run.
 * Snapshots, not views. A function that keys the gateway's tunnels uses {@link
 * io.mvpn.api.ipsec.EspTunnelService}.
 */
public interface SecurityGatewayService {

  /**
   * One SA, as {@code mvpn:sa} lists it.
   *
   * @param suite the ESP suite as strongSwan's proposals name it, e.g. {@code aes256-sha256}
   */
  record SaView(
      String gateway,
      String homeAddress,
      String direction,
      int spi,
      String suite,
      String tunnelSource,
      String tunnelDestination,
      long sequence,
      long packets,
      long bytes,
      Map<EspException.Reason, Long> refused,
      String lifetime) {}

  /** One SPD entry, in evaluation order. */
  record PolicyView(
      String gateway,
      int index,
      String local,
      String remote,
      String protocol,
      String action,
      int spi) {}

  String name();

  /** Where ESP (and IKE) arrive: the gateway's address in its outside VRF. */
  io.mvpn.api.Ipv4Address publicAddress();

  List<SaView> securityAssociations();

  List<PolicyView> policies();

  Map<GatewayCounter, Long> counters();

  Map<EspException.Reason, Long> refusals();

  /**
   * What the gateway waits for before it can run, said for an operator (e.g. the key service that
   * holds its keys); null once it runs. A waiting gateway has no SAs, policies or counters yet.
   */
  default String waitingFor() {
    return null;
  }
}
