package io.mvpn.ike.crypto;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Notify data of NAT_DETECTION_SOURCE_IP and NAT_DETECTION_DESTINATION_IP (RFC 7296 §2.23):
 * SHA-1(SPIi | SPIr | IP | port), with SPIr all zero in the first IKE_SA_INIT request, the address
 * 4 or 16 bytes and the port 2 bytes, all in network order.
 */
public final class NatDetection {

  public static final int HASH_LENGTH = 20;

  private NatDetection() {}

  public static byte[] hash(byte[] spiI, byte[] spiR, InetAddress address, int port) {
    return hash(spiI, spiR, address.getAddress(), port);
  }

  /**
   * @param address the IPv4 (4 bytes) or IPv6 (16 bytes) address
   */
  public static byte[] hash(byte[] spiI, byte[] spiR, byte[] address, int port) {
    if (spiI.length != IkeSaKeys.SPI_LENGTH || spiR.length != IkeSaKeys.SPI_LENGTH) {
      throw new IllegalArgumentException("IKE SPIs are 8 bytes each");
    }
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("an address is 4 or 16 bytes, not " + address.length);
    }
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port " + port);
    }
    try {
      MessageDigest sha1 = JcaInstances.digest("SHA-1");
      sha1.update(spiI);
      sha1.update(spiR);
      sha1.update(address);
      sha1.update((byte) (port >>> 8));
      sha1.update((byte) port);
      return sha1.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 unavailable in this JVM", e);
    }
  }

  /**
   * Whether received notify data matches an address and port. A mismatch on the destination hash
   * means we are behind a NAT; on a source hash, the peer is.
   */
  public static boolean matches(
      byte[] notifyData, byte[] spiI, byte[] spiR, InetAddress address, int port) {
    return MessageDigest.isEqual(notifyData, hash(spiI, spiR, address, port));
  }
}
