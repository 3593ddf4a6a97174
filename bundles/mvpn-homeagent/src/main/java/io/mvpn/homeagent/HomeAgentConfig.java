package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What one virtual home agent serves: its tenant, its public address (unique across tenants), the
 * tenant's home realms, the MN-HA security associations, and its limits.
 *
 * @param homeInterface the tenant VRF's interface on the home network, where the home agent answers
 *     for mobile nodes that are away (proxy ARP); null if there is none
 */
public record HomeAgentConfig(
    MvpnId tenant,
    Ipv4Address address,
    List<Prefix> homeRealms,
    List<MobileNodeKey> keys,
    int maxLifetimeSeconds,
    int replayToleranceSeconds,
    String homeInterface,
    List<ForeignAgentKey> foreignAgentKeys) {

  /** Without FA-HA associations: requests relayed by any foreign agent are taken on MN-HA alone. */
  public HomeAgentConfig(
      MvpnId tenant,
      Ipv4Address address,
      List<Prefix> homeRealms,
      List<MobileNodeKey> keys,
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

  /** One FA-HA mobility security association, with the foreign agent at {@code careOf}. */
  public record ForeignAgentKey(Ipv4Address careOf, long spi, Algorithm algorithm, byte[] key) {

    public ForeignAgentKey {
      Objects.requireNonNull(careOf, "careOf");
      Objects.requireNonNull(algorithm, "algorithm");
      key = key.clone();
    }

    /** Reads {@code FA_ADDRESS SPI ALGORITHM HEXKEY}. */
    public static ForeignAgentKey parse(String text) {
      String[] words = text.trim().split("\\s+");
      if (words.length != 4) {
        throw new IllegalArgumentException(
            "foreign agent key '" + text + "': expected FA_ADDRESS SPI ALGORITHM HEXKEY");
      }
      return new ForeignAgentKey(
          Ipv4Address.parse(words[0]),
          Long.parseLong(words[1]),
          Algorithm.parse(words[2]),
          HexFormat.of().parseHex(words[3]));
    }

    @Override
    public String toString() {
      return careOf + " SPI " + spi + " " + algorithm;
    }
  }

  /** One MN-HA mobility security association. */
  public record MobileNodeKey(Ipv4Address homeAddress, long spi, Algorithm algorithm, byte[] key) {

    public MobileNodeKey {
      Objects.requireNonNull(homeAddress, "homeAddress");
      Objects.requireNonNull(algorithm, "algorithm");
      key = key.clone();
    }

    /**
     * Reads {@code HOME_ADDRESS SPI ALGORITHM HEXKEY}, e.g. {@code 10.1.0.5 1000 hmac-md5
     * 00112233445566778899aabbccddeeff}.
     */
    public static MobileNodeKey parse(String text) {
      String[] words = text.trim().split("\\s+");
      if (words.length != 4) {
        throw new IllegalArgumentException(
            "mobile node key '" + text + "': expected HOME_ADDRESS SPI ALGORITHM HEXKEY");
      }
      return new MobileNodeKey(
          Ipv4Address.parse(words[0]),
          Long.parseLong(words[1]),
          Algorithm.parse(words[2]),
          HexFormat.of().parseHex(words[3]));
    }

    @Override
    public String toString() {
      return homeAddress + " SPI " + spi + " " + algorithm; // never the key
    }
  }

  public HomeAgentConfig {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(address, "address");
    homeRealms = List.copyOf(homeRealms);
    keys = List.copyOf(keys);
    foreignAgentKeys = List.copyOf(foreignAgentKeys);
    if (maxLifetimeSeconds < 1 || maxLifetimeSeconds > 0xFFFF) {
      throw new IllegalArgumentException("maximum lifetime " + maxLifetimeSeconds + " s");
    }
    if (replayToleranceSeconds < 1) {
      throw new IllegalArgumentException("replay tolerance " + replayToleranceSeconds + " s");
    }
    for (MobileNodeKey k : keys) {
      if (homeRealms.stream().noneMatch(p -> p.contains(k.homeAddress()))) {
        throw new IllegalArgumentException(
            "mobile node " + k.homeAddress() + " is outside the home realms " + homeRealms);
      }
    }
  }
}
