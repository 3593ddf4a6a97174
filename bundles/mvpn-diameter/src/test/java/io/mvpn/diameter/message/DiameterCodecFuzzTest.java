package io.mvpn.diameter.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;

/**
 * Coverage-guided fuzzing of the Diameter codec as a node reads a TCP frame: any octets decode to a
 * message or fail with {@link MalformedDiameterException} carrying an RFC 6733 Result-Code; what
 * decodes encodes to octets that decode to the same message and encode the same again, and every
 * reading a node makes of it (grammar, mandatory AVPs, capabilities, each AVP as its dictionary
 * type, the answer to it) is a value or the typed error.
 */
class DiameterCodecFuzzTest {

  @FuzzTest(maxDuration = "30m")
  void anyBytesDecodeToAMessageThatReEncodesOrFailTyped(byte[] input) {
    DiameterMessage m;
    try {
      m = decode(input);
    } catch (MalformedDiameterException e) {
      typed(e);
      if (e.header() != null) {
        // The header an error answer copies is readable and answerable (§6.2).
        answersRoundTrip(e.header(), e);
      }
      return;
    }
    byte[] encoded = m.toBytes();
    assertThat(encoded).hasSize(m.length());
    DiameterMessage again;
    try {
      again = decode(encoded);
    } catch (MalformedDiameterException e) {
      throw new AssertionError("re-encoded unreadable: " + hex(input), e);
    }
    assertThat(again).as("decodes to itself: %s", hex(input)).isEqualTo(m);
    assertThat(again.toBytes()).isEqualTo(encoded);
    assertThat(m.toString()).isNotEmpty();

    boolean grammatical = true;
    try {
      CommandGrammar.check(m);
    } catch (MalformedDiameterException e) {
      typed(e);
      grammatical = false;
    }
    try {
      m.requireKnownMandatoryAvps();
    } catch (MalformedDiameterException e) {
      typed(e);
    }
    try {
      m.resultCode();
    } catch (MalformedDiameterException e) {
      typed(e);
    }
    if (grammatical && m.commandCode() == CommandCode.CAPABILITIES_EXCHANGE && !m.isError()) {
      // As a node reads a CER or CEA that passed the grammar, and could write it back (an answer
      // with the E bit need carry only its identity, §7.2).
      try {
        Capabilities.of(m).avps();
      } catch (MalformedDiameterException e) {
        typed(e);
      }
    }
    readEachAsItsType(m.avps());
    if (m.isRequest()) {
      answersRoundTrip(m, null);
    }
  }

  /** Each AVP the dictionary knows read as its type; Grouped members in turn. */
  private static void readEachAsItsType(List<Avp> avps) {
    for (Avp a : avps) {
      a.name();
      Dictionary.Entry known = Dictionary.lookup(a.vendorId(), a.code());
      if (known == null) {
        continue;
      }
      try {
        switch (known.type()) {
          case ADDRESS -> assertThat(a.asAddress()).isNotNull();
          case GROUPED -> readEachAsItsType(a.asGrouped());
          case UNSIGNED32, INTEGER32, ENUMERATED, TIME -> a.asUnsigned32();
          default -> a.asUtf8();
        }
      } catch (MalformedDiameterException e) {
        typed(e);
      }
    }
  }

  /** The answers a node makes to {@code request}: success, and the error it was refused with. */
  private static void answersRoundTrip(DiameterMessage request, MalformedDiameterException why) {
    List<Avp> failed =
        why != null && why.failedAvp() != null
            ? List.of(Avp.grouped(AvpCode.FAILED_AVP, List.of(why.failedAvp())))
            : List.of();
    int code = why != null ? why.resultCode() : ResultCode.SUCCESS;
    DiameterMessage answer = DiameterMessage.answer(request, code, failed);
    try {
      DiameterMessage back = decode(answer.toBytes());
      assertThat(back).isEqualTo(answer);
      assertThat(back.resultCode()).isEqualTo(code);
      assertThat(back.isRequest()).isFalse();
      assertThat(back.hopByHop()).isEqualTo(request.hopByHop());
    } catch (MalformedDiameterException e) {
      throw new AssertionError("the answer does not decode: " + answer, e);
    }
  }

  private static void typed(MalformedDiameterException e) {
    assertThat(ResultCode.isKnown(e.resultCode())).as("%s", e.getMessage()).isTrue();
    assertThat(e.resultCode()).isGreaterThanOrEqualTo(3000);
  }

  private static DiameterMessage decode(byte[] b) throws MalformedDiameterException {
    return DiameterMessage.decode(Unpooled.wrappedBuffer(b));
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
