package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.ipsec.StoredEspTunnel;
import io.mvpn.api.ipsec.StoredEspTunnel.RetiringInbound;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The state file's SA records: every suite round trips, and what AES-GCM-only releases wrote reads.
 */
class EspSaCodecTest {

  static final Ipv4Address HOME = Ipv4Address.parse("10.250.0.5");
  static final Ipv4Address NAT = Ipv4Address.parse("203.0.113.70");
  static final long INSTALLED = 1_700_000_000_000_000_000L;

  /**
   * A tunnel as the AES-GCM-only format wrote it: AES-256-GCM in with ESN, AES-128-GCM out, one
   * retiring inbound SA, keys counting up from 0x10, 0x40 and 0x60.
   */
  static final String AES_GCM_ONLY_TUNNEL =
      "010afa0005c0010001000120101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f04"
          + "3031323300c0010002000010404142434445464748494a4b4c4d4e4f045051525300cb007146a028119400"
          + "0000807fffffffffffffff7fffffffffffffff7fffffffffffffff7fffffffffffffff0000000000000bb8"
          + "0000000000000e1017979cfe362a00000001c0010003000120606162636465666768696a6b6c6d6e6f7071"
          + "72737475767778797a7b7c7d7e7f048081828300000000407fffffffffffffff7fffffffffffffff7fffff"
          + "ffffffffff7fffffffffffffff7fffffffffffffff7fffffffffffffff17979c156184f000";

  /** A workgroup gateway's SA as the same format wrote it: the tunnel's inbound keys. */
  static final String AES_GCM_ONLY_WORKGROUP_SA =
      "01c63364140006676c6f6265780a010007c0010001000120101112131415161718191a1b1c1d1e1f20212223"
          + "2425262728292a2b2c2d2e2f043031323300000000407fffffffffffffff7fffffffffffffff7fffffffff"
          + "ffffff7fffffffffffffff0000000000000bb80000000000000e1017979cfe362a0000";

  static byte[] counting(int length, int from) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  static EspSaKeys keys(int spi, Algorithm a, int keyBytes, int from, boolean esn) {
    return EspSaKeys.fromKeymat(spi, a, counting(a.keymatLength(keyBytes), from), esn);
  }

  static StoredEspTunnel tunnel(EspSaKeys in, EspSaKeys out, EspSaKeys retiring) {
    return new StoredEspTunnel(
        new EspTunnel(HOME, in, out, NAT, 41_000, 4500, 128, SaLifetime.seconds(3000, 3600)),
        INSTALLED,
        List.of(new RetiringInbound(retiring, 64, SaLifetime.UNLIMITED, INSTALLED - 1)));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aTunnelOfEverySuiteAndKeySizeRoundTripsWithItsIntegrityKey(Algorithm a) {
    for (int keyBytes : a.encryptionKeyLengths()) {
      StoredEspTunnel t =
          tunnel(
              keys(0xc0020001, a, keyBytes, 0x10, true),
              keys(0xc0020002, a, keyBytes, 0x70, false),
              keys(0xc0020003, a, keyBytes, 0x30, true));

      StoredEspTunnel back = EspSaCodec.decodeTunnel(EspSaCodec.encode(t));

      assertThat(back).isEqualTo(t);
      assertThat(back.tunnel().outbound().algorithm()).isEqualTo(a);
      assertThat(back.tunnel().outbound().integrityKey())
          .isEqualTo(t.tunnel().outbound().integrityKey())
          .hasSize(a.integrityKeyLength());
      assertThat(back.retiring().get(0).keys().keymat())
          .isEqualTo(t.retiring().get(0).keys().keymat());
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aWorkgroupSaOfEverySuiteRoundTrips(Algorithm a) {
    StoredWorkgroupSa sa =
        new StoredWorkgroupSa(
            Ipv4Address.parse("198.51.100.20"),
            new MemberId(MvpnId.of("globex"), Ipv4Address.parse("10.1.0.7")),
            keys(0xc0030001, a, 32, 0x55, true),
            64,
            SaLifetime.seconds(3000, 3600),
            INSTALLED);

    assertThat(WorkgroupCodec.decodeSa(WorkgroupCodec.encode(sa))).isEqualTo(sa);
  }

  @Test
  void aTunnelWrittenBeforeTheOtherSuitesReadsAsAesGcm() {
    StoredEspTunnel back = EspSaCodec.decodeTunnel(HexFormat.of().parseHex(AES_GCM_ONLY_TUNNEL));

    EspSaKeys in = EspSaKeys.aesGcm(0xc0010001, counting(36, 0x10), true);
    EspSaKeys out = EspSaKeys.aesGcm(0xc0010002, counting(20, 0x40), false);
    EspSaKeys old = EspSaKeys.aesGcm(0xc0010003, counting(36, 0x60), true);
    assertThat(back.tunnel())
        .isEqualTo(
            new EspTunnel(HOME, in, out, NAT, 41_000, 4500, 128, SaLifetime.seconds(3000, 3600)));
    assertThat(back.installedAtUnixNanos()).isEqualTo(INSTALLED);
    assertThat(back.retiring())
        .containsExactly(
            new RetiringInbound(old, 64, SaLifetime.UNLIMITED, 1_699_999_000_000_000_000L));
    // Written again, it is the same record: nothing about AES-GCM changed in the format.
    assertThat(HexFormat.of().formatHex(EspSaCodec.encode(back))).isEqualTo(AES_GCM_ONLY_TUNNEL);
  }

  @Test
  void aWorkgroupSaWrittenBeforeTheOtherSuitesReadsAsAesGcm() {
    StoredWorkgroupSa back =
        WorkgroupCodec.decodeSa(HexFormat.of().parseHex(AES_GCM_ONLY_WORKGROUP_SA));

    assertThat(back.keys()).isEqualTo(EspSaKeys.aesGcm(0xc0010001, counting(36, 0x10), true));
    assertThat(back.party().tenant()).isEqualTo(MvpnId.of("globex"));
    assertThat(HexFormat.of().formatHex(WorkgroupCodec.encode(back)))
        .isEqualTo(AES_GCM_ONLY_WORKGROUP_SA);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void anAlgorithmWithoutACodeIsRefusedByNameRatherThanWrittenAsFf(Algorithm algorithm) {
    List<Algorithm> others =
        List.of(Algorithm.values()).stream().filter(a -> a != algorithm).toList();
    assertThatThrownBy(() -> EspSaCodec.code(algorithm, others))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(algorithm.name());
    assertThat(EspSaCodec.code(algorithm, List.of(Algorithm.values())))
        .isEqualTo(algorithm.ordinal());
  }

  @Test
  void anUnknownAlgorithmOrKeysItCannotRunAreRefusedAsABadRecord() {
    byte[] record = HexFormat.of().parseHex(AES_GCM_ONLY_TUNNEL);
    byte[] unknown = record.clone();
    unknown[9] = 9; // the inbound keys' algorithm byte, after version, home and SPI
    assertThatThrownBy(() -> EspSaCodec.decodeTunnel(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ESP algorithm 9");
    byte[] cbcWithASalt = record.clone();
    cbcWithASalt[9] = 1; // AES-CBC with SHA-256, but a salt and no integrity key
    assertThatThrownBy(() -> EspSaCodec.decodeTunnel(cbcWithASalt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AES_CBC_HMAC_SHA2_256_128");
  }
}
