package io.mvpn.ike.message;

import static io.mvpn.ike.message.IkeTestMessages.bytes;
import static io.mvpn.ike.message.IkeTestMessages.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.ike.message.IkeFormatException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed messages end in an {@link IkeFormatException} whose reason names the Notify to answer,
 * never in an unchecked exception.
 */
class IkeMessageParseErrorTest {

  private static final HexFormat HEX = HexFormat.of();

  private static IkeFormatException failure(byte[] wire) {
    return catchThrowableOfType(() -> IkeMessage.parse(wrap(wire)), IkeFormatException.class);
  }

  /** Parses, and on success encodes and parses again; any exception but the typed one fails. */
  private static boolean parsesOrFailsTyped(byte[] wire) {
    try {
      IkeMessage m = IkeMessage.parse(wrap(wire));
      assertThat(IkeMessage.parse(wrap(m.toByteArray()))).isEqualTo(m);
      return true;
    } catch (IkeFormatException e) {
      assertThat(e.getStackTrace()).isEmpty();
      return false;
    }
  }

  @Test
  void everyTruncationOfIkeSaInitIsATypedError() {
    byte[] full = IkeTestMessages.saInitRequest().toByteArray();
    for (int length = 0; length < full.length; length++) {
      // As cut in transit: the header's Length no longer matches the datagram.
      IkeFormatException e = failure(Arrays.copyOf(full, length));
      assertThat(e).as("cut at %d", length).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.INVALID_SYNTAX);
      assertThat(e.header() != null).isEqualTo(length >= IkeHeader.LENGTH);
    }
  }

  @Test
  void everyConsistentTruncationOfIkeSaInitIsATypedError() {
    // The header's Length agrees with the cut, so the payload chain itself runs short.
    for (IkeMessage m :
        List.of(IkeTestMessages.saInitRequest(), IkeTestMessages.plainAuthRequest())) {
      byte[] full = m.toByteArray();
      for (int length = IkeHeader.LENGTH; length < full.length; length++) {
        IkeFormatException e = failure(IkeTestMessages.truncatedConsistently(full, length));
        assertThat(e).as("cut at %d", length).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.INVALID_SYNTAX);
        assertThat(e.header().exchangeType()).isEqualTo(m.header().exchangeType());
      }
    }
  }

  @Test
  void tenThousandRandomByteFlipsParseOrFailTyped() {
    Random random = new Random(7296);
    List<byte[]> originals =
        List.of(
            IkeTestMessages.saInitRequest().toByteArray(),
            IkeTestMessages.saInitResponse().toByteArray(),
            IkeTestMessages.plainAuthRequest().toByteArray());
    int parsed = 0;
    for (int i = 0; i < 10_000; i++) {
      byte[] wire = originals.get(i % originals.size()).clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        // Mostly in the payloads; the header's fixed fields fail early and teach little.
        int at =
            random.nextInt(4) == 0 ? random.nextInt(28) : 28 + random.nextInt(wire.length - 28);
        wire[at] ^= (byte) (1 + random.nextInt(255));
      }
      if (parsesOrFailsTyped(wire)) {
        parsed++;
      }
    }
    // Flips inside data fields leave a valid message: both outcomes must occur.
    assertThat(parsed).isBetween(100, 9_900);
  }

  @Test
  void tenThousandRandomFlipsInsideAnSkPayloadOpenOrFailTyped() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    Random random = new Random(5282);
    byte[] plain = plainInner();
    int opened = 0;
    for (int i = 0; i < 10_000; i++) {
      byte[] inner = plain.clone();
      int at = random.nextInt(inner.length);
      inner[at] ^= (byte) (1 + random.nextInt(255));
      IkeMessage m = sealedRaw(cipher, IkePayload.IDI, inner);
      try {
        List<IkePayload> payloads = m.openSk(cipher);
        new IkeMessage(m.header(), payloads).toByteArray();
        opened++;
      } catch (IkeFormatException e) {
        assertThat(e.header()).isEqualTo(m.header());
      }
    }
    assertThat(opened).isBetween(100, 9_900);
  }

  /** The IKE_AUTH payloads chained as they go inside SK. */
  private static byte[] plainInner() {
    byte[] all = IkeTestMessages.plainAuthRequest().toByteArray();
    return Arrays.copyOfRange(all, IkeHeader.LENGTH, all.length);
  }

  /** HDR, SK{bytes}: arbitrary inner bytes sealed by the cipher, parsed back. */
  private static IkeMessage sealedRaw(SkCipher cipher, int innerFirst, byte[] inner)
      throws IkeFormatException {
    int bodyLength = cipher.sealedLength(inner.length);
    IkeMessage shell =
        IkeMessage.of(
            IkeTestMessages.AUTH_HEADER,
            new EncryptedPayload(innerFirst, Octets.of(new byte[bodyLength])));
    byte[] wire = shell.toByteArray();
    byte[] body = cipher.seal(Arrays.copyOf(wire, 32), inner);
    System.arraycopy(body, 0, wire, 32, body.length);
    return IkeMessage.parse(wrap(wire));
  }

  @Test
  void payloadLengthBelowFourIsInvalidSyntax() {
    for (int length = 0; length < 4; length++) {
      byte[] wire = IkeTestMessages.saInitRequest().toByteArray();
      wire[28 + 2] = 0;
      wire[28 + 3] = (byte) length;
      assertThat(failure(wire).reason()).isEqualTo(Reason.INVALID_SYNTAX);
      assertThat(failure(wire).getMessage()).contains("below 4");
    }
  }

  @Test
  void payloadRunningPastTheMessageIsInvalidSyntax() {
    byte[] wire = IkeTestMessages.saInitRequest().toByteArray();
    wire[wire.length - 25] = 29; // last Notify: 29 bytes where 28 are left
    assertThat(failure(wire).getMessage()).contains("runs past");
  }

  @Test
  void bytesAfterTheLastPayloadAreInvalidSyntax() {
    byte[] wire =
        IkeTestMessages.truncatedConsistently(
            Arrays.copyOf(IkeTestMessages.saInitRequest().toByteArray(), 272), 272);
    assertThat(failure(wire).getMessage()).contains("4 bytes after the last payload");
  }

  @Test
  void unknownCriticalPayloadIsUnsupportedCriticalPayload() {
    IkeMessage m =
        IkeMessage.of(
            IkeHeader.of(1, 2, IkeHeader.INFORMATIONAL, 0, 3),
            new NoncePayload(bytes(0, 16)),
            new UnknownPayload(50, true, bytes(0, 6)));
    IkeFormatException e = failure(m.toByteArray());
    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_CRITICAL_PAYLOAD);
    assertThat(e.reason().notifyType()).isEqualTo(NotifyPayload.UNSUPPORTED_CRITICAL_PAYLOAD);
    assertThat(e.payloadType()).isEqualTo(50);
    assertThat(e.notifyData()).containsExactly(50);
    assertThat(e.header().messageId()).isEqualTo(3);
  }

  @Test
  void unknownNonCriticalPayloadIsKeptAndSkipped() throws IkeFormatException {
    IkeMessage m =
        IkeMessage.of(
            IkeHeader.of(1, 2, IkeHeader.INFORMATIONAL, 0, 3),
            new UnknownPayload(50, false, bytes(0, 6)),
            new NoncePayload(bytes(0, 16)));
    IkeMessage parsed = IkeMessage.parse(wrap(m.toByteArray()));
    assertThat(parsed.payloads())
        .containsExactly(
            new UnknownPayload(50, false, bytes(0, 6)), new NoncePayload(bytes(0, 16)));
  }

  @Test
  void criticalBitOnAKnownPayloadIsIgnored() throws IkeFormatException {
    byte[] wire = IkeTestMessages.saInitRequest().toByteArray();
    wire[28 + 1] = (byte) 0x80;
    assertThat(IkeMessage.parse(wrap(wire)).payloads())
        .isEqualTo(IkeTestMessages.saInitRequest().payloads());
  }

  @Test
  void skPayloadMustBeLast() {
    // HDR, SK{...}, N: the SK payload's length stops before the Notify.
    byte[] sk =
        IkeMessage.of(
                IkeHeader.of(1, 2, IkeHeader.INFORMATIONAL, 0, 3),
                new EncryptedPayload(IkePayload.NONE, bytes(0, 25)))
            .toByteArray();
    byte[] notify = HEX.parseHex("0000000800004000");
    byte[] wire = Arrays.copyOf(sk, sk.length + notify.length);
    System.arraycopy(notify, 0, wire, sk.length, notify.length);
    IkeFormatException e = failure(IkeTestMessages.truncatedConsistently(wire, wire.length));
    assertThat(e.reason()).isEqualTo(Reason.INVALID_SYNTAX);
    assertThat(e.getMessage()).contains("SK payload is not last");
    assertThatThrownBy(
            () ->
                IkeMessage.of(
                    IkeHeader.of(1, 2, IkeHeader.INFORMATIONAL, 0, 3),
                    new EncryptedPayload(IkePayload.NONE, bytes(0, 25)),
                    NotifyPayload.of(NotifyPayload.INITIAL_CONTACT)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void skfPayloadMustBeLastToo() {
    byte[] wire =
        IkeMessage.of(
                IkeHeader.of(1, 2, IkeHeader.IKE_AUTH, 8, 1),
                new EncryptedFragmentPayload(IkePayload.IDI, 1, 2, bytes(0, 30)))
            .toByteArray();
    byte[] longer = Arrays.copyOf(wire, wire.length + 4);
    longer[wire.length + 3] = 4; // a 4-byte Notify-sized tail the SKF does not cover
    assertThat(failure(IkeTestMessages.truncatedConsistently(longer, longer.length)).getMessage())
        .contains("SKF payload is not last");
  }

  @Test
  void skInsideSkIsInvalidSyntax() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    byte[] inner = HEX.parseHex("00000008" + "01020304");
    IkeMessage m = sealedRaw(cipher, IkePayload.SK, inner);
    IkeFormatException e = catchThrowableOfType(() -> m.openSk(cipher), IkeFormatException.class);
    assertThat(e.getMessage()).contains("SK inside an SK payload");
  }

  @Test
  void unknownCriticalPayloadInsideSkIsUnsupportedCriticalPayload() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    IkeMessage m = sealedRaw(cipher, 52, HEX.parseHex("00800005ff"));
    IkeFormatException e = catchThrowableOfType(() -> m.openSk(cipher), IkeFormatException.class);
    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_CRITICAL_PAYLOAD);
    assertThat(e.payloadType()).isEqualTo(52);
  }

  @Test
  void malformedSubstructuresAreInvalidSyntax() {
    List<String> bodies = new ArrayList<>();
    bodies.add(""); // SA without proposals
    bodies.add("0000000801010000" + "00"); // a byte after the last proposal
    bodies.add("0200000801010000"); // 'more' proposals, then the end
    bodies.add("0100000801010000"); // Last field 1
    bodies.add("0000000c01010001" + "00000008"); // transform cut
    bodies.add("0000001001010001" + "0300000801000014"); // transform says 'more', count says 1
    bodies.add("0000001401010001" + "0000000c01000014" + "000e0005"); // TLV attribute runs past
    bodies.add("0000000a01010400" + "0000"); // proposal length 10 with a 4-byte SPI
    for (String body : bodies) {
      assertThatThrownBy(
              () -> SecurityAssociationPayload.parse(wrap(HEX.parseHex(body))), "SA body %s", body)
          .isInstanceOf(IkeFormatException.class);
    }
    assertThatThrownBy(() -> TrafficSelectorPayload.parse(true, wrap(HEX.parseHex("00000000"))))
        .isInstanceOf(IkeFormatException.class);
    assertThatThrownBy(
            () ->
                TrafficSelectorPayload.parse(
                    true, wrap(HEX.parseHex("01000000" + "0700000f" + "0000ffff000000" + "00"))))
        .isInstanceOf(IkeFormatException.class);
    assertThatThrownBy(
            () -> ConfigurationPayload.parse(wrap(HEX.parseHex("01000000" + "00010004" + "0a"))))
        .isInstanceOf(IkeFormatException.class);
    assertThatThrownBy(() -> NotifyPayload.parse(wrap(HEX.parseHex("03040001" + "0000"))))
        .isInstanceOf(IkeFormatException.class);
  }
}
