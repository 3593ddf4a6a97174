package io.mvpn.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

  private static ByteBuf hex(String hex) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  @Test
  void rfc1071Example() {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 after folding.
    ByteBuf b = hex("0001 f203 f4f5 f6f7");
    assertThat(InternetChecksum.sum(b, 0, 8, 0)).isEqualTo(0xDDF2);
    assertThat(InternetChecksum.compute(b, 0, 8)).isEqualTo(~0xDDF2 & 0xFFFF);
  }

  @Test
  void ipv4HeaderChecksumMatchesTheOneOnTheWire() {
    // An IPv4 header as a router sent it, checksum b861 in place.
    ByteBuf header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    assertThat(InternetChecksum.verify(header, 0, 20)).isTrue();
    header.setShort(10, 0);
    assertThat(InternetChecksum.compute(header, 0, 20)).isEqualTo(0xB861);
  }

  @Test
  void oddLengthIsPaddedWithZero() {
    ByteBuf odd = hex("0102 03");
    ByteBuf padded = hex("0102 0300");
    assertThat(InternetChecksum.sum(odd, 0, 3, 0)).isEqualTo(InternetChecksum.sum(padded, 0, 4, 0));
  }

  @Test
  void partialSumsCompose() {
    byte[] data = new byte[1501];
    new Random(7).nextBytes(data);
    ByteBuf b = Unpooled.wrappedBuffer(data);
    int whole = InternetChecksum.sum(b, 0, 1500, 0);
    int first = InternetChecksum.sum(b, 0, 600, 0);
    assertThat(InternetChecksum.sum(b, 600, 900, first)).isEqualTo(whole);
  }

  @Test
  void flippedBitFailsVerification() {
    ByteBuf header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    header.setByte(15, header.getByte(15) ^ 0x10);
    assertThat(InternetChecksum.verify(header, 0, 20)).isFalse();
  }

  @Test
  void leavesBufferIndexesAlone() {
    ByteBuf b = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    b.readerIndex(4);
    InternetChecksum.compute(b, 0, 20);
    assertThat(b.readerIndex()).isEqualTo(4);
  }

  @Test
  void wideReadsSumAsSixteenBitWordsDoAtEveryLengthAndOffset() {
    Random random = new Random(1071);
    byte[] noise = new byte[80];
    random.nextBytes(noise);
    byte[] ones = new byte[80];
    java.util.Arrays.fill(ones, (byte) 0xFF); // every word carries
    for (byte[] bytes : new byte[][] {noise, ones}) {
      ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
      for (int offset = 0; offset < 8; offset++) {
        for (int length = 0; offset + length <= bytes.length; length++) {
          assertThat(InternetChecksum.sum(direct, offset, length, 0x1234))
              .as("offset %d length %d", offset, length)
              .isEqualTo(wordBySum(bytes, offset, length, 0x1234));
        }
      }
      direct.release();
    }
  }

  /** RFC 1071 as written: 16-bit words, an odd last byte padded, carries folded as they come. */
  private static int wordBySum(byte[] b, int offset, int length, int initial) {
    int sum = initial;
    for (int i = 0; i < length; i += 2) {
      int word = (b[offset + i] & 0xFF) << 8 | (i + 1 < length ? b[offset + i + 1] & 0xFF : 0);
      sum += word;
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return sum;
  }
}
