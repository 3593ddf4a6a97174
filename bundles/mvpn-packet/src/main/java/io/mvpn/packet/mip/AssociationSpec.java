package io.mvpn.packet.mip;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A configured mobility security association with one peer (a mobile node's home address, a foreign
 * agent's or home agent's address), as configuration files write it: {@code ADDRESS SPI ALGORITHM
 * HEXKEY}, e.g. {@code 10.1.0.5 1000 hmac-md5 00112233445566778899aabbccddeeff}.
 */
public record AssociationSpec(Ipv4Address peer, long spi, Algorithm algorithm, byte[] key) {

  public AssociationSpec {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(algorithm, "algorithm");
    key = key.clone();
  }

  public static AssociationSpec parse(String text) {
    String[] words = text.trim().split("\\s+");
    if (words.length != 4) {
      throw new IllegalArgumentException(
          "security association '" + text + "': expected ADDRESS SPI ALGORITHM HEXKEY");
    }
    return new AssociationSpec(
        Ipv4Address.parse(words[0]),
        Long.parseLong(words[1]),
        Algorithm.parse(words[2]),
        HexFormat.of().parseHex(words[3]));
  }

  /** A fresh association (each engine thread keeps its own: it holds a JCE Mac). */
  public MobilitySecurityAssociation toAssociation() {
    return new MobilitySecurityAssociation(spi, algorithm, key);
  }

  @Override
  public String toString() {
    return peer + " SPI " + spi + " " + algorithm; // never the key
  }
}
