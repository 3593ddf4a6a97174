package io.mvpn.napt;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The NAPT's checksums are adjusted for what it rewrites (RFC 1624 eqn. 3), never summed again:
 * each must equal what a full computation over the translated datagram gives, for random datagrams
 * (a fixed seed) and for the corner cases RFC 1624 §3 is about, where a result or a starting
 * checksum is 0x0000 or 0xFFFF.
 */
class IncrementalChecksumTest {

  static final int ROUNDS = 5_000;

  final Random random = new Random(1624);

  ByteBuf randomBytes(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return Unpooled.wrappedBuffer(b);
  }

  ByteBuf randomUdp(int word) {
    ByteBuf payload = randomBytes(random.nextInt(1473));
    ByteBuf d =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create().identification(word),
            random.nextInt(),
            random.nextInt(),
            random.nextInt(0x10000),
            random.nextInt(0x10000),
            payload);
    payload.release();
    return d;
  }

  /** The IP header checksum a full computation gives for the header as it is now. */
  static int fullHeaderChecksum(Ipv4Packet ip) {
    ByteBuf copy = Unpooled.copiedBuffer(ip.buffer().slice(ip.offset(), ip.headerLength()));
    copy.setShort(10, 0);
    int checksum = InternetChecksum.compute(copy, 0, copy.readableBytes());
    copy.release();
    return checksum;
  }

  /** RFC 768's checksum of the UDP datagram as it is now (0 sent as all ones). */
  static int fullUdpChecksum(Ipv4Packet ip) {
    ByteBuf copy = Unpooled.copiedBuffer(ip.payload());
    copy.setShort(6, 0);
    int checksum = UdpDatagram.checksum(ip.source(), ip.destination(), copy, 0, ip.payloadLength());
    copy.release();
    return checksum;
  }

  static int fullTransportChecksum(Ipv4Packet ip, int checksumAt) {
    ByteBuf copy = Unpooled.copiedBuffer(ip.payload());
    copy.setShort(checksumAt, 0);
    int checksum =
        ip.protocol() == IpProtocol.TCP
            ? TcpSegment.checksum(ip.source(), ip.destination(), copy, 0, ip.payloadLength())
            : InternetChecksum.compute(copy, 0, ip.payloadLength());
    copy.release();
    return checksum;
  }

  static int udpChecksum(Ipv4Packet ip) {
    return ip.buffer().getUnsignedShort(ip.payloadOffset() + 6);
  }

  @Test
  void udpTranslationsOfRandomDatagramsMatchAFullComputation() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      ByteBuf d = randomUdp(random.nextInt(0x10000));
      Ipv4Packet ip = Ipv4Packet.parse(d);
      IcmpTranslation.udp(ip, random.nextBoolean(), random.nextInt(), random.nextInt(0x10000));
      assertThat(ip.headerChecksum()).isEqualTo(fullHeaderChecksum(ip));
      assertThat(udpChecksum(ip)).isEqualTo(fullUdpChecksum(ip));
      d.release();
    }
  }

  /**
   * The NAPT no longer checks UDP checksums: a damaged datagram must stay damaged for its receiver.
   */
  @Test
  void aDamagedUdpDatagramIsStillFoundDamagedAfterTranslation() throws Exception {
    for (int i = 0; i < 1000; i++) {
      ByteBuf d = randomUdp(random.nextInt(0x10000));
      Ipv4Packet ip = Ipv4Packet.parse(d);
      int length = ip.payloadLength();
      int at = ip.payloadOffset() + 8 + random.nextInt(Math.max(1, length - 8));
      if (length > 8) {
        d.setByte(at, d.getByte(at) ^ (1 + random.nextInt(255)));
      } else {
        d.setShort(ip.payloadOffset() + 4, length ^ 0x100);
      }
      IcmpTranslation.udp(ip, random.nextBoolean(), random.nextInt(), random.nextInt(0x10000));
      int sum =
          InternetChecksum.pseudoHeaderSum(
              ip.source(), ip.destination(), IpProtocol.UDP, d, ip.payloadOffset(), length);
      assertThat(sum).isNotEqualTo(0xFFFF);
      d.release();
    }
  }

  @Test
  void aUdpDatagramWithoutAChecksumKeepsNone() throws Exception {
    for (int i = 0; i < 100; i++) {
      ByteBuf d = randomUdp(0);
      Ipv4Packet ip = Ipv4Packet.parse(d);
      d.setShort(ip.payloadOffset() + 6, 0);
      IcmpTranslation.udp(ip, true, random.nextInt(), random.nextInt(0x10000));
      assertThat(udpChecksum(ip)).isZero();
      assertThat(ip.headerChecksum()).isEqualTo(fullHeaderChecksum(ip));
      d.release();
    }
  }

  @Test
  void echoAndTcpTranslationsOfRandomDatagramsMatchAFullComputation() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      ByteBuf data = randomBytes(random.nextInt(1473));
      ByteBuf echo =
          IcmpBuilder.echoRequest(
              ByteBufAllocator.DEFAULT,
              random.nextInt(),
              random.nextInt(),
              random.nextInt(0x10000),
              random.nextInt(0x10000),
              data,
              64);
      Ipv4Packet ip = Ipv4Packet.parse(echo);
      IcmpTranslation.echo(ip, random.nextInt(), random.nextBoolean(), random.nextInt(0x10000));
      assertThat(ip.headerChecksum()).isEqualTo(fullHeaderChecksum(ip));
      assertThat(echo.getUnsignedShort(ip.payloadOffset() + 2))
          .isEqualTo(fullTransportChecksum(ip, 2));
      echo.release();

      ByteBuf segment =
          TcpSegment.build(
              ByteBufAllocator.DEFAULT,
              Ipv4Builder.create(),
              random.nextInt(),
              random.nextInt(),
              random.nextInt(0x10000),
              random.nextInt(0x10000),
              random.nextInt(),
              random.nextInt(),
              TcpSegment.ACK,
              65535,
              data);
      Ipv4Packet tcp = Ipv4Packet.parse(segment);
      TcpSegment.parse(tcp).rewriteSource(random.nextInt(), random.nextInt(0x10000));
      assertThat(tcp.headerChecksum()).isEqualTo(fullHeaderChecksum(tcp));
      assertThat(segment.getUnsignedShort(tcp.payloadOffset() + 16))
          .isEqualTo(fullTransportChecksum(tcp, 16));
      segment.release();
      data.release();
    }
  }

  /**
   * The one value of a 16-bit word (the IP identification here, the payload for UDP) for which
   * {@code property} of the datagram built with it holds.
   */
  static int wordSuchThat(IntFunction<Boolean> property) {
    for (int word = 0; word <= 0xFFFF; word++) {
      if (property.apply(word)) {
        return word;
      }
    }
    throw new AssertionError("no word has the property");
  }

  static final int FROM = 0x0a010005;
  static final int TO = 0xc6336435;
  static final int PUBLIC = 0xcb007101;

  static ByteBuf udpWith(int id, int word) {
    ByteBuf payload = Unpooled.buffer(2).writeShort(word);
    ByteBuf d =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create().identification(id),
            FROM,
            TO,
            5353,
            53,
            payload);
    payload.release();
    return d;
  }

  /** The datagram with {@code id} and {@code word}, translated out from the public address. */
  static Ipv4Packet translated(int id, int word) {
    try {
      Ipv4Packet ip = Ipv4Packet.parse(udpWith(id, word));
      IcmpTranslation.udp(ip, true, PUBLIC, 40000);
      return ip;
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    }
  }

  static boolean check(Ipv4Packet ip, boolean header, int expected) {
    int checksum = header ? fullHeaderChecksum(ip) : fullUdpChecksum(ip);
    ip.buffer().release();
    return checksum == expected;
  }

  @Test
  void checksumsThatStartOrEndAtZeroOrAllOnesStillMatchAFullComputation() throws Exception {
    // A header whose checksum ends up 0x0000 (where eqn. 2 would give 0xFFFF), and one starting so.
    int endsZero = wordSuchThat(id -> check(translated(id, 0), true, 0));
    int startsZero =
        wordSuchThat(
            id -> {
              ByteBuf d = udpWith(id, 0);
              boolean zero = d.getUnsignedShort(10) == 0;
              d.release();
              return zero;
            });
    for (int id : new int[] {endsZero, startsZero}) {
      Ipv4Packet ip = translated(id, 0);
      assertThat(ip.headerChecksum()).isEqualTo(fullHeaderChecksum(ip));
      ip.buffer().release();
    }
    assertThat(translatedHeaderChecksum(endsZero)).isZero();

    // UDP: a sum that comes to zero is sent as 0xFFFF (RFC 768), after translation and before.
    int udpEndsZero = wordSuchThat(w -> check(translated(0, w), false, 0xFFFF));
    int udpStartsAllOnes =
        wordSuchThat(
            w -> {
              ByteBuf d = udpWith(0, w);
              boolean allOnes = d.getUnsignedShort(26) == 0xFFFF;
              d.release();
              return allOnes;
            });
    for (int w : new int[] {udpEndsZero, udpStartsAllOnes}) {
      Ipv4Packet ip = translated(0, w);
      assertThat(udpChecksum(ip)).isEqualTo(fullUdpChecksum(ip)).isNotZero();
      ip.buffer().release();
    }
  }

  static int translatedHeaderChecksum(int id) {
    Ipv4Packet ip = translated(id, 0);
    int checksum = ip.headerChecksum();
    ip.buffer().release();
    return checksum;
  }
}
