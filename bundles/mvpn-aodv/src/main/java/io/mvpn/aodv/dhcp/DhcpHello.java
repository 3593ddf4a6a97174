package io.mvpn.aodv.dhcp;

import io.mvpn.aodv.dhcp.DhcpFormatException.Reason;
import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.HelloAuthentication;
import io.mvpn.api.Ipv4Address;
import java.nio.charset.StandardCharsets;

/**
 * Seed 002's DHCP hello (c58-59), option {@link DhcpOption#MVPN_HELLO} (224, site-specific): a node
 * that speaks only DHCP asks for its own address in option 50 and proves who it is with this
 * option. Its data are those of the AODV {@link HelloAuthentication} extension:
 *
 * <pre>
 *  SPI (4) | Timestamp (8) | Identity Length (1) | Identity (NAI, UTF-8) | Authenticator (32)
 * </pre>
 *
 * The Authenticator is HMAC-SHA256 under the key the node shares with its home MSM, over {@link
 * #signedBytes}: the DHCP magic cookie, the requested address, the hardware type, length and
 * address, then SPI, timestamp, identity length and identity. It covers nothing a client changes
 * from one message to the next (xid, secs), so a client such as udhcpc or dhclient can send it as a
 * fixed option; the hardware address ties it to the node's station, the timestamp makes it new. The
 * MSM reads the address at octets 4-7 and SPI, timestamp and identity from the end, as it does for
 * an AODV hello.
 */
public final class DhcpHello {

  private DhcpHello() {}

  /** The option's data for {@code hello}; {@link #parse} of it gives the hello back. */
  public static byte[] toOption(HelloAuthentication hello) {
    return hello.toExtension().data();
  }

  /** The fields of an option 224's data. */
  public static HelloAuthentication parse(byte[] data) throws DhcpFormatException {
    try {
      return HelloAuthentication.parse(AodvExtension.of(AodvExtension.HELLO_AUTH, data));
    } catch (AodvFormatException e) {
      throw new DhcpFormatException(
          e.reason() == AodvFormatException.Reason.BAD_EXTENSION_LENGTH
              ? Reason.BAD_OPTION_LENGTH
              : Reason.BAD_OPTION_VALUE,
          "hello: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new DhcpFormatException(Reason.BAD_OPTION_LENGTH, "hello: " + e.getMessage());
    }
  }

  /** The hello a message carries, or {@code null} if it carries none. */
  public static HelloAuthentication of(DhcpMessage m) throws DhcpFormatException {
    byte[] v = m.option(DhcpOption.MVPN_HELLO);
    return v == null ? null : parse(v);
  }

  /** What the Authenticator of {@code hello} covers, sent for {@code address} from a station. */
  public static byte[] signedBytes(
      HelloAuthentication hello, Ipv4Address address, int htype, byte[] chaddr) {
    return signedBytes(address, htype, chaddr, hello.spi(), hello.timestamp(), hello.identity());
  }

  private static byte[] signedBytes(
      Ipv4Address address, int htype, byte[] chaddr, int spi, long timestamp, String identity) {
    byte[] id = identity.getBytes(StandardCharsets.UTF_8);
    byte[] d = new byte[4 + 4 + 2 + chaddr.length + 13 + id.length];
    DhcpMessage.put32(d, 0, DhcpMessage.MAGIC_COOKIE);
    DhcpMessage.put32(d, 4, address.toInt());
    d[8] = (byte) htype;
    d[9] = (byte) chaddr.length;
    System.arraycopy(chaddr, 0, d, 10, chaddr.length);
    int at = 10 + chaddr.length;
    DhcpMessage.put32(d, at, spi);
    DhcpMessage.put32(d, at + 4, (int) (timestamp >>> 32));
    DhcpMessage.put32(d, at + 8, (int) timestamp);
    d[at + 12] = (byte) id.length;
    System.arraycopy(id, 0, d, at + 13, id.length);
    return d;
  }

  /**
   * Node side of c59: the hello for {@code address} from the Ethernet station {@code chaddr},
   * signed with the key shared with the home MSM under {@code spi}.
   */
  public static HelloAuthentication sign(
      Ipv4Address address, byte[] chaddr, String identity, int spi, long timestamp, byte[] key) {
    byte[] signed =
        signedBytes(address, DhcpMessage.HTYPE_ETHERNET, chaddr, spi, timestamp, identity);
    return new HelloAuthentication(spi, timestamp, identity, HelloAuthentication.hmac(key, signed));
  }
}
