package io.mvpn.ipsec.esp;

import io.mvpn.api.Ipv4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inbound SAs (the SAD's inbound half), looked up as RFC 4303 §2.1 says: longest match first on
 * (SPI, destination, source), then (SPI, destination), then the SPI alone. An SA without a tunnel
 * source matches any source: the wildcard inbound SA of seed 001.
 *
 * <p>Not thread-safe: one per engine thread.
 */
public final class SecurityAssociationDatabase {

  private final Map<Integer, List<EspSecurityAssociation>> inbound = new HashMap<>();

  public void add(EspSecurityAssociation sa) {
    if (sa.direction() != EspSecurityAssociation.Direction.INBOUND) {
      throw new IllegalArgumentException("SA " + sa.spi() + " is not inbound");
    }
    inbound.computeIfAbsent(sa.spi(), s -> new ArrayList<>(1)).add(sa);
  }

  public boolean remove(EspSecurityAssociation sa) {
    List<EspSecurityAssociation> list = inbound.get(sa.spi());
    return list != null && list.remove(sa);
  }

  /** The best SA for an arriving packet, or null. */
  public EspSecurityAssociation lookup(int spi, int destination, int source) {
    List<EspSecurityAssociation> list = inbound.get(spi);
    if (list == null) {
      return null;
    }
    EspSecurityAssociation byDestination = null;
    EspSecurityAssociation bySpi = null;
    for (EspSecurityAssociation sa : list) {
      boolean destinationMatches = sa.tunnelDestination().toInt() == destination;
      Ipv4Address src = sa.tunnelSource();
      if (destinationMatches && src != null && src.toInt() == source) {
        return sa;
      }
      if (destinationMatches && src == null) {
        byDestination = sa;
      } else if (!destinationMatches && src == null && bySpi == null) {
        bySpi = sa;
      }
    }
    return byDestination != null ? byDestination : bySpi;
  }

  /**
   * The one SA of that SPI, or null if there is none or there are several: for an index other
   * threads read, where {@link #takes} then stands in for {@link #lookup}.
   */
  public EspSecurityAssociation only(int spi) {
    List<EspSecurityAssociation> list = inbound.get(spi);
    return list == null || list.size() != 1 ? null : list.get(0);
  }

  /** Whether {@link #lookup} would return {@code sa} were it the only SA of its SPI. */
  public static boolean takes(EspSecurityAssociation sa, int destination, int source) {
    Ipv4Address src = sa.tunnelSource();
    return src == null || (src.toInt() == source && sa.tunnelDestination().toInt() == destination);
  }

  public List<EspSecurityAssociation> all() {
    List<EspSecurityAssociation> all = new ArrayList<>();
    inbound.values().forEach(all::addAll);
    return all;
  }
}
