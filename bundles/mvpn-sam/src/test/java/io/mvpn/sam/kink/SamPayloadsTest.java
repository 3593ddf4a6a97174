package io.mvpn.sam.kink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.sam.kink.KinkFormatException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.junit.jupiter.api.Test;

/**
 * mvpn's SAM extension payloads (docs/protocols.md, "KINK"): each suite's SA reads back through
 * KINK_ENCRYPT, the layout puts IKEv2's transform IDs where it says, and an SA in clear or with
 * lengths that contradict its suite is refused.
 */
class SamPayloadsTest {

  private static KinkKey key() throws Exception {
    return new KinkKey(EncryptionHandler.random2Key(EncryptionType.AES256_CTS_HMAC_SHA1_96));
  }

  private static EspSaKeys keys(int spi, Algorithm algorithm, int keyBytes) {
    byte[] keymat = new byte[algorithm.keymatLength(keyBytes)];
    Arrays.fill(keymat, (byte) spi);
    return EspSaKeys.fromKeymat(spi, algorithm, keymat, algorithm == Algorithm.AES_GCM_16);
  }

  private static KinkPayload.SamSa sa(Algorithm algorithm, int keyBytes) {
    return new KinkPayload.SamSa(
        "node07", keys(0x1111, algorithm, keyBytes), keys(0x2222, algorithm, keyBytes), 28_800);
  }

  @Test
  void anSaOfEverySuiteReadsBackThroughKinkEncrypt() throws Exception {
    KinkKey key = key();
    for (Algorithm algorithm : Algorithm.values()) {
      int keyBytes =
          algorithm.encryptionKeyLengths().get(algorithm.encryptionKeyLengths().size() - 1);
      KinkPayload.SamSa sent = sa(algorithm, keyBytes);
      byte[] wire =
          KinkCodec.encode(
              KinkMessage.of(
                  KinkMessageType.SAM_GRANT,
                  7,
                  false,
                  List.of(key.seal(List.of(new KinkPayload.SamPeer("node07"), sent)))),
              key);

      KinkMessage read = KinkCodec.decode(wire);

      assertThat(read.type()).isEqualTo(KinkMessageType.SAM_GRANT);
      assertThat(KinkCodec.verify(wire, key)).isTrue();
      assertThat(key.open(read.first(KinkPayload.Octets.class, KinkPayloadType.ENCRYPT)))
          .containsExactly(new KinkPayload.SamPeer("node07"), sent);
    }
  }

  @Test
  void theSaLayoutNamesItsSuiteByIkev2TransformIds() {
    byte[] gcm = SamSaLayout.encode(sa(Algorithm.AES_GCM_16, 32));
    byte[] cbc = SamSaLayout.encode(sa(Algorithm.AES_CBC_HMAC_SHA2_384_192, 16));

    ByteBuffer g = ByteBuffer.wrap(gcm);
    assertThat(g.getShort(0)).isEqualTo((short) 20);
    assertThat(g.getShort(2)).isZero();
    assertThat(g.getShort(4)).isEqualTo((short) 256);
    assertThat(g.get(6)).isEqualTo((byte) 1);
    assertThat(g.getInt(8)).isEqualTo(28_800);
    assertThat(g.getInt(12)).isEqualTo(0x1111);
    assertThat(g.getInt(16)).isEqualTo(0x2222);
    assertThat(g.getShort(20)).isEqualTo((short) 6);
    assertThat(gcm).hasSize(22 + 6 + 2 * 36);
    ByteBuffer c = ByteBuffer.wrap(cbc);
    assertThat(c.getShort(0)).isEqualTo((short) 12);
    assertThat(c.getShort(2)).isEqualTo((short) 13);
    assertThat(cbc).hasSize(22 + 6 + 2 * (16 + 48));
  }

  @Test
  void anSaOutsideKinkEncryptIsRefusedBothWays() throws Exception {
    assertThatThrownBy(
            () ->
                KinkMessage.of(
                    KinkMessageType.SAM_GRANT, 1, false, List.of(sa(Algorithm.AES_GCM_16, 32))))
        .isInstanceOf(IllegalArgumentException.class);
    // Written by hand as a peer that ignores the rule would: SAM_SA as the header's first payload.
    byte[] value = SamSaLayout.encode(sa(Algorithm.AES_GCM_16, 32));
    ByteBuffer wire = ByteBuffer.allocate(16 + 4 + value.length + (-value.length & 3));
    wire.put((byte) 129).put((byte) 0x10).putShort((short) wire.capacity()).putInt(1).putInt(1);
    wire.put((byte) 129).put((byte) 0).putShort((short) 0);
    wire.put((byte) 0).put((byte) 0).putShort((short) (4 + value.length)).put(value);

    assertThatThrownBy(() -> KinkCodec.decode(wire.array()))
        .isInstanceOf(KinkFormatException.class)
        .extracting(e -> ((KinkFormatException) e).reason())
        .isEqualTo(Reason.SAM_PAYLOAD_IN_CLEAR);
  }

  @Test
  void anSaWhoseLengthsContradictItsSuiteIsRefused() {
    byte[] good = SamSaLayout.encode(sa(Algorithm.AES_GCM_16, 32));
    byte[] shortKey = good.clone();
    ByteBuffer.wrap(shortKey).putShort(4, (short) 128);
    byte[] unknownSuite = good.clone();
    ByteBuffer.wrap(unknownSuite).putShort(0, (short) 99);
    byte[] cut = Arrays.copyOf(good, good.length - 1);

    for (byte[] bad : List.of(shortKey, unknownSuite, cut, new byte[10])) {
      assertThatThrownBy(() -> SamSaLayout.decode(bad))
          .isInstanceOf(KinkFormatException.class)
          .extracting(e -> ((KinkFormatException) e).reason())
          .isEqualTo(Reason.BAD_SAM_PAYLOAD);
    }
  }
}
