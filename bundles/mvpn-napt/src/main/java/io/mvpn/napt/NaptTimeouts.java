package io.mvpn.napt;

import java.time.Duration;
import java.util.Objects;

/** How long idle mappings live: UDP's (RFC 4787), TCP's by state (RFC 5382), ICMP's (RFC 5508). */
public record NaptTimeouts(Duration udp, Duration tcpEstablished, Duration tcpTransitory) {

  /** RFC 5382 REQ-5: an established connection's mapping lives at least 2 h 4 min idle. */
  public static final Duration TCP_ESTABLISHED_MINIMUM = Duration.ofMinutes(124);

  /** RFC 5382 REQ-5: a transitory connection's mapping may go after 4 min idle. */
  public static final Duration TCP_TRANSITORY_DEFAULT = Duration.ofMinutes(4);

  /** RFC 5508 REQ-1: an ICMP query mapping lives 60 s idle. */
  public static final Duration ICMP_QUERY = Duration.ofSeconds(60);

  public NaptTimeouts {
    Objects.requireNonNull(udp, "udp");
    Objects.requireNonNull(tcpEstablished, "tcpEstablished");
    Objects.requireNonNull(tcpTransitory, "tcpTransitory");
    if (tcpEstablished.compareTo(TCP_ESTABLISHED_MINIMUM) < 0) {
      throw new IllegalArgumentException(
          "TCP established idle timeout " + tcpEstablished + " is below RFC 5382's 2 h 4 min");
    }
    if (udp.isNegative() || udp.isZero() || tcpTransitory.isNegative() || tcpTransitory.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** The given UDP timeout, TCP's from RFC 5382 (2 h 4 min established, 4 min transitory). */
  public static NaptTimeouts udp(Duration udp) {
    return new NaptTimeouts(udp, TCP_ESTABLISHED_MINIMUM, TCP_TRANSITORY_DEFAULT);
  }
}
