package io.mvpn.packet;

import static io.mvpn.packet.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.packet.MalformedPacketException.Reason;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets its typed reason; nothing else ever escapes a parser. */
class MalformedInputTest {

  @Test
  void truncatedAtEveryLength() {
    byte[] udp = bytes("udp");
    for (int length = 0; length < udp.length; length++) {
      Reason reason = reasonOf(Unpooled.wrappedBuffer(udp, 0, length));
      assertThat(reason).as("cut at %d", length).isIn(Reason.TRUNCATED, Reason.BAD_TOTAL_LENGTH);
    }
  }

  @Test
  void headerFieldsThatLie() {
    assertThat(reasonOf(withByte("udp", 0, 0x65))).isEqualTo(Reason.BAD_VERSION);
    assertThat(reasonOf(withByte("udp", 0, 0x44))).isEqualTo(Reason.BAD_IHL);
    assertThat(reasonOf(withByte("udp", 0, 0x4F))).isEqualTo(Reason.TRUNCATED);
    assertThat(reasonOf(withShort("udp", 2, 1500))).isEqualTo(Reason.BAD_TOTAL_LENGTH);
    assertThat(reasonOf(withShort("udp", 2, 19))).isEqualTo(Reason.BAD_TOTAL_LENGTH);
    assertThat(reasonOf(withByte("udp", 8, 63))).isEqualTo(Reason.BAD_HEADER_CHECKSUM);
    // Record-route option claiming 200 bytes inside a 28-byte header.
    assertThat(reasonOf(withByte("ip-options-udp", 22, 200))).isEqualTo(Reason.BAD_OPTIONS);
    assertThat(reasonOf(withShort("udp", 6, 0x8000))).isEqualTo(Reason.BAD_FRAGMENT);
    assertThat(reasonOf(withShort("udp", 6, 0x1FFF))).isEqualTo(Reason.BAD_FRAGMENT);
  }

  @Test
  void extraBytesAfterTheDatagramAreLinkPaddingNotAnError() throws Exception {
    byte[] udp = bytes("udp");
    ByteBuf padded = Unpooled.buffer().writeBytes(udp).writeZero(18);
    assertThat(Ipv4Packet.parse(padded).totalLength()).isEqualTo(udp.length);
  }

  @Test
  void udpLengthAndChecksum() throws Exception {
    assertThat(udpReason(withShort("udp", 24, 7))).isEqualTo(Reason.BAD_UDP_LENGTH);
    assertThat(udpReason(withShort("udp", 24, 29))).isEqualTo(Reason.BAD_UDP_LENGTH);
    assertThat(udpReason(withByte("udp", 30, 'R' ^ 1))).isEqualTo(Reason.BAD_UDP_CHECKSUM);
    // A zero checksum means "none" (RFC 768): accepted even with changed data.
    ByteBuf noChecksum = withShort("udp", 26, 0);
    noChecksum.setByte(30, 'X');
    assertThat(UdpDatagram.parse(Ipv4Packet.parse(noChecksum)).payload().getByte(2))
        .isEqualTo((byte) 'X');
  }

  @Test
  void icmpChecksumLengthAndRouterAdvertisementEntries() throws Exception {
    assertThat(icmpReason(withByte("icmp-echo-request", 30, 0)))
        .isEqualTo(Reason.BAD_ICMP_CHECKSUM);
    ByteBuf ra = Fixtures.buffer("icmp-router-advertisement");
    // Claim 9 entries: they cannot fit. Fix the ICMP checksum so only the count is wrong.
    ra.setByte(24, 9);
    ra.setShort(22, 0);
    ra.setShort(22, InternetChecksum.compute(ra, 20, ra.readableBytes() - 20));
    MalformedPacketException e =
        catchThrowableOfType(
            () -> RouterAdvertisement.parse(IcmpMessage.parse(Ipv4Packet.parse(ra))),
            MalformedPacketException.class);
    assertThat(e.reason()).isEqualTo(Reason.BAD_ICMP_MESSAGE);
    assertThat(e.getMessage()).contains("9 entries");
  }

  @Test
  void notIpInIp() throws Exception {
    MalformedPacketException e =
        catchThrowableOfType(
            () -> IpInIp.decapsulate(Ipv4Packet.parse(Fixtures.buffer("udp"))),
            MalformedPacketException.class);
    assertThat(e.reason()).isEqualTo(Reason.NOT_IPIP);
  }

  /** Random bytes and random corruptions of valid datagrams: only typed errors, ever. */
  @Test
  void noOtherExceptionEverEscapesTheParsers() {
    SplittableRandom random = new SplittableRandom(20261124);
    List<byte[]> seeds =
        List.of(
            bytes("udp"),
            bytes("ip-options-udp"),
            bytes("icmp-echo-request"),
            bytes("icmp-router-advertisement"),
            bytes("ipip"),
            bytes("fragmented-part1"));
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      if (i % 4 == 0) {
        input = new byte[random.nextInt(80)];
        random.nextBytes(input);
        if (input.length > 0 && random.nextBoolean()) {
          input[0] = (byte) (0x40 | (input[0] & 0x0F));
        }
      } else {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        input = seed.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
          input = java.util.Arrays.copyOf(input, random.nextInt(input.length + 1));
        }
      }
      try {
        parseEverything(Unpooled.wrappedBuffer(input));
        parsed++;
      } catch (MalformedPacketException expected) {
        assertThat(expected.reason()).isNotNull();
      }
    }
    // Some corruptions leave a valid datagram (a flipped payload byte with checksum 0, say).
    assertThat(parsed).isLessThan(20_000);
  }

  private static void parseEverything(ByteBuf buf) throws MalformedPacketException {
    Ipv4Packet ip = Ipv4Packet.parse(buf);
    ip.toString();
    if (ip.isFragment()) {
      return;
    }
    switch (ip.protocol()) {
      case IpProtocol.UDP -> UdpDatagram.parse(ip).payload();
      case IpProtocol.ICMP -> {
        IcmpMessage icmp = IcmpMessage.parse(ip);
        if (icmp.type() == 9) {
          RouterAdvertisement.parse(icmp);
        }
      }
      case IpProtocol.IPIP -> parseEverything(IpInIp.decapsulate(ip).datagram());
      default -> ip.payload();
    }
  }

  private static Reason reasonOf(ByteBuf buf) {
    MalformedPacketException e =
        catchThrowableOfType(() -> Ipv4Packet.parse(buf), MalformedPacketException.class);
    assertThat(e).as("rejected").isNotNull();
    return e.reason();
  }

  private static Reason udpReason(ByteBuf buf) {
    MalformedPacketException e =
        catchThrowableOfType(
            () -> UdpDatagram.parse(Ipv4Packet.parse(buf)), MalformedPacketException.class);
    assertThat(e).as("rejected").isNotNull();
    return e.reason();
  }

  private static Reason icmpReason(ByteBuf buf) {
    MalformedPacketException e =
        catchThrowableOfType(
            () -> IcmpMessage.parse(Ipv4Packet.parse(buf)), MalformedPacketException.class);
    assertThat(e).as("rejected").isNotNull();
    return e.reason();
  }

  /** A fixture with one byte changed and the IPv4 header checksum made right again. */
  private static ByteBuf withByte(String fixture, int index, int value) {
    ByteBuf buf = Fixtures.buffer(fixture);
    buf.setByte(index, value);
    if (index < (buf.getUnsignedByte(0) & 0x0F) * 4 && index != 8) {
      fixHeaderChecksum(buf);
    }
    return buf;
  }

  private static ByteBuf withShort(String fixture, int index, int value) {
    ByteBuf buf = Fixtures.buffer(fixture);
    buf.setShort(index, value);
    if (index < 20) {
      fixHeaderChecksum(buf);
    }
    return buf;
  }

  private static void fixHeaderChecksum(ByteBuf buf) {
    int ihl = Math.max(5, Math.min(buf.getUnsignedByte(0) & 0x0F, buf.readableBytes() / 4));
    buf.setShort(10, 0);
    buf.setShort(10, InternetChecksum.compute(buf, 0, ihl * 4));
  }
}
