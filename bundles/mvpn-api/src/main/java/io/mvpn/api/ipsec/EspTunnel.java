package io.mvpn.api.ipsec;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * A mobile node's ESP tunnel as its key exchange hands it to a security gateway (seed 001 c1): the
 * node's home address (the only inner address the tunnel carries for it), the SA the gateway
 * receives on (the SPI it chose) and the one it sends on, and where it sends.
 *
 * @param homeAddress the node's address inside the private network, the tunnel's inner selector
 * @param inbound decrypts what the node sends; the gateway accepts it from any outer source
 * @param outbound encrypts what the gateway sends to the node
 * @param peer the tunnel's far end: the node's care-of address, or its NAT's
 * @param peerUdpPort the node's port for ESP in UDP (RFC 3948), as its NAT mapped it; 0 for plain
 *     ESP (IP protocol 50)
 * @param localUdpPort the gateway's port for ESP in UDP, 4500 unless the exchange floated
 *     elsewhere; unused for plain ESP
 * @param replayWindow the inbound anti-replay window, in packets
 * @param lifetime of both SAs, from when the gateway installs them
 */
public record EspTunnel(
    Ipv4Address homeAddress,
    EspSaKeys inbound,
    EspSaKeys outbound,
    Ipv4Address peer,
    int peerUdpPort,
    int localUdpPort,
    int replayWindow,
    SaLifetime lifetime) {

  /** The IANA port of ESP in UDP and of IKE behind a NAT (RFC 3948). */
  public static final int NAT_T_PORT = 4500;

  public EspTunnel {
    Objects.requireNonNull(homeAddress, "homeAddress");
    Objects.requireNonNull(inbound, "inbound");
    Objects.requireNonNull(outbound, "outbound");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(lifetime, "lifetime");
    if (peerUdpPort < 0 || peerUdpPort > 0xFFFF || localUdpPort < 1 || localUdpPort > 0xFFFF) {
      throw new IllegalArgumentException("UDP ports " + localUdpPort + " > " + peerUdpPort);
    }
    if (replayWindow < 0) {
      throw new IllegalArgumentException("replay window " + replayWindow);
    }
    if (inbound.spi() == outbound.spi()) {
      // Each direction has its own keys; one SPI for both would make the two indistinguishable.
      throw new IllegalArgumentException("inbound and outbound SA share SPI " + inbound.spi());
    }
  }

  /** True when ESP to the node rides UDP (a NAT is on the path). */
  public boolean udpEncapsulated() {
    return peerUdpPort != 0;
  }
}
