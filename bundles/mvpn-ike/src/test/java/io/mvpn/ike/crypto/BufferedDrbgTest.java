package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomParameters;
import java.security.SecureRandomSpi;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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

  /** A DRBG that records the additional input of each read; reads without any fail. */
  static final class RecordingDrbg extends SecureRandom {
    private static final long serialVersionUID = 1L;
    final List<String> inputs;

    RecordingDrbg() {
      this(new ArrayList<>());
    }

    private RecordingDrbg(List<String> inputs) {
      super(
          new SecureRandomSpi() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void engineSetSeed(byte[] seed) {}

            @Override
            protected void engineNextBytes(byte[] bytes) {
              throw new AssertionError("a read without fresh input");
            }

            @Override
            protected void engineNextBytes(byte[] bytes, SecureRandomParameters params) {
              byte[] in = ((DrbgParameters.NextBytes) params).getAdditionalInput();
              inputs.add(in == null ? "none" : HexFormat.of().formatHex(in));
              java.util.Arrays.fill(bytes, (byte) inputs.size());
            }

            @Override
            protected byte[] engineGenerateSeed(int numBytes) {
              return new byte[numBytes];
            }
          },
          null);
      this.inputs = inputs;
    }
  }

  @Test
  void everyReadOfTheDrbgMixesInFreshBytesOfTheWrappedGenerator() {
    RecordingDrbg drbg = new RecordingDrbg();
    SecureRandom random = BufferedDrbg.over(drbg, new SecureRandom());
    assertThat(drbg.inputs).hasSize(1); // the first 256 bytes, read when made
    for (int i = 0; i <= 3 * 256 / 8; i++) { // three refills: the last draw takes the third
      random.nextBytes(new byte[8]);
    }
    random.nextBytes(new byte[200]); // directly
    // A clone of this state, or one who learnt it, cannot tell what comes after the next refill.
    assertThat(drbg.inputs)
        .hasSize(5)
        .doesNotHaveDuplicates()
        .allSatisfy(
            in -> assertThat(in).hasSize(2 * BufferedDrbg.FRESH).isNotEqualTo("00".repeat(32)));
  }

  @Test
  void onlyThePlatformsOwnNonBlockingGeneratorsAreWrapped() throws Exception {
    assertThat(BufferedDrbg.around(SecureRandom.getInstance("NativePRNG")))
        .isInstanceOf(BufferedDrbg.class);
    SecureRandom ofItsOwn = new SecureRandom() {}; // a token's, a test's: used as given
    assertThat(BufferedDrbg.around(ofItsOwn)).isSameAs(ofItsOwn);
    SecureRandom recording = new RecordingDrbg();
    assertThat(BufferedDrbg.around(recording)).isSameAs(recording);
    try {
      SecureRandom blocking = SecureRandom.getInstance("NativePRNGBlocking");
      assertThat(BufferedDrbg.around(blocking)).isSameAs(blocking);
    } catch (NoSuchAlgorithmException e) {
      // not on this platform
    }
  }

  @Test
  void isNeverSerialisedSoBufferedBytesCannotComeOutTwice() {
    SecureRandom random = BufferedDrbg.around(new SecureRandom());
    random.nextBytes(new byte[7]);
    assertThatThrownBy(
            () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(random))
        .isInstanceOf(NotSerializableException.class);
  }
}
