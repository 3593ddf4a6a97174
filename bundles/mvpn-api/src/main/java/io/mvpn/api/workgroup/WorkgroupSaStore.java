package io.mvpn.api.workgroup;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.SaLifetime;
import java.util.List;
import java.util.Objects;

/**
 * The SAs that workgroup gateways admit other realms' parties through (seed 002 c7, c11), kept
 * apart from the gateways' code (blueprint principle 6): an update or a restart of a gateway loses
 * none, and a new instance lets the parties' ESP in again without a new key exchange. Per gateway
 * name, one {@link StoredWorkgroupSa} per (tunnel source, SPI), as the gateway selects SAs.
 *
 * <p>An inbound SA's sequence numbers must not be accepted twice (RFC 4303 §3.4.3). The gateway
 * {@linkplain #reserve reserves} them a block ahead of what it accepted: a restored SA refuses
 * everything at or below the reservation as a replay.
 *
 * <p>The stored values hold key material: a persistent store keeps it readable by the appliance's
 * user only.
 */
public interface WorkgroupSaStore {

  /**
   * An initiating party's SA into a workgroup gateway's realm, with what it was installed with.
   *
   * @param tunnelSource the public address of the party's gateway, the IP-IP source its ESP comes
   *     from; together with the SPI it selects the SA
   * @param party the member the SA's IKE SA authenticated, the only inner source it carries
   * @param installedAtUnixNanos wall-clock time of installation: the lifetime in seconds runs from
   *     here, also while no gateway runs the SA
   */
  record StoredWorkgroupSa(
      Ipv4Address tunnelSource,
      MemberId party,
      EspSaKeys keys,
      int replayWindow,
      SaLifetime lifetime,
      long installedAtUnixNanos) {

    public StoredWorkgroupSa {
      Objects.requireNonNull(tunnelSource, "tunnelSource");
      Objects.requireNonNull(party, "party");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(lifetime, "lifetime");
      if (replayWindow < 0) {
        throw new IllegalArgumentException("replay window " + replayWindow);
      }
    }

    public int spi() {
      return keys.spi();
    }

    /** When its hard lifetime in seconds ends; {@link Long#MAX_VALUE} for never. */
    public long expiresAtUnixNanos() {
      return lifetime.hardExpiry(installedAtUnixNanos);
    }
  }

  /** Stores an SA, replacing the gateway's earlier one under the same tunnel source and SPI. */
  void put(String gateway, StoredWorkgroupSa sa);

  /** Forgets an SA and its reservation; the removed value, or null. */
  StoredWorkgroupSa remove(String gateway, Ipv4Address tunnelSource, int spi);

  /** The gateway's SAs. */
  List<StoredWorkgroupSa> sas(String gateway);

  /**
   * Raises the reservation of an SA to {@code upTo} (never lowers it). Cheap enough for the data
   * path: a persistent store writes it in the background; {@link #flush} waits for that.
   */
  void reserve(String gateway, Ipv4Address tunnelSource, int spi, long upTo);

  /**
   * The SA's instance stops in order: exactly up to {@code usedUpTo} was accepted, so the next
   * instance need not refuse the rest of the reservation. Unlike {@link #reserve} this may lower
   * it.
   */
  void release(String gateway, Ipv4Address tunnelSource, int spi, long usedUpTo);

  /** The SA's reservation: 0 if none was made. */
  long reserved(String gateway, Ipv4Address tunnelSource, int spi);

  /** Returns once every reservation made so far is as durable as the store is. */
  void flush();

  /** SAs stored, over all gateways. */
  int size();
}
