package io.mvpn.ike.message;

import static io.mvpn.ike.message.IkeTestMessages.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.ike.message.IkeFormatException.Reason;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IkeHeaderTest {

  private static final HexFormat HEX = HexFormat.of();

  /** An empty INFORMATIONAL response: header only, message ID 0xFFFFFFFE. */
  private static final String EMPTY_RESPONSE =
      "0102030405060708" + "1112131415161718" + "00" + "20" + "25" + "20" + "fffffffe" + "0000001c";

  private static IkeFormatException failure(String hex) {
    return catchThrowableOfType(
        () -> IkeHeader.parse(wrap(HEX.parseHex(hex))), IkeFormatException.class);
  }

  @Test
  void parsesAndWritesTheTwentyEightBytes() throws IkeFormatException {
    IkeHeader h = IkeHeader.parse(wrap(HEX.parseHex(EMPTY_RESPONSE)));
    assertThat(h.spiI()).isEqualTo(IkeTestMessages.SPI_I);
    assertThat(h.spiR()).isEqualTo(IkeTestMessages.SPI_R);
    assertThat(h.exchangeType()).isEqualTo(IkeHeader.INFORMATIONAL);
    assertThat(h.isResponse()).isTrue();
    assertThat(h.isFromInitiator()).isFalse();
    assertThat(h.messageId()).isEqualTo(0xFFFFFFFEL);
    assertThat(h.length()).isEqualTo(28);
    var out = Unpooled.buffer();
    h.writeTo(out);
    assertThat(HEX.formatHex(out.array(), 0, out.writerIndex())).isEqualTo(EMPTY_RESPONSE);
    assertThat(h.toString()).contains("INFORMATIONAL response", "mid 4294967294");
  }

  @Test
  void minorVersionAndUnknownFlagsAreKeptAndIgnored() throws IkeFormatException {
    IkeHeader h =
        IkeHeader.parse(
            wrap(HEX.parseHex(EMPTY_RESPONSE.replace("00202520fffffffe", "002f25effffffffe"))));
    assertThat(h.majorVersion()).isEqualTo(2);
    assertThat(h.version()).isEqualTo(0x2F);
    assertThat(h.isResponse()).isTrue();
    assertThat(h.isFromInitiator()).isTrue();
    assertThat(h.flags()).isEqualTo(0xEF);
  }

  @Test
  void majorVersionAboveTwoIsInvalidMajorVersionWithTheHeader() {
    IkeFormatException e = failure(EMPTY_RESPONSE.replace("00202520", "00302520"));
    assertThat(e.reason()).isEqualTo(Reason.INVALID_MAJOR_VERSION);
    assertThat(e.reason().notifyType()).isEqualTo(NotifyPayload.INVALID_MAJOR_VERSION);
    assertThat(e.header().spiI()).isEqualTo(IkeTestMessages.SPI_I);
    assertThat(e.header().messageId()).isEqualTo(0xFFFFFFFEL);
    // A future version may lay out its message otherwise: the length is not held against it.
    assertThat(failure(EMPTY_RESPONSE.replace("00202520", "00302520") + "00").reason())
        .isEqualTo(Reason.INVALID_MAJOR_VERSION);
  }

  @Test
  void ikeV1IsInvalidSyntax() {
    assertThat(failure(EMPTY_RESPONSE.replace("00202520", "00102520")).reason())
        .isEqualTo(Reason.INVALID_SYNTAX);
  }

  @Test
  void lengthMustBeTheDatagramLength() {
    assertThat(failure(EMPTY_RESPONSE + "00").getMessage())
        .contains("IKE header says 28 bytes, the datagram has 29");
    assertThat(failure(EMPTY_RESPONSE.replace("0000001c", "0000001b")).reason())
        .isEqualTo(Reason.INVALID_SYNTAX);
    assertThat(failure(EMPTY_RESPONSE.replace("0000001c", "ffffffff")).header().length())
        .isEqualTo(0xFFFFFFFFL);
  }

  @Test
  void shortDatagramHasNoHeader() {
    IkeFormatException e = failure(EMPTY_RESPONSE.substring(0, 54));
    assertThat(e.reason()).isEqualTo(Reason.INVALID_SYNTAX);
    assertThat(e.header()).isNull();
  }

  @Test
  void initiatorSpiZeroIsInvalidSyntax() {
    assertThat(failure("0000000000000000" + EMPTY_RESPONSE.substring(16)).getMessage())
        .contains("initiator SPI 0");
  }

  @Test
  void exceptionsAreStackless() {
    assertThat(failure("").getStackTrace()).isEmpty();
  }
}
