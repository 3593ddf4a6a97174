package io.mvpn.ipsec.esp;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One SPD entry (RFC 4301 §4.4.1): selectors on local and remote addresses, next-layer protocol and
 * ports, each possibly ANY, and what to do with matching traffic. Local and remote swap with the
 * direction: an inbound packet's source is matched against the remote selector.
 */
public record SecurityPolicy(Selector selector, Action action, EspSecurityAssociation outboundSa) {

  /** What the SPD does with a packet (§4.4.1). */
  public enum Action {
    DISCARD,
    BYPASS,
    PROTECT
  }

  /** An inclusive range of addresses or ports; {@link #ANY_ADDRESS}/{@link #ANY_PORT} match all. */
  public record Range(long first, long last) {
    public boolean contains(long value) {
      return value >= first && value <= last;
    }

    public static Range of(Ipv4Address first, Ipv4Address last) {
      return new Range(first.toInt() & 0xFFFFFFFFL, last.toInt() & 0xFFFFFFFFL);
    }

    public static Range of(Ipv4Address single) {
      return of(single, single);
    }

    public static Range port(int port) {
      return new Range(port, port);
    }
  }

  public static final Range ANY_ADDRESS = new Range(0, 0xFFFFFFFFL);
  public static final Range ANY_PORT = new Range(0, 0xFFFF);

  /** Protocol ANY. */
  public static final int ANY_PROTOCOL = -1;

  /** The selectors of one policy. */
  public record Selector(
      Range localAddress, Range remoteAddress, int protocol, Range localPort, Range remotePort) {

    public Selector {
      Objects.requireNonNull(localAddress, "localAddress");
      Objects.requireNonNull(remoteAddress, "remoteAddress");
      Objects.requireNonNull(localPort, "localPort");
      Objects.requireNonNull(remotePort, "remotePort");
    }

    /** Whether specific ports are asked for: then non-initial fragments never match (§4.4.1). */
    boolean needsPorts() {
      return !localPort.equals(ANY_PORT) || !remotePort.equals(ANY_PORT);
    }
  }

  public SecurityPolicy {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(action, "action");
    if (action == Action.PROTECT && outboundSa == null) {
      throw new IllegalArgumentException("a PROTECT policy needs its outbound SA");
    }
  }
}
