package io.mvpn.ipsec.esp;

import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ordered, first-match SPD (RFC 4301 §4.4.1). Not thread-safe: one per engine thread.
 *
 * <p>Why an index: a gateway holds one policy per mobile node (remote address a single host), and
 * matched every packet against them in order, so each packet cost a scan of all its tunnels'
 * policies. Policies whose remote selector is one address are kept per address; the others, in
 * order, in a list of their own. A match walks the packet's remote address's policies and the
 * others together, by the order they were added in, so the first match is the one a scan of all
 * would find, at the cost of the packet's own few policies and the wide ones.
 */
public final class SecurityPolicyDatabase {

  private static final Entry[] NONE = new Entry[0];

  private record Entry(long order, SecurityPolicy policy) {}

  private final List<Entry> all = new ArrayList<>(); // in order
  private final IntObjectHashMap<Entry[]> byRemoteHost = new IntObjectHashMap<>();
  private Entry[] wide = NONE; // a remote selector of more than one address, in order
  private long added;

  /** Appends a policy: earlier ones win. */
  public void add(SecurityPolicy policy) {
    Entry e = new Entry(added++, policy);
    all.add(e);
    SecurityPolicy.Range remote = policy.selector().remoteAddress();
    if (remote.first() == remote.last()) {
      int host = (int) remote.first();
      byRemoteHost.put(host, appended(byRemoteHost.get(host), e));
    } else {
      wide = appended(wide, e);
    }
  }

  public boolean remove(SecurityPolicy policy) {
    for (int i = 0; i < all.size(); i++) {
      Entry e = all.get(i);
      if (e.policy.equals(policy)) {
        all.remove(i);
        SecurityPolicy.Range remote = policy.selector().remoteAddress();
        if (remote.first() == remote.last()) {
          int host = (int) remote.first();
          Entry[] left = without(byRemoteHost.get(host), e);
          if (left.length == 0) {
            byRemoteHost.remove(host);
          } else {
            byRemoteHost.put(host, left);
          }
        } else {
          wide = without(wide, e);
        }
        return true;
      }
    }
    return false;
  }

  public List<SecurityPolicy> policies() {
    return all.stream().map(Entry::policy).toList();
  }

  /**
   * The first policy matching a packet, or null (callers treat no match as DISCARD). {@code
   * outbound}: the packet's source is local; inbound: its destination is.
   */
  public SecurityPolicy match(Ipv4Packet packet, boolean outbound) {
    int remoteHost = outbound ? packet.destination() : packet.source();
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
    Entry[] host = byRemoteHost.get(remoteHost);
    if (host == null) {
      host = NONE;
    }
    Entry[] others = wide;
    int h = 0;
    int o = 0;
    while (h < host.length || o < others.length) {
      Entry e =
          o == others.length || (h < host.length && host[h].order < others[o].order)
              ? host[h++]
              : others[o++];
      SecurityPolicy.Selector s = e.policy.selector();
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
      return e.policy;
    }
    return null;
  }

  private static Entry[] appended(Entry[] entries, Entry e) {
    if (entries == null) {
      return new Entry[] {e};
    }
    Entry[] more = Arrays.copyOf(entries, entries.length + 1);
    more[entries.length] = e;
    return more;
  }

  private static Entry[] without(Entry[] entries, Entry e) {
    List<Entry> left = new ArrayList<>(Arrays.asList(entries));
    left.remove(e);
    return left.toArray(NONE);
  }
}
