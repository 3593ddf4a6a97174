package io.mvpn.ipsec.esp;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import java.util.Arrays;

/**
 * Between key values and running SAs, for every suite IKE negotiates: the SA that runs an {@link
 * EspSaKeys} (AES-GCM inline, the others through their {@link EspTransform}), and the keys and
 * suite of an SA read back, so a data plane can store an SA and build it again with fresh state.
 */
public final class EspSuite {

  private EspSuite() {}

  /**
   * An SA running the suite of {@code keys}.
   *
   * @param source the outer source; null on an inbound SA for any source
   * @param replayWindow inbound window size (0 to disable)
   */
  public static EspSecurityAssociation sa(
      EspSaKeys keys,
      Direction direction,
      Ipv4Address source,
      Ipv4Address destination,
      int replayWindow) {
    int spi = keys.spi();
    boolean esn = keys.extendedSequenceNumbers();
    EspTransform transform =
        switch (keys.algorithm()) {
          case AES_GCM_16 -> null;
          case CHACHA20_POLY1305 -> EspTransform.chaCha20Poly1305(keys.keyAndSalt());
          default ->
              EspTransform.aesCbc(
                  keys.encryptionKey(),
                  EspTransform.Integrity.of(keys.algorithm()),
                  keys.integrityKey());
        };
    return transform == null
        ? new EspSecurityAssociation(
            spi, direction, source, destination, keys.keyAndSalt(), esn, replayWindow)
        : new EspSecurityAssociation(
            spi, direction, source, destination, transform, esn, replayWindow);
  }

  /** The suite an SA runs. */
  public static EspSaKeys.Algorithm algorithm(EspSecurityAssociation sa) {
    EspTransform transform = sa.transform();
    return transform == null ? EspSaKeys.Algorithm.AES_GCM_16 : transform.algorithm();
  }

  /** The suite an SA runs with its key size, as strongSwan names it, e.g. {@code aes256-sha256}. */
  public static String name(EspSecurityAssociation sa) {
    EspSaKeys.Algorithm algorithm = algorithm(sa);
    byte[] keymat = sa.keyMaterial();
    int keyBytes = keymat.length - algorithm.saltLength() - algorithm.integrityKeyLength();
    Arrays.fill(keymat, (byte) 0);
    return algorithm.suite(keyBytes * 8);
  }

  /** An SA's keys as a value: what {@link #sa} builds the same SA from, with fresh state. */
  public static EspSaKeys keys(EspSecurityAssociation sa) {
    byte[] keymat = sa.keyMaterial();
    try {
      return EspSaKeys.fromKeymat(sa.spi(), algorithm(sa), keymat, sa.extendedSequenceNumbers());
    } finally {
      Arrays.fill(keymat, (byte) 0);
    }
  }
}
