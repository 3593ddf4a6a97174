package io.mvpn.api.ipsec;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One IKE message on UDP, without the non-ESP marker that precedes it on port 4500 (RFC 3948 §2.2):
 * what a gateway that owns port 4500 hands its IKE responder, and what the responder gives it to
 * send. The message bytes are copied in and out.
 */
public record IkeDatagram(
    Ipv4Address source,
    int sourcePort,
    Ipv4Address destination,
    int destinationPort,
    byte[] message) {

  public IkeDatagram {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (sourcePort < 1 || sourcePort > 0xFFFF || destinationPort < 1 || destinationPort > 0xFFFF) {
      throw new IllegalArgumentException("UDP ports " + sourcePort + " > " + destinationPort);
    }
    message = message.clone();
  }

  @Override
  public byte[] message() {
    return message.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IkeDatagram d
        && d.source.equals(source)
        && d.sourcePort == sourcePort
        && d.destination.equals(destination)
        && d.destinationPort == destinationPort
        && java.util.Arrays.equals(d.message, message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, sourcePort, destination, destinationPort);
  }

  @Override
  public String toString() {
    return String.format(
        "IkeDatagram[%s:%d > %s:%d, %d bytes]",
        source, sourcePort, destination, destinationPort, message.length);
  }
}
