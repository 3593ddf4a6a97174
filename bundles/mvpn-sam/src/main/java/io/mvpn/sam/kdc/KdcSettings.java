package io.mvpn.sam.kdc;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What one tenant realm's KDC is: its realm, the socket it answers on (TCP, and UDP if asked), the
 * encryption types its keys are made for, and the directory its principals are kept in.
 *
 * @param realm the Kerberos realm, e.g. {@code ACME.MVPN.TEST}
 * @param listen address and port for TCP and UDP
 * @param udp whether the KDC answers on UDP too (MIT clients try UDP first unless told otherwise)
 * @param encryptionTypes the key types made for every principal, strongest first
 * @param dataDir the realm's directory: its principals keytab and Kerby's krb5.conf
 */
public record KdcSettings(
    String realm,
    InetSocketAddress listen,
    boolean udp,
    List<String> encryptionTypes,
    Path dataDir) {

  public static final String AES256 = "aes256-cts-hmac-sha1-96";
  public static final String AES128 = "aes128-cts-hmac-sha1-96";

  /**
   * Only the AES types of RFC 3962: Kerby's default adds des3-cbc-sha1, which MIT deprecates, and
   * RC4 or DES keys would let a captured ticket be attacked offline.
   */
  public static final Set<String> ALLOWED_TYPES = Set.of(AES256, AES128);

  public KdcSettings {
    if (realm == null || realm.isBlank() || realm.contains("@") || realm.contains("/")) {
      throw new IllegalArgumentException("a realm name, e.g. ACME.MVPN.TEST, not '" + realm + "'");
    }
    if (listen == null || listen.getPort() <= 0) {
      throw new IllegalArgumentException("the KDC needs an address and a port to listen on");
    }
    encryptionTypes = List.copyOf(encryptionTypes);
    if (encryptionTypes.isEmpty()) {
      throw new IllegalArgumentException("at least one encryption type: " + ALLOWED_TYPES);
    }
    for (String type : encryptionTypes) {
      if (!ALLOWED_TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "encryption type " + type + " is not offered; only " + AES256 + " and " + AES128);
      }
    }
  }

  /** The realm with both AES types, aes256 first, answering on TCP and UDP. */
  public static KdcSettings of(String realm, InetSocketAddress listen, Path dataDir) {
    return new KdcSettings(realm, listen, true, List.of(AES256, AES128), dataDir);
  }

  /** {@code name} with this realm appended when it names none. */
  public String qualify(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a principal name, e.g. kink/ha1.acme.test");
    }
    return name.contains("@") ? name : name + "@" + realm;
  }
}
