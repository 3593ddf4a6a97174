package io.mvpn.api.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The NAPT keyed by tenant (seed 002 c19, c22) as the backbone router uses it: the router owns the
 * links (its VRF, the tenants' default routes) and hands each datagram here to be translated in
 * place. UDP (RFC 4787), TCP (RFC 5382) and ICMP echo with the errors about them (RFC 5508).
 *
 * <p>A datagram is one complete IPv4 packet from the buffer's position to its limit; it is
 * rewritten in place (addresses, ports or identifiers, checksums) and never kept. Times are the
 * caller's scheduler's nanoseconds (the NAPT has no clock of its own), never decreasing. The
 * datagram path is meant for one caller thread; the other methods may be called from any thread.
 */
public interface NaptService {

  /** What became of an outbound datagram. */
  enum Outbound {
    /** Rewritten to the public address and a public port: send it on. */
    TRANSLATED,
    /**
     * A new flow but no public port is free: tell the sender (ICMP administratively prohibited).
     */
    REFUSED,
    /** Not translatable (a fragment, another protocol, a stray TCP segment): dropped, counted. */
    DROPPED
  }

  /** The address every translated datagram leaves from and replies come back to. */
  Ipv4Address publicAddress();

  /** The first public port (and echo identifier) of each protocol's pool. */
  int firstPort();

  /** The last public port of each pool, inclusive. */
  int lastPort();

  /** A datagram from a tenant's realm toward the backbone. */
  Outbound outbound(MvpnId tenant, ByteBuffer datagram, long nowNanos);

  /**
   * A datagram to the public address: rewritten toward the node behind its port, whose tenant is
   * returned; empty if no live mapping holds the port (dropped and counted).
   */
  Optional<MvpnId> inbound(ByteBuffer datagram, long nowNanos);

  /** Who is behind a public port of a protocol (UDP, TCP or ICMP) now, if anyone. */
  Optional<NaptInside> insideOf(int protocol, int publicPort, long nowNanos);

  /** The live mappings, UDP's, TCP's then ICMP's. */
  List<NaptMappingView> mappings(long nowNanos);

  /**
   * The callers' time now as the NAPT reckons it (their latest time, advanced by the host's
   * monotonic clock since), for readers that have no scheduler of their own, such as the shell.
   */
  long nanoTime();

  /** Datagrams translated, both ways. */
  long translated();

  /** New flows refused because no public port was free. */
  long exhausted();

  /** Datagrams dropped: untranslatable outbound, or inbound for no live mapping. */
  long dropped();

  /** Datagrams that did not parse (bad checksum, truncated...), also counted as dropped. */
  long malformed();
}
