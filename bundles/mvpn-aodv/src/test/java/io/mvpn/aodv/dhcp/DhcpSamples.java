package io.mvpn.aodv.dhcp;

import io.mvpn.api.Ipv4Address;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** DHCP messages for the codec tests, written out byte by byte from RFC 2131 §2 and RFC 2132. */
final class DhcpSamples {

  static final byte[] MAC = HexFormat.of().parseHex("020000aa0001");
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.20");
  static final Ipv4Address SINK = Ipv4Address.parse("10.1.0.1");

  /**
   * A DISCOVER as a client in INIT sends it (RFC 2131 §4.4.1): xid 0x3903f326, secs 0, no broadcast
   * flag, chaddr 02:00:00:aa:00:01, then options 53 = 1, 61 (type 1 + MAC), 50 = 10.1.0.20, 12
   * "node", 55 = {1, 3, 6, 51, 54}, 57 = 576, End.
   */
  static final String DISCOVER =
      "01010600"
          + "3903f326"
          + "0000"
          + "0000"
          + "00000000"
          + "00000000"
          + "00000000"
          + "00000000"
          + "020000aa0001"
          + "00".repeat(10)
          + "00".repeat(64)
          + "00".repeat(128)
          + "63825363"
          + "350101"
          + "3d0701020000aa0001"
          + "3204"
          + "0a010014"
          + "0c04"
          + "6e6f6465"
          + "3705"
          + "0103063336"
          + "39020240"
          + "ff";

  /**
   * An OFFER of 10.1.0.20 from 10.1.0.1 with the same xid, broadcast flag set: 53 = 2, 54, 51 =
   * 3600, 1 = 255.255.255.0, 3 = 10.1.0.1, End, padded to BOOTP's 300 bytes.
   */
  static final String OFFER =
      "02010600"
          + "3903f326"
          + "0000"
          + "8000"
          + "00000000"
          + "0a010014"
          + "00000000"
          + "00000000"
          + "020000aa0001"
          + "00".repeat(10)
          + "00".repeat(64)
          + "00".repeat(128)
          + "63825363"
          + "350102"
          + "3604"
          + "0a010001"
          + "3304"
          + "00000e10"
          + "0104"
          + "ffffff00"
          + "0304"
          + "0a010001"
          + "ff"
          + "00".repeat(300 - 240 - 28);

  /** A REQUEST whose options overload both file and sname (52 = 3), host name split in two. */
  static final String OVERLOADED_REQUEST =
      "01010600"
          + "00000001"
          + "0000"
          + "0000"
          + "00000000"
          + "00000000"
          + "00000000"
          + "00000000"
          + "020000aa0001"
          + "00".repeat(10)
          // sname: option 12's second part "de", End
          + "0c026465ff"
          + "00".repeat(64 - 5)
          // file: option 50, End
          + "32040a010014ff"
          + "00".repeat(128 - 7)
          + "63825363"
          + "350103"
          + "340103"
          + "0c026e6f"
          + "ff";

  static Map<String, String> all() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("DISCOVER", DISCOVER);
    m.put("OFFER", OFFER);
    m.put("OVERLOADED_REQUEST", OVERLOADED_REQUEST);
    return m;
  }

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private DhcpSamples() {}
}
