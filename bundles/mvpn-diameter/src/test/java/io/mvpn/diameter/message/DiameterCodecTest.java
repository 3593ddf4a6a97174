package io.mvpn.diameter.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The wire format against fixtures written independently of the codec (RFC 6733 §3, §4). */
class DiameterCodecTest {

  static byte[] fixture(String name) throws Exception {
    try (InputStream in = DiameterCodecTest.class.getResourceAsStream("/" + name)) {
      return in.readAllBytes();
    }
  }

  static DiameterMessage decode(byte[] b) throws MalformedDiameterException {
    return DiameterMessage.decode(Unpooled.wrappedBuffer(b));
  }

  @Test
  void aCapabilitiesExchangeRequestDecodesAndEncodesToTheSameOctets() throws Exception {
    byte[] wire = fixture("cer.bin");
    DiameterMessage cer = decode(wire);

    assertThat(cer.isRequest()).isTrue();
    assertThat(cer.commandCode()).isEqualTo(CommandCode.CAPABILITIES_EXCHANGE);
    assertThat(cer.hopByHop()).isEqualTo(0x11223344);
    assertThat(cer.endToEnd()).isEqualTo(0x55667788);
    Capabilities caps = Capabilities.of(cer);
    assertThat(caps.originHost()).isEqualTo("mvpn.test.local");
    assertThat(caps.hostAddresses()).containsExactly(InetAddress.getByName("198.51.100.7"));
    assertThat(caps.authApplications()).containsExactly(1L);
    assertThat(cer.find(AvpCode.PRODUCT_NAME).get().isMandatory()).isFalse();
    CommandGrammar.check(cer);
    assertThat(cer.toBytes()).isEqualTo(wire);
  }

  @Test
  void theCodecWritesACerOctetForOctetAsTheFixture() throws Exception {
    Capabilities caps =
        new Capabilities(
            "mvpn.test.local",
            "test.local",
            List.of(InetAddress.getByName("198.51.100.7")),
            0,
            "mvpn",
            1,
            7,
            Set.of(1L),
            Set.of());
    DiameterMessage cer =
        DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, 0, false, caps.avps())
            .withIdentifiers(0x11223344, 0x55667788);
    assertThat(cer.toBytes()).isEqualTo(fixture("cer.bin"));
  }

  @Test
  void aWatchdogRequestWithAPaddedIdentityRoundTrips() throws Exception {
    byte[] wire = fixture("dwr.bin");
    DiameterMessage dwr = decode(wire);

    assertThat(dwr.length()).isEqualTo(64);
    assertThat(dwr.utf8(AvpCode.ORIGIN_HOST)).isEqualTo("mvpn.test.local");
    assertThat(dwr.find(AvpCode.ORIGIN_HOST).get().length()).isEqualTo(23);
    assertThat(dwr.toBytes()).isEqualTo(wire);
  }

  @Test
  void anAaAnswerKeepsFramedRouteFilterRuleAndAnUnknownVendorAvpAsReceived() throws Exception {
    byte[] wire = fixture("aaa.bin");
    DiameterMessage aaa = decode(wire);

    assertThat(aaa.isRequest()).isFalse();
    assertThat(aaa.isProxiable()).isTrue();
    assertThat(aaa.resultCode()).isEqualTo(ResultCode.SUCCESS);
    assertThat(aaa.utf8(AvpCode.FRAMED_ROUTE)).isEqualTo("10.1.0.0/16 0.0.0.0 1");
    assertThat(aaa.utf8(AvpCode.NAS_FILTER_RULE)).startsWith("permit in ip");
    Avp vendor = aaa.avps().get(aaa.avps().size() - 1);
    assertThat(vendor.vendorId()).isEqualTo(10415);
    assertThat(vendor.length()).isEqualTo(15);
    aaa.requireKnownMandatoryAvps();
    assertThat(aaa.toBytes()).isEqualTo(wire);
  }

  @Test
  void aGroupedAvpHoldsItsPaddedMembers() throws Exception {
    Avp inner = Avp.utf8(AvpCode.ORIGIN_HOST, "abcde");
    Avp failed = Avp.grouped(AvpCode.FAILED_AVP, List.of(inner, Avp.unsigned32(268, 5001)));

    assertThat(failed.dataLength()).isEqualTo(16 + 12);
    assertThat(failed.asGrouped()).containsExactly(inner, Avp.unsigned32(268, 5001));
  }

  @Test
  void aShortHeaderIsAnInvalidMessageLengthWithoutAHeaderToAnswer() {
    assertThatThrownBy(() -> decode(new byte[12]))
        .isInstanceOfSatisfying(
            MalformedDiameterException.class,
            e -> {
              assertThat(e.resultCode()).isEqualTo(ResultCode.INVALID_MESSAGE_LENGTH);
              assertThat(e.header()).isNull();
            });
  }

  @Test
  void aLengthFieldThatDisagreesWithTheFrameIs5015() throws Exception {
    byte[] wire = fixture("dwr.bin");
    wire[3] = 0x44;
    assertThatThrownBy(() -> decode(wire))
        .isInstanceOfSatisfying(
            MalformedDiameterException.class,
            e -> {
              assertThat(e.resultCode()).isEqualTo(ResultCode.INVALID_MESSAGE_LENGTH);
              assertThat(e.header().hopByHop()).isEqualTo(1);
            });
  }

  @Test
  void aVersionOtherThanOneIs5011() throws Exception {
    byte[] wire = fixture("dwr.bin");
    wire[0] = 2;
    assertThat(error(wire).resultCode()).isEqualTo(ResultCode.UNSUPPORTED_VERSION);
  }

  @Test
  void theErrorBitOnARequestIs3008() throws Exception {
    byte[] wire = fixture("dwr.bin");
    wire[4] = (byte) 0xA0;
    assertThat(error(wire).resultCode()).isEqualTo(ResultCode.INVALID_HDR_BITS);
  }

  @Test
  void anAvpThatOverrunsTheMessageIs5014WithItsHeaderAsFailedAvp() throws Exception {
    byte[] wire = fixture("dwr.bin");
    wire[0x2F + 4] = 0x7F; // Origin-Realm's length: 0x12 becomes 0x7F
    MalformedDiameterException e = error(wire);
    assertThat(e.resultCode()).isEqualTo(ResultCode.INVALID_AVP_LENGTH);
    assertThat(e.failedAvp().code()).isEqualTo(AvpCode.ORIGIN_REALM);
    assertThat(e.header().commandCode()).isEqualTo(CommandCode.DEVICE_WATCHDOG);
  }

  @Test
  void anAvpShorterThanItsHeaderIs5014() throws Exception {
    byte[] wire = fixture("dwr.bin");
    wire[0x1B] = 0x04; // Origin-Host's length 0x17 becomes 4
    assertThat(error(wire).resultCode()).isEqualTo(ResultCode.INVALID_AVP_LENGTH);
  }

  @Test
  void anUnsigned32OfTheWrongSizeIs5014() throws Exception {
    byte[] wire =
        DiameterMessage.request(
                CommandCode.DEVICE_WATCHDOG,
                0,
                false,
                List.of(Avp.mandatory(AvpCode.ORIGIN_STATE_ID, new byte[] {0, 0, 1})))
            .toBytes();
    MalformedDiameterException e = error(wire);
    assertThat(e.resultCode()).isEqualTo(ResultCode.INVALID_AVP_LENGTH);
    assertThat(e.failedAvp().code()).isEqualTo(AvpCode.ORIGIN_STATE_ID);
  }

  @Test
  void anAddressOfAnUnknownFamilyIs5004() throws Exception {
    byte[] wire =
        DiameterMessage.request(
                CommandCode.CAPABILITIES_EXCHANGE,
                0,
                false,
                List.of(Avp.mandatory(AvpCode.HOST_IP_ADDRESS, new byte[] {0, 9, 1, 2, 3, 4})))
            .toBytes();
    assertThat(error(wire).resultCode()).isEqualTo(ResultCode.INVALID_AVP_VALUE);
  }

  @Test
  void anUnknownAvpWithTheMandatoryBitIs5001ButWithoutItIsCarried() throws Exception {
    Avp unknownMandatory = Avp.mandatory(4242, new byte[] {1});
    DiameterMessage m =
        decode(
            DiameterMessage.request(265, 1, true, List.of(unknownMandatory.notMandatory()))
                .toBytes());
    m.requireKnownMandatoryAvps();

    DiameterMessage bad =
        decode(DiameterMessage.request(265, 1, true, List.of(unknownMandatory)).toBytes());
    assertThatThrownBy(bad::requireKnownMandatoryAvps)
        .isInstanceOfSatisfying(
            MalformedDiameterException.class,
            e -> {
              assertThat(e.resultCode()).isEqualTo(ResultCode.AVP_UNSUPPORTED);
              assertThat(e.failedAvp()).isEqualTo(unknownMandatory);
            });
  }

  @Test
  void aResultCodeInARequestIs5008AndAMissingOriginHostIs5005() throws Exception {
    DiameterMessage withResult =
        decode(fixture("dwr.bin")).with(Avp.unsigned32(AvpCode.RESULT_CODE, 2001));
    assertThat(grammarError(withResult).resultCode()).isEqualTo(ResultCode.AVP_NOT_ALLOWED);

    DiameterMessage noHost =
        DiameterMessage.request(
            CommandCode.DEVICE_WATCHDOG,
            0,
            false,
            List.of(Avp.utf8(AvpCode.ORIGIN_REALM, "test.local")));
    assertThat(grammarError(noHost).resultCode()).isEqualTo(ResultCode.MISSING_AVP);
    DiameterMessage twice = decode(fixture("dwr.bin")).with(Avp.utf8(AvpCode.ORIGIN_HOST, "x"));
    assertThat(grammarError(twice).resultCode()).isEqualTo(ResultCode.AVP_OCCURS_TOO_MANY_TIMES);
  }

  @Test
  void everyTruncationOfAValidMessageGivesATypedError() throws Exception {
    byte[] wire = fixture("aaa.bin");
    for (int n = 0; n < wire.length; n++) {
      byte[] cut = Arrays.copyOf(wire, n);
      assertThatThrownBy(() -> decode(cut)).isInstanceOf(MalformedDiameterException.class);
    }
  }

  private static MalformedDiameterException error(byte[] wire) {
    try {
      decode(wire);
    } catch (MalformedDiameterException e) {
      return e;
    }
    throw new AssertionError("decoded");
  }

  private static MalformedDiameterException grammarError(DiameterMessage m) {
    try {
      CommandGrammar.check(m);
    } catch (MalformedDiameterException e) {
      return e;
    }
    throw new AssertionError("passed the grammar");
  }

  /** Proxy-Info (284, Grouped) holding itself {@code depth} times around an empty Proxy-Info. */
  static byte[] nestedProxyInfos(int depth) {
    io.netty.buffer.ByteBuf avp = Unpooled.buffer().writeInt(284).writeByte(0x40).writeMedium(8);
    for (int i = 0; i < depth; i++) {
      io.netty.buffer.ByteBuf outer = Unpooled.buffer();
      outer.writeInt(284).writeByte(0x40).writeMedium(8 + avp.readableBytes()).writeBytes(avp);
      avp = outer;
    }
    byte[] b = new byte[avp.readableBytes()];
    avp.readBytes(b);
    return b;
  }

  @Test
  void groupedAvpsNestedBeyondTheBoundAreRefusedWithInvalidAvpValue() throws Exception {
    byte[] fine = nestedProxyInfos(Avp.MAX_GROUPED_DEPTH - 1);
    assertThat(Avp.decodeAll(Unpooled.wrappedBuffer(fine), fine.length)).hasSize(1);

    byte[] deep = nestedProxyInfos(1000);
    assertThatThrownBy(() -> Avp.decodeAll(Unpooled.wrappedBuffer(deep), deep.length))
        .isInstanceOfSatisfying(
            MalformedDiameterException.class,
            e -> assertThat(e.resultCode()).isEqualTo(ResultCode.INVALID_AVP_VALUE));
  }

  @Test
  void anErrorAnswerNamingAnAvpOfTheWrongLengthInFailedAvpDecodes() throws Exception {
    // Auth-Application-Id is Unsigned32: 68 octets is what a request was refused for (5014).
    Avp offending = Avp.of(AvpCode.AUTH_APPLICATION_ID, Avp.FLAG_MANDATORY, 0, new byte[68]);
    DiameterMessage request =
        DiameterMessage.request(CommandCode.AA, 1, true, List.of()).withIdentifiers(0x102, 0x202);
    DiameterMessage answer =
        DiameterMessage.answer(
            request,
            ResultCode.INVALID_AVP_LENGTH,
            List.of(Avp.grouped(AvpCode.FAILED_AVP, List.of(offending))));

    DiameterMessage read = decode(answer.toBytes());

    assertThat(read).isEqualTo(answer);
    assertThat(read.find(AvpCode.FAILED_AVP).get().asGrouped()).containsExactly(offending);
  }
}
