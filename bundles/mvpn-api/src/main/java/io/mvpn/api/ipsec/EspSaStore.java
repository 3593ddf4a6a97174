package io.mvpn.api.ipsec;

import io.mvpn.api.Ipv4Address;
import java.util.List;

/**
 * The ESP SAs of security gateways, kept apart from the gateways' code (blueprint principle 6): an
 * update or a restart of a gateway loses none of its tunnels, and a new instance continues them
 * without a new key exchange. Per gateway name, one {@link StoredEspTunnel} per node's home
 * address, written through by the gateway on every install, re-key, re-pointing and removal.
 *
 * <p>Sequence numbers must never repeat under one key (RFC 4303 §3.3.3; with AES-GCM a repeat
 * reuses a nonce). The gateway therefore {@linkplain #reserve reserves} them ahead, a block at a
 * time: the store holds, per SA, "up to here may have been used", and a restored SA sends above it.
 * For an inbound SA the same reservation is the floor below which a restored SA refuses everything
 * as a replay (RFC 4303 §3.4.3).
 *
 * <p>The stored values hold key material: a persistent store keeps it readable by the appliance's
 * user only.
 */
public interface EspSaStore {

  /** Which way an SA carries traffic, as seen from the gateway. */
  enum Direction {
    INBOUND,
    OUTBOUND
  }

  /**
   * Stores a node's tunnel, replacing the gateway's earlier one for that home address. Reservations
   * of SAs the new value no longer holds are forgotten; reservations not yet written are written
   * with it.
   */
  void put(String gateway, StoredEspTunnel tunnel);

  /** Forgets a node's tunnel and its reservations; the removed value, or null. */
  StoredEspTunnel remove(String gateway, Ipv4Address homeAddress);

  /** The gateway's tunnels, in the order they were first stored. */
  List<StoredEspTunnel> tunnels(String gateway);

  /**
   * Raises the reservation of an SA to {@code upTo} (never lowers it). Cheap enough for the data
   * path: a persistent store writes it in the background; {@link #flush} waits for that.
   */
  void reserve(String gateway, Ipv4Address homeAddress, Direction direction, int spi, long upTo);

  /**
   * The SA's instance stops in order (an update of the gateway): exactly up to {@code usedUpTo} was
   * used, so the next instance need not skip the rest of the reservation. Unlike {@link #reserve}
   * this may lower it; the caller must send and accept nothing more on the SA.
   */
  void release(
      String gateway, Ipv4Address homeAddress, Direction direction, int spi, long usedUpTo);

  /** The SA's reservation: 0 if none was made. */
  long reserved(String gateway, Ipv4Address homeAddress, Direction direction, int spi);

  /** Returns once every reservation made so far is as durable as the store is. */
  void flush();

  /** Tunnels stored, over all gateways. */
  int size();
}
