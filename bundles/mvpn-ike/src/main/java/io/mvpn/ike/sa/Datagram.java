package io.mvpn.ike.sa;

import java.util.Objects;

/**
 * One UDP payload carrying an IKE message, with its addresses. Plain bytes rather than a ByteBuf:
 * the engine keeps requests and responses for retransmission, and a copy per datagram costs nothing
 * next to the cryptography.
 */
public record Datagram(Endpoint source, Endpoint destination, byte[] payload) {

  public Datagram {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(payload, "payload");
  }
}
