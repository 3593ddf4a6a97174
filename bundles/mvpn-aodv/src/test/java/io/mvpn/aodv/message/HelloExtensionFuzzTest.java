package io.mvpn.aodv.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of seed 002's Hello Authentication, Site Routes, PKI Certificate and PKI
 * Signature extensions: whatever the data, a parser gives a typed error or fields that write back
 * to the same bytes. The first byte picks the extension; the rest, cut to 255 bytes, is its data. A
 * certificate part is fuzzed alone and as the middle of three parts.
 */
class HelloExtensionFuzzTest {

  @FuzzTest(maxDuration = "30m")
  void anyExtensionDataParsesToItselfOrATypedError(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] data = Arrays.copyOfRange(input, 1, Math.min(input.length, 256));
    if ((input[0] & 2) != 0) {
      pkiExtension((input[0] & 1) == 0, data);
      return;
    }
    boolean auth = (input[0] & 1) == 0;
    AodvExtension e =
        AodvExtension.of(auth ? AodvExtension.HELLO_AUTH : AodvExtension.SITE_ROUTES, data);
    try {
      AodvExtension again =
          auth ? HelloAuthentication.parse(e).toExtension() : SiteRoutes.parse(e).toExtension();
      assertThat(again).isEqualTo(e);
    } catch (AodvFormatException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  private static void pkiExtension(boolean certificate, byte[] data) {
    if (certificate) {
      AodvExtension e = AodvExtension.of(AodvExtension.PKI_CERTIFICATE, data);
      List<AodvExtension> three = PkiCertificate.of(new byte[600]).toExtensions();
      joinsBackOrFails(List.of(e));
      joinsBackOrFails(List.of(three.get(0), e, three.get(2)));
      return;
    }
    AodvExtension e = AodvExtension.of(AodvExtension.PKI_SIGNATURE, data);
    try {
      assertThat(PkiSignature.parse(e).toExtension()).isEqualTo(e);
    } catch (AodvFormatException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  private static void joinsBackOrFails(List<AodvExtension> parts) {
    try {
      assertThat(PkiCertificate.join(parts).toExtensions()).isEqualTo(parts);
    } catch (AodvFormatException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }
}
