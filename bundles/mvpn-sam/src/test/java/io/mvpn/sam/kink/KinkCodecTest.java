package io.mvpn.sam.kink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.sam.kink.KinkFormatException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.junit.jupiter.api.Test;

/** KINK messages written and read back (RFC 4430 §4), and what is refused with which error. */
class KinkCodecTest {

  private static final byte[] AP_REQ = {0x6e, 0x03, 0x02, 0x01, 0x05};
  private static final byte[] QUICK_MODE = {0, 0, 0, 8, 1, 2, 3, 4};

  private static KinkKey aesKey() throws Exception {
    return new KinkKey(EncryptionHandler.random2Key(EncryptionType.AES256_CTS_HMAC_SHA1_96));
  }

  private static KinkMessage create(KinkKey key) {
    return KinkMessage.of(
        KinkMessageType.CREATE,
        0xDEADBEEFL,
        true,
        List.of(
            KinkPayload.apReq(1_764_000_000L, AP_REQ),
            key.seal(List.of(new KinkPayload.Isakmp(1, QUICK_MODE)))));
  }

  @Test
  void aCreateWithApReqAndSealedQuickModeReadsBackAndItsChecksumVerifies() throws Exception {
    KinkKey key = aesKey();
    KinkMessage sent = create(key);

    byte[] wire = KinkCodec.encode(sent, key);
    KinkMessage read = KinkCodec.decode(wire);

    assertThat(read.type()).isEqualTo(KinkMessageType.CREATE);
    assertThat(read.xid()).isEqualTo(0xDEADBEEFL);
    assertThat(read.ackRequested()).isTrue();
    assertThat(read.payloads()).isEqualTo(sent.payloads());
    assertThat(read.checksumLength()).isEqualTo(12);
    assertThat(KinkCodec.verify(wire, key)).isTrue();
    KinkPayload.Octets sealed = read.first(KinkPayload.Octets.class, KinkPayloadType.ENCRYPT);
    assertThat(key.open(sealed)).containsExactly(new KinkPayload.Isakmp(1, QUICK_MODE));
  }

  @Test
  void theHeaderCarriesItsFieldsWhereRfc4430PutsThem() throws Exception {
    KinkKey key = aesKey();
    byte[] wire = KinkCodec.encode(create(key), key);
    ByteBuffer b = ByteBuffer.wrap(wire);

    assertThat(b.get(0)).isEqualTo((byte) 1); // CREATE
    assertThat(b.get(1)).isEqualTo((byte) 0x10); // MjVer 1
    assertThat(b.getShort(2) & 0xFFFF).isEqualTo(wire.length);
    assertThat(b.getInt(4)).isEqualTo(1); // DOI IPsec
    assertThat(b.getInt(8)).isEqualTo(0xDEADBEEF);
    assertThat(b.get(12)).isEqualTo((byte) KinkPayloadType.AP_REQ.code());
    assertThat(b.get(13)).isEqualTo((byte) 0x80); // ACKREQ
    assertThat(b.getShort(14)).isEqualTo((short) 12); // hmac-sha1-96
    // The AP_REQ payload: next is ENCRYPT, length counts header + epoch + AP-REQ, not padding.
    assertThat(b.get(16)).isEqualTo((byte) KinkPayloadType.ENCRYPT.code());
    assertThat(b.getShort(18)).isEqualTo((short) (4 + 4 + AP_REQ.length));
    assertThat(b.getInt(20)).isEqualTo(1_764_000_000);
    // KINK_ENCRYPT starts on the next four-octet boundary and is the last payload.
    int encrypt = 16 + ((4 + 4 + AP_REQ.length + 3) & ~3);
    assertThat(b.get(encrypt)).isEqualTo((byte) 0);
    assertThat((wire.length - 12) % 4).isZero();
  }

  @Test
  void aMessageWithoutKeyHasNoChecksumAndDoesNotVerify() throws Exception {
    KinkMessage reply =
        KinkMessage.of(
            KinkMessageType.REPLY,
            7,
            false,
            List.of(new KinkPayload.Error(KinkPayload.Error.INVDOI)));

    byte[] wire = KinkCodec.encode(reply);

    assertThat(wire).hasSize(16 + 8);
    assertThat(KinkCodec.decode(wire).payloads())
        .containsExactly(new KinkPayload.Error(KinkPayload.Error.INVDOI));
    assertThat(KinkCodec.verify(wire, aesKey())).isFalse();
  }

  @Test
  void everyKindOfPayloadReadsBack() throws Exception {
    KinkMessage all =
        KinkMessage.of(
            KinkMessageType.REPLY,
            1,
            false,
            List.of(
                KinkPayload.apRep(5, new byte[] {0x6f, 0, 1}),
                KinkPayload.krbError(new byte[] {0x7e, 1, 2, 3, 4, 5}),
                KinkPayload.tgtReq("kink/sam1.acme.mvpn.test@ACME.MVPN.TEST"),
                KinkPayload.tgtRep(new byte[] {0x61, 9}),
                new KinkPayload.Isakmp(10, new byte[0]),
                new KinkPayload.Error(KinkPayload.Error.PRIVATE_USE + 1)));

    assertThat(KinkCodec.decode(KinkCodec.encode(all)).payloads()).isEqualTo(all.payloads());
  }

  @Test
  void aFlippedBitOrAnotherKeyFailsTheChecksum() throws Exception {
    KinkKey key = aesKey();
    byte[] wire = KinkCodec.encode(create(key), key);
    byte[] flipped = wire.clone();
    flipped[21] ^= 0x01;

    assertThat(KinkCodec.verify(flipped, key)).isFalse();
    assertThat(KinkCodec.verify(wire, aesKey())).isFalse();
    assertThat(KinkCodec.verify(wire, key)).isTrue();
  }

  @Test
  void kinkEncryptUnderAnotherKeyIsRefusedAsUndecryptable() throws Exception {
    KinkPayload.Octets sealed = aesKey().seal(List.of(new KinkPayload.Isakmp(1, QUICK_MODE)));

    assertThatThrownBy(() -> aesKey().open(sealed))
        .isInstanceOfSatisfying(
            KinkFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECRYPTABLE));
  }

  @Test
  void kinkEncryptShorterThanConfounderAndChecksumIsRefusedAsUndecryptable() throws Exception {
    KinkKey key = aesKey();
    for (int length = 0; length < 28; length++) {
      KinkPayload.Octets tiny = new KinkPayload.Octets(KinkPayloadType.ENCRYPT, new byte[length]);

      assertThatThrownBy(() -> key.open(tiny))
          .as("%d octets", length)
          .isInstanceOfSatisfying(
              KinkFormatException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UNDECRYPTABLE));
    }
  }

  @Test
  void anAes128KeyChecksumsWithItsOwnTwelveOctetHmac() throws Exception {
    KinkKey key = new KinkKey(EncryptionHandler.random2Key(EncryptionType.AES128_CTS_HMAC_SHA1_96));
    byte[] wire = KinkCodec.encode(create(key), key);

    assertThat(KinkCodec.decode(wire).checksumLength()).isEqualTo(12);
    assertThat(KinkCodec.verify(wire, key)).isTrue();
  }

  private static Reason refusal(byte[] wire) {
    try {
      KinkCodec.decode(wire);
    } catch (KinkFormatException e) {
      return e.reason();
    }
    return null;
  }

  private static byte[] plainCreate() {
    return KinkCodec.encode(
        KinkMessage.of(KinkMessageType.CREATE, 9, false, List.of(KinkPayload.apReq(1, AP_REQ))));
  }

  @Test
  void malformedHeadersAreRefusedWithTheirKinkError() {
    byte[] good = plainCreate();
    byte[] version2 = good.clone();
    version2[1] = 0x20;
    byte[] doi2 = good.clone();
    doi2[7] = 2;
    byte[] type9 = good.clone();
    type9[0] = 9;
    byte[] longer = good.clone();
    longer[3] += 4;
    byte[] checksumTooLong = good.clone();
    checksumTooLong[15] = (byte) (good.length - 15);

    assertThat(refusal(Arrays.copyOf(good, 15))).isEqualTo(Reason.TRUNCATED);
    assertThat(refusal(version2)).isEqualTo(Reason.INVALID_MAJOR_VERSION);
    assertThat(Reason.INVALID_MAJOR_VERSION.kinkError()).isEqualTo(KinkPayload.Error.INVMAJ);
    assertThat(refusal(doi2)).isEqualTo(Reason.INVALID_DOI);
    assertThat(Reason.INVALID_DOI.kinkError()).isEqualTo(KinkPayload.Error.INVDOI);
    assertThat(refusal(type9)).isEqualTo(Reason.UNKNOWN_MESSAGE_TYPE);
    assertThat(refusal(longer)).isEqualTo(Reason.TRUNCATED);
    assertThat(refusal(checksumTooLong)).isEqualTo(Reason.BAD_LENGTH);
  }

  @Test
  void malformedPayloadsAreRefusedWithTheirKinkError() {
    byte[] good = plainCreate();
    byte[] unknownFirst = good.clone();
    unknownFirst[12] = 99;
    byte[] overlong = good.clone();
    overlong[19] = (byte) (good.length);
    byte[] shortAp = good.clone();
    shortAp[19] = 6;
    byte[] afterEncrypt =
        KinkCodec.encode(
            KinkMessage.of(
                KinkMessageType.CREATE,
                9,
                false,
                List.of(
                    KinkPayload.krbError(new byte[] {1}), KinkPayload.krbError(new byte[] {2}))));
    afterEncrypt[12] = (byte) KinkPayloadType.ENCRYPT.code();
    byte[] quickMode2 =
        KinkCodec.encode(
            KinkMessage.of(
                KinkMessageType.CREATE, 9, false, List.of(new KinkPayload.Isakmp(1, QUICK_MODE))));
    quickMode2[21] = 0x20;

    assertThat(refusal(unknownFirst)).isEqualTo(Reason.UNKNOWN_PAYLOAD);
    assertThat(refusal(overlong)).isEqualTo(Reason.TRUNCATED);
    assertThat(refusal(shortAp)).isEqualTo(Reason.BAD_LENGTH);
    assertThat(refusal(afterEncrypt)).isEqualTo(Reason.PAYLOAD_AFTER_ENCRYPT);
    assertThat(refusal(quickMode2)).isEqualTo(Reason.BAD_QUICK_MODE_VERSION);
    assertThat(Reason.BAD_QUICK_MODE_VERSION.kinkError()).isEqualTo(KinkPayload.Error.BADQMVERS);
  }

  @Test
  void noTruncationOrRandomDamageEscapesAsAnythingButAKinkFormatException() throws Exception {
    KinkKey key = aesKey();
    byte[] good = KinkCodec.encode(create(key), key);
    Random random = new Random(4430);
    int refused = 0;
    for (int cut = 0; cut < good.length; cut++) {
      refused += refusal(Arrays.copyOf(good, cut)) != null ? 1 : 0;
    }
    for (int i = 0; i < 20_000; i++) {
      byte[] damaged = good.clone();
      for (int hits = 1 + random.nextInt(4); hits > 0; hits--) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      if (refusal(damaged) == null) {
        // What still parses must not pass as the sender's message.
        assertThat(Arrays.equals(damaged, good) || !KinkCodec.verify(damaged, key)).isTrue();
      }
    }
    assertThat(refused).isEqualTo(good.length);
  }

  @Test
  void verifyingADatagramShorterThanItsHeaderOrItsChecksumSaysNoRatherThanThrowing()
      throws Exception {
    KinkKey key = aesKey();
    byte[] wire = KinkCodec.encode(create(key), key);
    for (int n = 0; n < 16; n++) {
      assertThat(KinkCodec.verify(Arrays.copyOf(wire, n), key)).as("%d octets", n).isFalse();
    }
    byte[] claimsAllChecksum = wire.clone();
    ByteBuffer.wrap(claimsAllChecksum).putShort(14, (short) (wire.length - 8));
    assertThat(KinkCodec.verify(claimsAllChecksum, key)).isFalse();
  }
}
