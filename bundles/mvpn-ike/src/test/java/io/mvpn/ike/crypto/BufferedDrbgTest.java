package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BufferedDrbgTest {

  @Test
  void wrapsOnceAndIsASecureRandom() {
    SecureRandom random = BufferedDrbg.around(new SecureRandom());
    assertThat(random).isInstanceOf(BufferedDrbg.class);
    assertThat(BufferedDrbg.around(random)).isSameAs(random);
  }

  @Test
  void smallDrawsAcrossTheBufferNeverRepeatOrComeOutZeroed() {
    SecureRandom random = BufferedDrbg.around(new SecureRandom());
    // 7-byte draws straddle every 256-byte refill; a byte served twice or a zeroed slot would
    // show as a repeat or an all-zero draw.
    Set<String> seen = new HashSet<>();
    int[] counts = new int[256];
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      byte[] b = new byte[7];
      random.nextBytes(b);
      assertThat(b).isNotEqualTo(new byte[7]);
      assertThat(seen.add(java.util.HexFormat.of().formatHex(b))).isTrue();
      for (byte x : b) {
        counts[x & 0xFF]++;
      }
    }
    // 140,000 bytes over 256 values: about 547 each; a chi-square of 255 degrees of freedom above
    // 400 would be a one-in-a-million event for uniform bytes.
    double expected = draws * 7 / 256.0;
    double chi = 0;
    for (int c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    assertThat(chi).isLessThan(400);
  }

  @Test
  void largeDrawsAndTheNumbersAnEngineAsksFor() {
    SecureRandom random = BufferedDrbg.around(new SecureRandom());
    byte[] a = new byte[1000];
    byte[] b = new byte[1000];
    random.nextBytes(a);
    random.nextBytes(b);
    assertThat(a).isNotEqualTo(b);
    Set<Long> spis = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      spis.add(random.nextLong());
    }
    assertThat(spis).hasSize(1000);
    assertThat(random.nextInt(10)).isBetween(0, 9);
  }

  @Test
  void twoGeneratorsAroundOneSourceDiffer() {
    SecureRandom source = new SecureRandom();
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    BufferedDrbg.around(source).nextBytes(a);
    BufferedDrbg.around(source).nextBytes(b);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void reseedingAndSeedsFromTheSource() {
    SecureRandom random = BufferedDrbg.around(new SecureRandom());
    byte[] before = new byte[16];
    random.nextBytes(before);
    random.setSeed(new byte[] {1, 2, 3});
    byte[] after = new byte[16];
    random.nextBytes(after);
    assertThat(after).isNotEqualTo(before).isNotEqualTo(new byte[16]);
    assertThat(random.generateSeed(20)).hasSize(20);
  }
}
