package io.mvpn.aodv.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.aodv.message.AodvFormatException.Reason;
import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed 002's PKI Certificate and PKI Signature extensions: layout, round trips, bad input. */
class PkiExtensionsTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final RouteReply HELLO =
      RouteReply.hello(Ipv4Address.parse("10.1.0.3"), 5, 1000, 2, true);

  @Test
  void aCertificateTravelsInFullPartsThenARestAndTheSignatureLast() throws Exception {
    byte[] der = new byte[300];
    for (int i = 0; i < der.length; i++) {
      der[i] = (byte) i;
    }
    byte[] sig = new byte[64];
    sig[0] = (byte) 0xAB;
    RouteReply unsigned =
        PkiSignature.unsigned(HELLO, PkiCertificate.of(der).toExtensions(), 0x0102, 0x0A0B, 64);
    RouteReply signed = PkiSignature.signed(unsigned, sig);
    String wire = HEX.formatHex(bytes(signed));

    String fixed = "02000000" + "0a010003" + "00000005" + "0a010003" + "000007d0" + "0104000003e8";
    String part1 = "e8ff" + "010102" + HEX.formatHex(der, 0, 252);
    String part2 = "e833" + "010202" + HEX.formatHex(der, 252, 300);
    String head = "e950" + "0000000000000102" + "0000000000000a0b";
    assertThat(wire).isEqualTo(fixed + part1 + part2 + head + HEX.formatHex(sig));
    assertThat(PkiSignature.signedBytes(signed))
        .isEqualTo(HEX.parseHex(fixed + part1 + part2 + head));

    RouteReply parsed = (RouteReply) AodvMessages.parse(Unpooled.wrappedBuffer(bytes(signed)));
    assertThat(parsed).isEqualTo(signed);
    assertThat(PkiCertificate.of(parsed)).isEqualTo(PkiCertificate.of(der));
    assertThat(PkiSignature.of(parsed)).isEqualTo(new PkiSignature(0x0102, 0x0A0B, sig));
  }

  @Test
  void aReferenceCarriesTheFingerprintAndTheDnsName() throws Exception {
    byte[] sha = new byte[32];
    sha[31] = 9;
    PkiCertificate ref = PkiCertificate.reference(sha, "alice.certs.acme.example.");
    List<AodvExtension> parts = ref.toExtensions();

    assertThat(parts).hasSize(1);
    assertThat(HEX.formatHex(parts.get(0).data()))
        .isEqualTo(
            "020101" + HEX.formatHex(sha) + HEX.formatHex("alice.certs.acme.example.".getBytes()));
    PkiCertificate back = PkiCertificate.join(parts);
    assertThat(back.dnsName()).isEqualTo("alice.certs.acme.example.");
    assertThat(back.fingerprint()).isEqualTo(sha);
  }

  @Test
  void partsOutOfOrderOrMixedOrSplitAreTypedErrors() {
    List<AodvExtension> parts = PkiCertificate.of(new byte[600]).toExtensions();
    List<AodvExtension> swapped =
        new ArrayList<>(List.of(parts.get(1), parts.get(0), parts.get(2)));
    byte[] mixed = parts.get(1).data();
    mixed[0] = 2;
    List<AodvExtension> withMixed =
        List.of(parts.get(0), AodvExtension.of(AodvExtension.PKI_CERTIFICATE, mixed), parts.get(2));
    RouteReply split =
        new RouteReply(
            0,
            0,
            0,
            HELLO.destination(),
            1,
            HELLO.originator(),
            1000,
            List.of(parts.get(0), AodvExtension.helloInterval(1000), parts.get(1), parts.get(2)));

    assertThat(reason(() -> PkiCertificate.join(swapped))).isEqualTo(Reason.BAD_EXTENSION_VALUE);
    assertThat(reason(() -> PkiCertificate.join(withMixed))).isEqualTo(Reason.BAD_EXTENSION_VALUE);
    assertThat(reason(() -> PkiCertificate.of(split))).isEqualTo(Reason.BAD_EXTENSION_VALUE);
    assertThat(reason(() -> PkiCertificate.join(parts.subList(0, 2))))
        .isEqualTo(Reason.BAD_EXTENSION_VALUE);
    assertThat(
            reason(
                () ->
                    PkiSignature.parse(
                        AodvExtension.of(AodvExtension.PKI_SIGNATURE, new byte[16]))))
        .isEqualTo(Reason.BAD_EXTENSION_LENGTH);
  }

  @Test
  void moreThanSixteenPartsAreRefusedByTheirCountBeforeAnyIsRead() {
    AodvExtension one = PkiCertificate.of(new byte[10]).toExtensions().get(0);
    List<AodvExtension> tooMany = java.util.Collections.nCopies(100_000, one);

    AodvFormatException e =
        catchThrowableOfType(AodvFormatException.class, () -> PkiCertificate.join(tooMany));

    assertThat(e.reason()).isEqualTo(Reason.BAD_EXTENSION_VALUE);
    assertThat(e.getMessage()).contains("100000 certificate parts, at most 16");
  }

  @Test
  void aSignatureThatIsNotLastIsATypedError() throws Exception {
    RouteReply unsigned = PkiSignature.unsigned(HELLO, List.of(), 1, 2, 64);
    List<AodvExtension> ext = new ArrayList<>(unsigned.extensions());
    ext.add(AodvExtension.helloInterval(5));
    RouteReply trailing =
        new RouteReply(0, 0, 0, HELLO.destination(), 1, HELLO.originator(), 1000, ext);

    assertThat(reason(() -> PkiSignature.of(trailing))).isEqualTo(Reason.BAD_EXTENSION_VALUE);
  }

  private interface Parse {
    void run() throws AodvFormatException;
  }

  private static Reason reason(Parse p) {
    return catchThrowableOfType(AodvFormatException.class, p::run).reason();
  }

  static byte[] bytes(AodvMessage m) {
    ByteBuf b = m.encode(AodvSamples.ALLOC);
    try {
      byte[] out = new byte[b.readableBytes()];
      b.readBytes(out);
      return out;
    } finally {
      b.release();
    }
  }
}
