package io.mvpn.aodv.message;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * One extension after an AODV message's fixed part (RFC 3561 §5, §12): Type (1 byte), Length (1
 * byte, the data alone) and Length bytes of data. Immutable: the data is copied in and out, so a
 * parsed message outlives the datagram's buffer. Types this codec does not interpret are kept as
 * they came, in order, and written back unchanged.
 */
public final class AodvExtension {

  /**
   * Hello Interval (§9.1, §12 and the IANA registry): 4 bytes, the sender's HELLO_INTERVAL in
   * milliseconds. Wireshark 4.0 decodes type 2 as Hello Interval, the number of an AODV draft.
   */
  public static final int HELLO_INTERVAL = 1;

  /** Data length of the Hello Interval extension. */
  public static final int HELLO_INTERVAL_LENGTH = 4;

  /**
   * Weight Sum (seed 002 c63-66, ours; 224 is unassigned in the IANA AODV registry and at or above
   * 128, so a node that does not know it skips it): 8 bytes, the ring's weight budget then the sum
   * of link weights from the originator to the receiving router, both unsigned 32 bits. A budget of
   * {@link #UNLIMITED_BUDGET} puts no limit on the sum. RREQs only.
   */
  public static final int WEIGHT_SUM = 224;

  public static final int WEIGHT_SUM_LENGTH = 8;

  /** The budget of a Weight Sum extension that limits nothing (the NET_DIAMETER tries). */
  public static final long UNLIMITED_BUDGET = 0xFFFFFFFFL;

  /**
   * Route Refresh (seed 002 c67-70, ours; unassigned in the IANA registry): no data. Marks a
   * gratuitous RREP that the source of an earlier RREP sends to prolong the same route: a router on
   * the path takes it even though sequence number and hop count are unchanged. RREPs only.
   */
  public static final int ROUTE_REFRESH = 225;

  /**
   * Sink Request (seed 002 c27-28, ours): 4 bytes, the old sink's address. On the first Hello a
   * mobile node sends a new sink, whose Destination Sequence Number is that of the node's last RREP
   * through the old sink: the new sink is asked to take the node over.
   */
  public static final int SINK_REQUEST = 226;

  /**
   * Handover (seed 002 c32-34, ours): 4 bytes, the old sink's address. On the unsolicited RREP a
   * new sink sends toward the old sink, hop by hop along the old route, with the node's sequence
   * number plus one: each router takes the new route and passes the RREP on to its old next hop.
   */
  public static final int HANDOVER = 227;

  /**
   * Handover Done (seed 002 c35, ours): no data. On the RREP the old sink sends the node through
   * the new sink: the move succeeded, the node may forward through the new sink. On a RERR from the
   * new sink: the old sink could not be reached, the move failed.
   */
  public static final int HANDOVER_DONE = 228;

  /**
   * Gateway (seed 002 c14-15, ours): no data. On a RREP a site's gateway router sends for a
   * destination beyond the site: outside its prefix, or a mobile node that left and is reached
   * through the tenant's home agent.
   */
  public static final int GATEWAY = 229;

  /**
   * Hello Authentication (seed 002 c40-41, ours): SPI, timestamp, the node's NAI and an HMAC-SHA256
   * authenticator; see {@link HelloAuthentication}. On the Hello of a node entering a site, last.
   */
  public static final int HELLO_AUTH = 230;

  /**
   * Site Routes (seed 002 c43-46, ours): 10 bytes per route; see {@link SiteRoutes}. On the RREP a
   * sink sends a node it admitted, naming the static routes the node's home MSM granted.
   */
  public static final int SITE_ROUTES = 231;

  /**
   * PKI Certificate (seed 002 c51-56, ours): one part of a certificate or of a reference to one;
   * see {@link PkiCertificate}. On a PKI hello and on the sink's answer, the parts consecutive.
   */
  public static final int PKI_CERTIFICATE = 232;

  /**
   * PKI Signature (seed 002 c51-54, ours): timestamp, nonce and the signature, by the certificate's
   * key, over the message up to it; see {@link PkiSignature}. Last, after the certificate.
   */
  public static final int PKI_SIGNATURE = 233;

  /** Type and Length bytes. */
  public static final int HEADER_LENGTH = 2;

  public static final int MAX_DATA_LENGTH = 255;

  private final int type;
  private final byte[] data;

  private AodvExtension(int type, byte[] data) {
    this.type = type;
    this.data = data;
  }

  /** An extension of this type (0 to 255) carrying a copy of {@code data} (at most 255 bytes). */
  public static AodvExtension of(int type, byte[] data) {
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("extension type " + type);
    }
    if (data.length > MAX_DATA_LENGTH) {
      throw new IllegalArgumentException("extension data of " + data.length + " bytes");
    }
    if (expectedLength(type) >= 0 && data.length != expectedLength(type)) {
      throw new IllegalArgumentException("extension " + type + " of " + data.length + " bytes");
    }
    return new AodvExtension(type, data.clone());
  }

  /** A Hello Interval extension: {@code millis} as an unsigned 32-bit value. */
  public static AodvExtension helloInterval(long millis) {
    if (millis < 0 || millis > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("hello interval " + millis + " ms");
    }
    int v = (int) millis;
    return new AodvExtension(
        HELLO_INTERVAL,
        new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  /** A Weight Sum extension: {@code budget} and {@code sum}, unsigned 32-bit values each. */
  public static AodvExtension weightSum(long budget, long sum) {
    if (budget < 0 || budget > 0xFFFFFFFFL || sum < 0 || sum > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("weight budget " + budget + ", sum " + sum);
    }
    byte[] d = new byte[WEIGHT_SUM_LENGTH];
    putInt(d, 0, (int) budget);
    putInt(d, 4, (int) sum);
    return new AodvExtension(WEIGHT_SUM, d);
  }

  /** The Route Refresh marker. */
  public static AodvExtension routeRefresh() {
    return new AodvExtension(ROUTE_REFRESH, new byte[0]);
  }

  /** The budget of a Weight Sum extension. */
  public long weightBudget() {
    requireType(WEIGHT_SUM);
    return Integer.toUnsignedLong(getInt(data, 0));
  }

  /** The sum of a Weight Sum extension. */
  public long weightSum() {
    requireType(WEIGHT_SUM);
    return Integer.toUnsignedLong(getInt(data, 4));
  }

  private void requireType(int expected) {
    if (type != expected) {
      throw new IllegalStateException("extension " + type + " is not of type " + expected);
    }
  }

  /** The fixed data length of the types this codec interprets, -1 for the others. */
  private static int expectedLength(int type) {
    switch (type) {
      case HELLO_INTERVAL:
        return HELLO_INTERVAL_LENGTH;
      case WEIGHT_SUM:
        return WEIGHT_SUM_LENGTH;
      case ROUTE_REFRESH:
        return 0;
      default:
        return -1;
    }
  }

  private static void putInt(byte[] d, int at, int v) {
    d[at] = (byte) (v >>> 24);
    d[at + 1] = (byte) (v >>> 16);
    d[at + 2] = (byte) (v >>> 8);
    d[at + 3] = (byte) v;
  }

  private static int getInt(byte[] d, int at) {
    return (d[at] & 0xFF) << 24
        | (d[at + 1] & 0xFF) << 16
        | (d[at + 2] & 0xFF) << 8
        | (d[at + 3] & 0xFF);
  }

  public int type() {
    return type;
  }

  /** A copy of the data. */
  public byte[] data() {
    return data.clone();
  }

  public int dataLength() {
    return data.length;
  }

  /** Bytes on the wire: header and data. */
  public int encodedLength() {
    return HEADER_LENGTH + data.length;
  }

  /** Appends type, length and data at the writer index. */
  public void writeTo(ByteBuf out) {
    out.writeByte(type);
    out.writeByte(data.length);
    out.writeBytes(data);
  }

  /** The milliseconds of the first Hello Interval extension in the list, if there is one. */
  public static OptionalLong helloIntervalMillis(List<AodvExtension> extensions) {
    for (AodvExtension e : extensions) {
      if (e.type == HELLO_INTERVAL) {
        return OptionalLong.of(Integer.toUnsignedLong(getInt(e.data, 0)));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The extensions from index {@code from} to {@code end} of {@code buf}, which must tile that
   * range exactly.
   */
  static List<AodvExtension> parseAll(ByteBuf buf, int from, int end) throws AodvFormatException {
    if (from == end) {
      return List.of();
    }
    AodvExtension[] found = new AodvExtension[4];
    int count = 0;
    int i = from;
    while (i < end) {
      if (end - i < HEADER_LENGTH) {
        throw new AodvFormatException(
            AodvFormatException.Reason.TRUNCATED_EXTENSION,
            "extension header cut at byte " + (i - from) + " of the extensions");
      }
      int type = buf.getUnsignedByte(i);
      int length = buf.getUnsignedByte(i + 1);
      if (end - i - HEADER_LENGTH < length) {
        throw new AodvFormatException(
            AodvFormatException.Reason.TRUNCATED_EXTENSION,
            "extension " + type + " of " + length + " bytes runs past the message");
      }
      if (expectedLength(type) >= 0 && length != expectedLength(type)) {
        throw new AodvFormatException(
            AodvFormatException.Reason.BAD_EXTENSION_LENGTH,
            "extension " + type + " of " + length + " bytes");
      }
      byte[] data = new byte[length];
      buf.getBytes(i + HEADER_LENGTH, data);
      if (count == found.length) {
        found = Arrays.copyOf(found, count * 2);
      }
      found[count++] = new AodvExtension(type, data);
      i += HEADER_LENGTH + length;
    }
    return List.of(Arrays.copyOf(found, count));
  }

  static int encodedLength(List<AodvExtension> extensions) {
    int total = 0;
    for (AodvExtension e : extensions) {
      total += e.encodedLength();
    }
    return total;
  }

  static void writeAll(List<AodvExtension> extensions, ByteBuf out) {
    for (AodvExtension e : extensions) {
      e.writeTo(out);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AodvExtension other
        && type == other.type
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    switch (type) {
      case HELLO_INTERVAL:
        return "hello-interval " + helloIntervalMillis(List.of(this)).getAsLong() + " ms";
      case WEIGHT_SUM:
        return "weight-sum " + weightSum() + " budget " + weightBudget();
      case ROUTE_REFRESH:
        return "route-refresh";
      case HELLO_AUTH:
      case SITE_ROUTES:
      case PKI_CERTIFICATE:
      case PKI_SIGNATURE:
        return "ext " + type + " (" + data.length + " bytes)";
      default:
        return "ext " + type + " [" + HexFormat.of().formatHex(data) + "]";
    }
  }
}
