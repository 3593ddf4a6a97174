package io.mvpn.aodv.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message of each type with its bytes computed by hand from the RFC 3561 §5 figures, shared by
 * the layout, fuzz and tshark tests.
 */
final class AodvSamples {

  static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  static final Ipv4Address SELF = Ipv4Address.parse("10.0.0.9");

  /** J, G and U set; hop 3; id 0x01020304; 10.0.0.1 seq 0 (unknown); 192.168.1.2 seq 2^32-2. */
  static final RouteRequest RREQ =
      new RouteRequest(
          RouteRequest.JOIN | RouteRequest.GRATUITOUS | RouteRequest.UNKNOWN_SEQUENCE,
          3,
          0x01020304,
          Ipv4Address.parse("10.0.0.1"),
          0,
          Ipv4Address.parse("192.168.1.2"),
          0xFFFFFFFE,
          List.of());

  static final String RREQ_HEX =
      "01a80003" + "01020304" + "0a000001" + "00000000" + "c0a80102" + "fffffffe";

  /** A set; prefix 5; hop 2; 10.1.2.3 seq 7; 10.9.8.7; lifetime 6000 ms. */
  static final RouteReply RREP =
      new RouteReply(
          RouteReply.ACK_REQUIRED,
          5,
          2,
          Ipv4Address.parse("10.1.2.3"),
          7,
          Ipv4Address.parse("10.9.8.7"),
          6000,
          List.of());

  static final String RREP_HEX = "02400502" + "0a010203" + "00000007" + "0a090807" + "00001770";

  /** §6.9 Hello from 10.0.0.9 seq 42, 1000 ms interval, 2 losses: lifetime 2000 ms. */
  static final RouteReply HELLO = RouteReply.hello(SELF, 42, 1000, 2, true);

  static final String HELLO_HEX =
      "02000000" + "0a000009" + "0000002a" + "0a000009" + "000007d0" + "0104" + "000003e8";

  /** N set; 10.0.0.1 seq 5, 10.0.0.2 seq 2^32-1, 172.16.0.1 seq 2^31. */
  static final RouteError RERR =
      new RouteError(
          RouteError.NO_DELETE,
          List.of(
              new RouteError.Unreachable(Ipv4Address.parse("10.0.0.1"), 5),
              new RouteError.Unreachable(Ipv4Address.parse("10.0.0.2"), 0xFFFFFFFF),
              new RouteError.Unreachable(Ipv4Address.parse("172.16.0.1"), 0x80000000)),
          List.of());

  static final String RERR_HEX =
      "03800003" + "0a000001" + "00000005" + "0a000002" + "ffffffff" + "ac100001" + "80000000";

  static final String RREP_ACK_HEX = "0400";

  /** An unknown type 200 of 3 bytes, then an empty type 7. */
  static final List<AodvExtension> UNKNOWN_EXTENSIONS =
      List.of(
          AodvExtension.of(200, new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC}),
          AodvExtension.of(7, new byte[0]));

  static final String UNKNOWN_EXTENSIONS_HEX = "c803aabbcc" + "0700";

  /** Every sample message with its bytes, by name. */
  static Map<String, String> all() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("rreq", RREQ_HEX);
    m.put("rreq+ext", RREQ_HEX + UNKNOWN_EXTENSIONS_HEX);
    m.put("rrep", RREP_HEX);
    m.put("hello", HELLO_HEX);
    m.put("rerr", RERR_HEX);
    m.put("rerr+ext", RERR_HEX + UNKNOWN_EXTENSIONS_HEX);
    m.put("rrep-ack", RREP_ACK_HEX);
    m.put("rrep-ack+ext", RREP_ACK_HEX + UNKNOWN_EXTENSIONS_HEX);
    return m;
  }

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  static ByteBuf buffer(String hex) {
    return Unpooled.wrappedBuffer(bytes(hex));
  }

  static String hex(byte[] data) {
    return HexFormat.of().formatHex(data);
  }

  static String hex(AodvMessage message) {
    ByteBuf out = message.encode(ALLOC);
    try {
      return ByteBufUtil.hexDump(out);
    } finally {
      out.release();
    }
  }

  private AodvSamples() {}
}
