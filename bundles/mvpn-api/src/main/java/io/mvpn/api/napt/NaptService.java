package io.mvpn.api.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NAPT keyed by tenant (seed 002 c19, c22) as the backbone router uses it: the router owns the
 * links (its VRF, the tenants' default routes) and hands each datagram here to be translated in
 * place. UDP (RFC 4787), TCP (RFC 5382) and ICMP echo with the errors about them (RFC 5508).
 * Fragmented UDP and echo datagrams pass as fragments (RFC 4787 REQ-14), in any order.
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
    /**
     * Not translatable (another protocol, a stray TCP segment, a bad fragment): dropped, counted.
     */
    DROPPED,
    /**
     * A fragment that came before its datagram's first one: copied and held until that one says
     * where it goes (then {@link #nextReleased()} hands it back translated); the caller's bytes are
     * free.
     */
    HELD
  }

  /** Why a fragment was dropped. */
  enum FragmentDrop {
    /** Its datagram's first fragment did not come in time (its held fragments go too). */
    TIMED_OUT,
    /** It overlaps a fragment of its datagram already passed, or lies past the datagram's end. */
    OVERLAPPING,
    /** Too many datagrams, fragments or held bytes at once. */
    OVER_LIMIT,
    /**
     * Forgotten (its held fragments with it) to make room for a newer datagram of the same tenant
     * that was over its own share of the table.
     */
    EVICTED
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

  /**
   * A fragment held earlier that the last {@code outbound} or {@code inbound} call released,
   * translated: the caller sends each the way of that call's datagram (to the tenant it returned),
   * after it. Null when none is left; each call's fragments are to be taken before the next call.
   */
  ByteBuffer nextReleased();

  /** Fragments held because they came before their datagram's first one. */
  long fragmentsHeld();

  /** Fragments dropped for {@code reason}. */
  long fragmentsDropped(FragmentDrop reason);

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

  /** {@link #translated()} by the tenant of the node behind the mapping; adds up to it. */
  Map<MvpnId, Long> translatedByTenant();

  /** {@link #exhausted()} by the tenant whose new flow was refused; adds up to it. */
  Map<MvpnId, Long> exhaustedByTenant();

  /** Datagrams dropped: untranslatable outbound, or inbound for no live mapping. */
  long dropped();

  /** Datagrams that did not parse (bad checksum, truncated...), also counted as dropped. */
  long malformed();
}
