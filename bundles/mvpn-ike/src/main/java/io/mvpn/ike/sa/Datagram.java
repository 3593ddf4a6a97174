package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One UDP payload carrying an IKE message, with its addresses. Plain bytes rather than a ByteBuf:
 * the engine keeps requests and responses for retransmission, and a copy per datagram costs nothing
 * next to the cryptography.
 *
 * @param via where the datagram came through, or is to go through, when the local endpoint is
 *     reached through several tunnels whose far sides may use the same addresses (a workgroup
 *     gateway's IP-IP tunnels: the tunnel's remote end); null when there is only the one way. An
 *     IKE SA keeps the way it was set up through and takes nothing that comes another way.
 */
public record Datagram(Endpoint source, Endpoint destination, byte[] payload, Ipv4Address via) {

  public Datagram {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(payload, "payload");
  }

  /** A datagram with the one way there is. */
  public Datagram(Endpoint source, Endpoint destination, byte[] payload) {
    this(source, destination, payload, null);
  }

  /** The same addresses and way, another payload. */
  public Datagram withPayload(byte[] other) {
    return new Datagram(source, destination, other, via);
  }
}
