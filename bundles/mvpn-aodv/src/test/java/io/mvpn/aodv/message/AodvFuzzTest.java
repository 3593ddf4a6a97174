package io.mvpn.aodv.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mvpn.aodv.message.AodvFormatException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Nothing but an {@link AodvFormatException} ever leaves a parser: every truncation of every sample
 * and 10,000 randomly damaged copies (fixed seed, so a failure replays).
 */
class AodvFuzzTest {

  private static final long SEED = 0xA0D5_3561L;
  private static final int ITERATIONS = 10_000;

  /** One of the parsers a datagram might be handed to. */
  private interface Parser {
    AodvMessage parse(ByteBuf buf) throws AodvFormatException;
  }

  private static final List<Parser> PARSERS =
      List.of(
          AodvMessages::parse,
          RouteRequest::parse,
          RouteReply::parse,
          RouteError::parse,
          RouteReplyAck::parse);

  @Test
  void everyTruncationOfEveryMessageIsATypedError() {
    for (Map.Entry<String, String> sample : AodvSamples.all().entrySet()) {
      byte[] whole = AodvSamples.bytes(sample.getValue());
      int fixed = fixedLength(whole);
      for (int length = 0; length < whole.length; length++) {
        byte[] cut = Arrays.copyOf(whole, length);
        AodvMessage parsed = parseOrNull(AodvMessages::parse, cut);
        if (length < fixed) {
          assertThat(parsed).as("%s cut to %d bytes", sample.getKey(), length).isNull();
          assertThat(reasonOf(cut))
              .as("%s cut to %d bytes", sample.getKey(), length)
              .isIn(Reason.TRUNCATED, Reason.BAD_DESTINATION_COUNT);
        } else if (parsed == null) {
          // Inside the extensions: only an extension cut at a boundary is a shorter valid message.
          assertThat(reasonOf(cut)).isEqualTo(Reason.TRUNCATED_EXTENSION);
        }
        for (Parser p : PARSERS) {
          parseOrNull(p, cut);
        }
      }
      assertThat(parseOrNull(AodvMessages::parse, whole)).as(sample.getKey()).isNotNull();
    }
  }

  @Test
  void randomlyDamagedMessagesGiveTypedErrorsOrMessagesThatRoundTrip() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> samples = AodvSamples.all().values().stream().map(AodvSamples::bytes).toList();
    Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    int accepted = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] data = damage(samples.get(random.nextInt(samples.size())), random);
      AodvMessage parsed;
      try {
        parsed = AodvMessages.parse(Unpooled.wrappedBuffer(data));
      } catch (AodvFormatException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
        continue;
      } catch (RuntimeException e) {
        throw new AssertionError("iteration " + i + ": " + AodvSamples.hex(data), e);
      }
      accepted++;
      // An accepted message is re-encoded to the same length and parses to itself.
      ByteBuf again = parsed.encode(AodvSamples.ALLOC);
      try {
        assertThat(again.readableBytes()).as("iteration %d", i).isEqualTo(data.length);
        assertThat(AodvMessages.parse(again)).as("iteration %d", i).isEqualTo(parsed);
      } catch (AodvFormatException e) {
        fail("iteration " + i + ": re-encoded message rejected: " + e.getMessage());
      } finally {
        again.release();
      }
      for (Parser p : PARSERS) {
        parseOrNull(p, data);
      }
    }
    // The damage must exercise both outcomes and the main error paths.
    assertThat(accepted).isGreaterThan(ITERATIONS / 10);
    assertThat(reasons)
        .containsKeys(
            Reason.TRUNCATED,
            Reason.UNKNOWN_TYPE,
            Reason.BAD_DESTINATION_COUNT,
            Reason.TRUNCATED_EXTENSION);
  }

  /** Flips bytes, and sometimes cuts the end off or appends random bytes. */
  private static byte[] damage(byte[] sample, SplittableRandom random) {
    byte[] data = sample.clone();
    int flips = 1 + random.nextInt(3);
    for (int f = 0; f < flips && data.length > 0; f++) {
      int at = random.nextInt(data.length);
      // Half the time a byte in the header, where types, flags and counts live.
      if (random.nextBoolean()) {
        at = random.nextInt(Math.min(4, data.length));
      }
      data[at] = (byte) random.nextInt(256);
    }
    int shape = random.nextInt(4);
    if (shape == 0) {
      data = Arrays.copyOf(data, random.nextInt(data.length + 1));
    } else if (shape == 1) {
      byte[] tail = new byte[1 + random.nextInt(12)];
      random.nextBytes(tail);
      byte[] longer = Arrays.copyOf(data, data.length + tail.length);
      System.arraycopy(tail, 0, longer, data.length, tail.length);
      data = longer;
    }
    return data;
  }

  /** Bytes before the first extension, from the type byte (and a RERR's DestCount). */
  private static int fixedLength(byte[] message) {
    switch (message[0]) {
      case AodvMessages.RREQ:
        return RouteRequest.FIXED_LENGTH;
      case AodvMessages.RREP:
        return RouteReply.FIXED_LENGTH;
      case AodvMessages.RERR:
        return RouteError.FIXED_LENGTH + RouteError.ENTRY_LENGTH * (message[3] & 0xFF);
      default:
        return RouteReplyAck.FIXED_LENGTH;
    }
  }

  /** The parsed message or null for a typed error; anything else fails the test. */
  private static AodvMessage parseOrNull(Parser parser, byte[] data) {
    try {
      return parser.parse(Unpooled.wrappedBuffer(data));
    } catch (AodvFormatException e) {
      return null;
    }
  }

  private static Reason reasonOf(byte[] data) {
    try {
      AodvMessages.parse(Unpooled.wrappedBuffer(data));
      return null;
    } catch (AodvFormatException e) {
      return e.reason();
    }
  }
}
