package io.mvpn.ipsec.esp;

import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.ArrayList;
import java.util.List;

/** The ordered, first-match SPD (RFC 4301 §4.4.1). Not thread-safe: one per engine thread. */
public final class SecurityPolicyDatabase {

  private final List<SecurityPolicy> policies = new ArrayList<>();

  /** Appends a policy: earlier ones win. */
  public void add(SecurityPolicy policy) {
    policies.add(policy);
  }

  public boolean remove(SecurityPolicy policy) {
    return policies.remove(policy);
  }

  public List<SecurityPolicy> policies() {
    return List.copyOf(policies);
  }

  /**
   * The first policy matching a packet, or null (callers treat no match as DISCARD). {@code
   * outbound}: the packet's source is local; inbound: its destination is.
   */
  public SecurityPolicy match(Ipv4Packet packet, boolean outbound) {
    long src = packet.source() & 0xFFFFFFFFL;
    long dst = packet.destination() & 0xFFFFFFFFL;
    long local = outbound ? src : dst;
    long remote = outbound ? dst : src;
    int protocol = packet.protocol();
    boolean hasPorts =
        (protocol == IpProtocol.UDP || protocol == IpProtocol.TCP)
            && packet.fragmentOffset() == 0
            && packet.payloadLength() >= 4;
    int srcPort = hasPorts ? packet.buffer().getUnsignedShort(packet.payloadOffset()) : -1;
    int dstPort = hasPorts ? packet.buffer().getUnsignedShort(packet.payloadOffset() + 2) : -1;
    int localPort = outbound ? srcPort : dstPort;
    int remotePort = outbound ? dstPort : srcPort;
    for (SecurityPolicy p : policies) {
      SecurityPolicy.Selector s = p.selector();
      if (!s.localAddress().contains(local) || !s.remoteAddress().contains(remote)) {
        continue;
      }
      if (s.protocol() != SecurityPolicy.ANY_PROTOCOL && s.protocol() != protocol) {
        continue;
      }
      if (s.needsPorts()) {
        if (!hasPorts
            || !s.localPort().contains(localPort)
            || !s.remotePort().contains(remotePort)) {
          continue;
        }
      }
      return p;
    }
    return null;
  }
}
