package io.mvpn.napt;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.tcp.TcpSegment;

/**
 * One live translation in the engine's forwarding cache, with what RFC 5382 §5 needs of a TCP
 * connection: which control segments have passed each way ({@link NaptMapping}'s bits).
 */
final class Mapping {

  final int protocol;
  final NaptInside inside;
  final int publicPort;
  long lastUsed;
  int tcpSeen;
  // The tenant's translated count, found on the mapping's first datagram: no lookup after.
  CounterStore.Counter tenantTranslated;

  Mapping(int protocol, NaptInside inside, int publicPort, long lastUsed, int tcpSeen) {
    this.protocol = protocol;
    this.inside = inside;
    this.publicPort = publicPort;
    this.lastUsed = lastUsed;
    this.tcpSeen = tcpSeen;
  }

  /** A SYN has passed each way, and neither a RST nor a FIN each way since. */
  boolean established() {
    return has(NaptMapping.SYN_OUT)
        && has(NaptMapping.SYN_IN)
        && !has(NaptMapping.RESET)
        && !(has(NaptMapping.FIN_OUT) && has(NaptMapping.FIN_IN));
  }

  /** "open" for UDP and ICMP, "established" or "transitory" for TCP. */
  String state() {
    return protocol != IpProtocol.TCP ? "open" : established() ? "established" : "transitory";
  }

  /** Notes a segment's control flags; true if the connection's state changed. */
  boolean saw(TcpSegment tcp, boolean outbound) {
    int before = tcpSeen;
    if (tcp.isRst()) {
      tcpSeen |= NaptMapping.RESET;
    }
    if (outbound) {
      boolean closed =
          has(NaptMapping.RESET) || (has(NaptMapping.FIN_OUT) && has(NaptMapping.FIN_IN));
      if (tcp.isSyn() && !tcp.isAck() && closed) {
        // A new connection on a mapping whose last one has closed.
        tcpSeen &= NaptMapping.SYN_OUT;
      }
      tcpSeen |= (tcp.isSyn() ? NaptMapping.SYN_OUT : 0) | (tcp.isFin() ? NaptMapping.FIN_OUT : 0);
    } else {
      tcpSeen |= (tcp.isSyn() ? NaptMapping.SYN_IN : 0) | (tcp.isFin() ? NaptMapping.FIN_IN : 0);
    }
    return tcpSeen != before;
  }

  private boolean has(int bit) {
    return (tcpSeen & bit) != 0;
  }
}
