package io.mvpn.api.aaa;

import io.mvpn.api.Ipv4Address;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a node entering a site proved in its hello: its identity (a NAI, whose realm names its home
 * MSM), the address it claims, the SPI of the key it used, its timestamp, the bytes it signed and
 * the HMAC-SHA256 it sent over them. The signed bytes end with SPI (4), timestamp (8), identity
 * length (1) and identity, so whoever checks them checks those fields too. {@code siteRealm} is the
 * realm of the site the node enters: the sink's own, and at the MSM the Origin-Realm of the
 * AA-Request. Every sink on the node's link hears its broadcast hello, so the MSM tells another
 * sink of the same site (a duplicate) from a sink elsewhere (a replay) by it.
 */
public record HelloCredentials(
    String identity,
    Ipv4Address address,
    int spi,
    long timestamp,
    byte[] signedBytes,
    byte[] authenticator,
    String siteRealm) {

  public HelloCredentials {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(siteRealm, "siteRealm");
    signedBytes = signedBytes.clone();
    authenticator = authenticator.clone();
  }

  @Override
  public byte[] signedBytes() {
    return signedBytes.clone();
  }

  @Override
  public byte[] authenticator() {
    return authenticator.clone();
  }

  /** The realm of the NAI "user@realm" (RFC 7542), or empty. */
  public String realm() {
    return realmOf(identity);
  }

  /** The realm of a NAI "user@realm" (RFC 7542), or empty when it names none. */
  public static String realmOf(String nai) {
    int at = nai.lastIndexOf('@');
    return at < 0 ? "" : nai.substring(at + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HelloCredentials c
        && identity.equals(c.identity)
        && address.equals(c.address)
        && spi == c.spi
        && timestamp == c.timestamp
        && Arrays.equals(signedBytes, c.signedBytes)
        && Arrays.equals(authenticator, c.authenticator)
        && siteRealm.equals(c.siteRealm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(identity, address, spi, timestamp);
  }
}
