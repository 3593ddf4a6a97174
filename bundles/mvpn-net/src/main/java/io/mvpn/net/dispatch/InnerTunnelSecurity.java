package io.mvpn.net.dispatch;

import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.Locale;

/**
 * IPsec inside the Mobile IP tunnel (seed 002 claim 24), as the home agent's tunnel sees it: an ESP
 * tunnel between the node's home address and the home agent runs within the IP-in-IP (or RFC 3519)
 * tunnel from the care-of address, so a move changes the outer tunnel and never the SAs. The home
 * agent asks the IPsec layer twice per datagram: upstream, whether a reverse-tunnelled datagram may
 * enter the tenant VRF as it is (IKE and ESP for the home agent always may: the IPsec layer takes
 * them there); downstream, what to tunnel to the node in place of a datagram for its home address.
 *
 * <p>Called on the home agent's thread, once per datagram, before any copy. The home agent is a
 * function and its IPsec layer another's (an IKE responder), so the hook lives here, beside the
 * home agent's {@link TunnelEndpoint}.
 */
public interface InnerTunnelSecurity {

  /** What a tenant asks of its nodes' traffic inside the tunnel. */
  enum Mode {
    /** No IPsec inside the tunnel: nothing is asked, nothing is encrypted. */
    OFF,
    /** Nodes with an SA get their traffic encrypted; plain traffic still passes. */
    OPTIONAL,
    /** Plain traffic from and to bound nodes is refused: only IKE and ESP cross the tunnel. */
    REQUIRED;

    /** {@code required}, {@code optional} or {@code off}, as a cfg file spells it. */
    public static Mode parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "ipsecInTunnel must be required, optional or off, not '" + text + "'", e);
      }
    }
  }

  /** Nothing inside the tunnel is asked or changed. */
  InnerTunnelSecurity NONE =
      new InnerTunnelSecurity() {
        @Override
        public boolean admits(Ipv4Packet inner) {
          return true;
        }

        @Override
        public Ipv4Packet protect(Ipv4Packet inner) {
          return inner;
        }
      };

  /**
   * Whether a datagram a bound node tunnelled may enter the tenant VRF unchanged; a refusal is
   * counted by the IPsec layer.
   */
  boolean admits(Ipv4Packet inner);

  /**
   * What goes into the tunnel to the node for {@code inner}: {@code inner} itself, a new ESP
   * datagram (which the caller releases once sent), or null if it must not go at all (counted).
   */
  Ipv4Packet protect(Ipv4Packet inner);
}
