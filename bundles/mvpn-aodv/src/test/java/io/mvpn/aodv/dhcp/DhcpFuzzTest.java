package io.mvpn.aodv.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Nothing but a {@link DhcpFormatException} ever leaves the DHCP parsers, and whatever they accept
 * writes back to a message that reads the same: every truncation of every fixture, 5,000 randomly
 * damaged copies (fixed seed, so a failure replays), and coverage-guided input under Jazzer.
 */
class DhcpFuzzTest {

  private static final long SEED = 0xD4C9_2131L;
  private static final int ITERATIONS = 5_000;

  @Test
  void everyTruncationOfEveryFixtureIsATypedErrorOrAMessage() {
    for (String hex : DhcpSamples.all().values()) {
      byte[] whole = DhcpSamples.bytes(hex);
      for (int length = 0; length <= whole.length; length++) {
        byte[] cut = Arrays.copyOf(whole, length);
        DhcpMessage m = parsesToItselfOrTypedError(cut);
        if (length < DhcpMessage.OPTIONS_OFFSET) {
          assertThat(m).isNull();
        }
      }
    }
  }

  @Test
  void randomlyDamagedMessagesGiveTypedErrorsOrMessagesThatRoundTrip() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> samples = new ArrayList<>();
    DhcpSamples.all().values().forEach(h -> samples.add(DhcpSamples.bytes(h)));
    Map<DhcpFormatException.Reason, Integer> reasons =
        new EnumMap<>(DhcpFormatException.Reason.class);
    int accepted = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] data = damage(samples.get(random.nextInt(samples.size())), random);
      try {
        DhcpMessage.parse(data);
        accepted++;
      } catch (DhcpFormatException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
      }
      parsesToItselfOrTypedError(data);
    }
    // The damage reaches both sides: some copies still parse, each kind of error is seen.
    assertThat(accepted).isPositive();
    assertThat(reasons.keySet())
        .contains(
            DhcpFormatException.Reason.TRUNCATED,
            DhcpFormatException.Reason.BAD_COOKIE,
            DhcpFormatException.Reason.TRUNCATED_OPTION,
            DhcpFormatException.Reason.BAD_OPTION_LENGTH);
  }

  @FuzzTest(maxDuration = "30m")
  void anyBytesParseToAMessageThatRoundTripsOrATypedError(byte[] input) {
    parsesToItselfOrTypedError(input);
    try {
      var hello = DhcpHello.parse(input);
      assertThat(DhcpHello.parse(DhcpHello.toOption(hello))).isEqualTo(hello);
    } catch (DhcpFormatException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  /** The message {@code data} holds, checked to read back from its own bytes; null if none. */
  private static DhcpMessage parsesToItselfOrTypedError(byte[] data) {
    DhcpMessage m;
    try {
      m = DhcpMessage.parse(data);
    } catch (DhcpFormatException e) {
      assertThat(e.reason()).isNotNull();
      return null;
    } catch (RuntimeException e) {
      throw new AssertionError(DhcpSamples.class.getSimpleName() + " damage: " + hex(data), e);
    }
    try {
      assertThat(DhcpMessage.parse(m.toBytes())).isEqualTo(m);
    } catch (DhcpFormatException e) {
      throw new AssertionError("written back unreadable: " + hex(data), e);
    }
    return m;
  }

  private static byte[] damage(byte[] sample, SplittableRandom random) {
    byte[] d;
    switch (random.nextInt(4)) {
      case 0 -> d = Arrays.copyOf(sample, random.nextInt(sample.length + 1));
      case 1 -> {
        d = Arrays.copyOf(sample, sample.length + random.nextInt(64));
        for (int i = sample.length; i < d.length; i++) {
          d[i] = (byte) random.nextInt(256);
        }
      }
      default -> d = sample.clone();
    }
    int flips = 1 + random.nextInt(6);
    for (int i = 0; i < flips && d.length > 0; i++) {
      // Most damage lands where the structure is: the header, the cookie and the options.
      int at =
          random.nextBoolean() && d.length > 236
              ? 236 + random.nextInt(d.length - 236)
              : random.nextInt(d.length);
      d[at] = (byte) random.nextInt(256);
    }
    return d;
  }

  private static String hex(byte[] d) {
    return java.util.HexFormat.of().formatHex(d);
  }
}
