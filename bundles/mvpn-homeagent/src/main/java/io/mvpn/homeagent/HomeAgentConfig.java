package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.packet.mip.AssociationSpec;
import java.util.List;
import java.util.Objects;

/**
 * What one virtual home agent serves: its tenant, its public address (unique across tenants), the
 * tenant's home realms, the MN-HA security associations, and its limits.
 *
 * @param securityGateways the gateways whose tunnels lead to this home agent (seed 001)
 * @param homeInterface the tenant VRF's interface on the home network, where the home agent answers
 *     for mobile nodes that are away (proxy ARP); null if there is none
 */
public record HomeAgentConfig(
    MvpnId tenant,
    Ipv4Address address,
    List<Prefix> homeRealms,
    List<AssociationSpec> keys,
    int maxLifetimeSeconds,
    int replayToleranceSeconds,
    String homeInterface,
    List<AssociationSpec> foreignAgentKeys,
    List<SecurityGatewaySpec> securityGateways) {

  /** Without security gateways: every accepted request gets a plain reply. */
  public HomeAgentConfig(
      MvpnId tenant,
      Ipv4Address address,
      List<Prefix> homeRealms,
      List<AssociationSpec> keys,
      int maxLifetimeSeconds,
      int replayToleranceSeconds,
      String homeInterface,
      List<AssociationSpec> foreignAgentKeys) {
    this(
        tenant,
        address,
        homeRealms,
        keys,
        maxLifetimeSeconds,
        replayToleranceSeconds,
        homeInterface,
        foreignAgentKeys,
        List.of());
  }

  /** Without FA-HA associations: requests relayed by any foreign agent are taken on MN-HA alone. */
  public HomeAgentConfig(
      MvpnId tenant,
      Ipv4Address address,
      List<Prefix> homeRealms,
      List<AssociationSpec> keys,
      int maxLifetimeSeconds,
      int replayToleranceSeconds,
      String homeInterface) {
    this(
        tenant,
        address,
        homeRealms,
        keys,
        maxLifetimeSeconds,
        replayToleranceSeconds,
        homeInterface,
        List.of());
  }

  public HomeAgentConfig {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(address, "address");
    homeRealms = List.copyOf(homeRealms);
    keys = List.copyOf(keys);
    foreignAgentKeys = List.copyOf(foreignAgentKeys);
    securityGateways = List.copyOf(securityGateways);
    if (maxLifetimeSeconds < 1 || maxLifetimeSeconds > 0xFFFF) {
      throw new IllegalArgumentException("maximum lifetime " + maxLifetimeSeconds + " s");
    }
    if (replayToleranceSeconds < 1) {
      throw new IllegalArgumentException("replay tolerance " + replayToleranceSeconds + " s");
    }
    for (AssociationSpec k : keys) {
      if (homeRealms.stream().noneMatch(p -> p.contains(k.peer()))) {
        throw new IllegalArgumentException(
            "mobile node " + k.peer() + " is outside the home realms " + homeRealms);
      }
    }
  }
}
