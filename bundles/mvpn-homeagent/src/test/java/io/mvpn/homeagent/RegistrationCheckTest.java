package io.mvpn.homeagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.Binding;
import io.mvpn.homeagent.RegistrationCheck.Action;
import io.mvpn.homeagent.RegistrationCheck.Verdict;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.mip.UdpTunnel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The home agent's registration decision, step by step in the order of RFC 5944 §3.8.2 (with RFC
 * 3024's and RFC 3519's additions): one request in, one verdict out, no network, no store.
 */
class RegistrationCheckTest {

  private static final int HA = Ipv4Address.parse("198.51.100.10").toInt();
  private static final int HOME = Ipv4Address.parse("10.1.0.5").toInt();
  private static final int COA = Ipv4Address.parse("203.0.113.51").toInt();
  private static final int NAT = Ipv4Address.parse("192.0.2.7").toInt();
  private static final int FA = Ipv4Address.parse("203.0.113.11").toInt();
  private static final long SPI = 1000;
  private static final long FA_SPI = 2000;
  private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  private static final byte[] FA_KEY = HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  private static final byte[] OTHER_KEY =
      HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");

  /** The home agent's clock, NTP seconds. */
  private static final long NOW = 3_970_000_000L;

  private static final int REVERSE_TUNNEL =
      MipConstants.FLAG_DECAPSULATION_BY_MN | MipConstants.FLAG_REVERSE_TUNNEL;

  private final RegistrationCheck check =
      new RegistrationCheck(
          new HomeAgentConfig(
              MvpnId.of("acme"),
              Ipv4Address.of(HA),
              List.of(Prefix.parse("10.1.0.0/16")),
              List.of(new AssociationSpec(Ipv4Address.of(HOME), SPI, Algorithm.HMAC_MD5, KEY)),
              600,
              7,
              null,
              List.of(
                  new AssociationSpec(Ipv4Address.of(FA), FA_SPI, Algorithm.HMAC_MD5, FA_KEY))));

  private final MobilitySecurityAssociation mnHa =
      new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, KEY);
  private final MobilitySecurityAssociation faHa =
      new MobilitySecurityAssociation(FA_SPI, Algorithm.HMAC_MD5, FA_KEY);

  private static long fresh(int counter) {
    return (NOW << 32) | counter;
  }

  private static RegistrationBuilder request(int flags, int lifetime, long id) {
    return request(flags, lifetime, HOME, HA, id);
  }

  private static RegistrationBuilder request(int flags, int lifetime, int home, int ha, long id) {
    return RegistrationBuilder.request(
        io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, flags, lifetime, home, ha, COA, id);
  }

  private RegistrationBuilder signed(int flags, int lifetime, long id) {
    return request(flags, lifetime, id).authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa);
  }

  /** A registration from the care-of address whose MN-HA authenticator {@code sa} computed. */
  private Verdict signedBy(MobilitySecurityAssociation sa) {
    return decide(
        request(REVERSE_TUNNEL, 300, fresh(1))
            .authenticate(MipConstants.EXT_MN_HA_AUTH, sa)
            .build());
  }

  /** An RFC 3519 tunnel request extension's data, with every field chosen. */
  private static ByteBuf tunnelRequest(int flags, int encapsulation, int reserved3) {
    return Unpooled.buffer()
        .writeByte(0)
        .writeByte(0)
        .writeByte(flags)
        .writeByte(encapsulation)
        .writeShort(reserved3);
  }

  private Verdict decide(ByteBuf message, int source, OptionalLong last) {
    try {
      return check.check(RegistrationRequest.parse(message), source, last, NOW);
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    }
  }

  private Verdict decide(ByteBuf message) {
    return decide(message, COA, OptionalLong.empty());
  }

  // ---- authentication comes first (RFC 5944 §3.8.2.1, §3.2) -----------------------------------

  @Test
  void aRequestWithoutAnyAuthenticatorIsRefusedWith131AndTheReplyIsUnsigned() {
    Verdict v = decide(request(REVERSE_TUNNEL, 300, fresh(1)).build());
    assertThat(v.action()).isEqualTo(Action.DENY);
    assertThat(v.code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
    assertThat(v.mnHa()).isNull();
    assertThat(v.lifetime()).isZero();
    assertThat(v.identification()).isEqualTo(fresh(1));
  }

  @Test
  void aRequestSignedWithAnotherKeyIsRefusedWith131() {
    var other = new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, OTHER_KEY);
    Verdict v = signedBy(other);
    assertThat(v.code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
  }

  @Test
  void anAuthenticatorUnderAnSpiTheNodeDoesNotHaveIsRefusedWith131() {
    var unknownSpi = new MobilitySecurityAssociation(SPI + 1, Algorithm.HMAC_MD5, KEY);
    Verdict v = signedBy(unknownSpi);
    assertThat(v.code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
  }

  @Test
  void anMnFaAuthenticatorBeforeTheMnHaOneIsRefusedWith131() {
    // MN-HA must be the first authentication extension (RFC 5944 §3.2).
    Verdict v =
        decide(
            request(REVERSE_TUNNEL, 300, fresh(1))
                .authenticate(MipConstants.EXT_MN_FA_AUTH, mnHa)
                .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
                .build());
    assertThat(v.code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
  }

  @Test
  void aRequestThatWouldAlsoBeAReplayIsRefusedFirstForItsAuthenticatorWith131() {
    var other = new MobilitySecurityAssociation(SPI, Algorithm.HMAC_MD5, OTHER_KEY);
    Verdict v =
        decide(
            request(MipConstants.FLAG_RESERVED_X, 300, HOME, 0, fresh(1))
                .authenticate(MipConstants.EXT_MN_HA_AUTH, other)
                .build(),
            COA,
            OptionalLong.of(fresh(9)));
    assertThat(v.code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
  }

  @Test
  void aHomeAddressOutsideTheHomeRealmsHasNoKeyAndIsRefusedWith131() {
    // Every key's node lies in a home realm (HomeAgentConfig checks it), so a home address
    // outside them fails authentication before the realm check (129) is reached.
    Verdict v =
        decide(
            request(REVERSE_TUNNEL, 300, Ipv4Address.parse("10.2.0.5").toInt(), HA, fresh(1))
                .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
                .build());
    assertThat(v.code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
  }

  // ---- the relaying foreign agent (§3.8.2.1) ----------------------------------------------------

  @Test
  void aRequestRelayedByAForeignAgentWeShareAKeyWithButWithoutFaHaIsRefusedWith132() {
    Verdict v = decide(signed(REVERSE_TUNNEL, 300, fresh(1)).build(), FA, OptionalLong.empty());
    assertThat(v.code()).isEqualTo(ReplyCode.HA_FA_AUTH_FAILED);
    // The node was authenticated: the denial is signed for it, and for the foreign agent.
    assertThat(v.mnHa()).isNotNull();
    assertThat(v.faHa()).isNotNull();
  }

  @Test
  void aRequestWithAForgedFaHaAuthenticatorIsRefusedWith132() {
    var forged = new MobilitySecurityAssociation(FA_SPI, Algorithm.HMAC_MD5, OTHER_KEY);
    Verdict v =
        decide(
            signed(REVERSE_TUNNEL, 300, fresh(1))
                .authenticate(MipConstants.EXT_FA_HA_AUTH, forged)
                .build(),
            FA,
            OptionalLong.empty());
    assertThat(v.code()).isEqualTo(ReplyCode.HA_FA_AUTH_FAILED);
  }

  @Test
  void aRequestRelayedWithAValidFaHaAuthenticatorIsAcceptedAndItsReplySignedForTheAgent() {
    Verdict v =
        decide(
            signed(MipConstants.FLAG_REVERSE_TUNNEL, 300, fresh(1))
                .authenticate(MipConstants.EXT_FA_HA_AUTH, faHa)
                .build(),
            FA,
            OptionalLong.empty());
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.action()).isEqualTo(Action.REGISTER);
    assertThat(v.faHa()).isNotNull();
  }

  @Test
  void aDeregistrationRelayedByAForeignAgentNeedsNoFaHaAuthenticator() {
    // Foreign agents add no FA-HA extension to deregistrations (RFC 5944 §3.7.2.2).
    Verdict v = decide(signed(REVERSE_TUNNEL, 0, fresh(1)).build(), FA, OptionalLong.empty());
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.action()).isEqualTo(Action.DEREGISTER);
  }

  // ---- the home agent field (§3.8.2.2) ----------------------------------------------------------

  @Test
  void aRequestNamingAnotherHomeAgentIsRefusedWith136() {
    int other = Ipv4Address.parse("198.51.100.20").toInt();
    Verdict v =
        decide(
            request(REVERSE_TUNNEL, 300, HOME, other, fresh(1))
                .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
                .build());
    assertThat(v.code()).isEqualTo(ReplyCode.HA_UNKNOWN_HA_ADDRESS);
    assertThat(v.mnHa()).isNotNull();
  }

  @Test
  void aRequestToTheBroadcastOrZeroHomeAgentAddressIsRefusedWith136() {
    // Dynamic home agent discovery: the 136 reply names this home agent (RegistrationReplier).
    for (int ha : new int[] {0xFFFFFFFF, 0, Ipv4Address.parse("198.51.100.255").toInt()}) {
      Verdict v =
          decide(
              request(REVERSE_TUNNEL, 300, HOME, ha, fresh(1))
                  .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
                  .build());
      assertThat(v.code()).isEqualTo(ReplyCode.HA_UNKNOWN_HA_ADDRESS);
    }
  }

  // ---- identification and timestamps (§5.7) -----------------------------------------------------

  @Test
  void aReplayedIdentificationIsRefusedWith133CarryingTheHomeAgentsTime() {
    long id = fresh(5);
    Verdict v = decide(signed(REVERSE_TUNNEL, 300, id).build(), COA, OptionalLong.of(id));
    assertThat(v.code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
    assertThat(v.identification() >>> 32).isEqualTo(NOW);
    assertThat(v.identification() & 0xFFFFFFFFL).isEqualTo(5);
    assertThat(v.lifetime()).isZero();
    // Signed, so the node can trust the time it resynchronises to.
    assertThat(v.mnHa()).isNotNull();
  }

  @Test
  void anIdentificationBelowTheLastAcceptedOneIsRefusedWith133() {
    Verdict v =
        decide(signed(REVERSE_TUNNEL, 300, fresh(4)).build(), COA, OptionalLong.of(fresh(5)));
    assertThat(v.code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
  }

  @Test
  void aTimestampBeyondTheToleranceEitherWayIsRefusedWith133() {
    long behind = ((NOW - 8) << 32) | 0xABCD;
    Verdict v = decide(signed(REVERSE_TUNNEL, 300, behind).build());
    assertThat(v.code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
    assertThat(v.identification()).isEqualTo((NOW << 32) | 0xABCD);

    long ahead = ((NOW + 8) << 32) | 1;
    assertThat(decide(signed(REVERSE_TUNNEL, 300, ahead).build()).code())
        .isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
  }

  @Test
  void aTimestampWithinTheToleranceAndAboveTheLastIsAccepted() {
    long slightlyBehind = ((NOW - 7) << 32) | 1;
    Verdict v =
        decide(
            signed(REVERSE_TUNNEL, 300, slightlyBehind).build(),
            COA,
            OptionalLong.of(((NOW - 20) << 32) | 99));
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.identification()).isEqualTo(slightlyBehind);
  }

  // ---- the request's own fields ---------------------------------------------------------------

  @Test
  void aRequestWithAReservedFlagSetIsRefusedWith134() {
    for (int reserved : new int[] {MipConstants.FLAG_RESERVED_R, MipConstants.FLAG_RESERVED_X}) {
      Verdict v = decide(signed(REVERSE_TUNNEL | reserved, 300, fresh(1)).build());
      assertThat(v.code()).isEqualTo(ReplyCode.HA_POORLY_FORMED_REQUEST);
    }
  }

  @Test
  void aRequestForMinimalOrGreEncapsulationIsRefusedWith139() {
    for (int encapsulation : new int[] {MipConstants.FLAG_MINIMAL, MipConstants.FLAG_GRE}) {
      Verdict v = decide(signed(REVERSE_TUNNEL | encapsulation, 300, fresh(1)).build());
      assertThat(v.code()).isEqualTo(RegistrationCheck.HA_ENCAPSULATION_UNAVAILABLE).isEqualTo(139);
    }
  }

  @Test
  void aRequestedLifetimeAboveTheMaximumIsReducedToIt() {
    assertThat(decide(signed(REVERSE_TUNNEL, 5000, fresh(1)).build()).lifetime()).isEqualTo(600);
    assertThat(decide(signed(REVERSE_TUNNEL, MipConstants.INFINITE_LIFETIME, fresh(2)).build()))
        .extracting(Verdict::code, Verdict::lifetime)
        .containsExactly(ReplyCode.ACCEPTED, 600);
    assertThat(decide(signed(REVERSE_TUNNEL, 300, fresh(3)).build()).lifetime()).isEqualTo(300);
  }

  @Test
  void aRequestWithReverseTunnellingIsAcceptedWith0() {
    Verdict v = decide(signed(REVERSE_TUNNEL, 300, fresh(1)).build());
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.action()).isEqualTo(Action.REGISTER);
    assertThat(v.careOf()).isEqualTo(COA);
    assertThat(v.encapsulation()).isEqualTo(Binding.Encapsulation.IP_IN_IP);
    assertThat(v.tunnelReply()).isFalse();
    assertThat(v.mnHa()).isNotNull();
  }

  @Test
  void theSimultaneousBindingsFlagAsksToKeepTheOtherBindingsAndIsGrantedWith0() {
    Verdict with =
        decide(signed(REVERSE_TUNNEL | MipConstants.FLAG_SIMULTANEOUS, 300, fresh(1)).build());
    assertThat(with.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(with.simultaneous()).isTrue();
    Verdict without = decide(signed(REVERSE_TUNNEL, 300, fresh(2)).build());
    assertThat(without.simultaneous()).isFalse();
  }

  @Test
  void theBroadcastFlagIsAcceptedWith0() {
    Verdict v = decide(signed(REVERSE_TUNNEL | MipConstants.FLAG_BROADCAST, 300, fresh(1)).build());
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
  }

  @Test
  void aDeregistrationIsAcceptedWith0AndLifetime0ForTheNamedCareOfAddress() {
    Verdict v =
        decide(
            request(REVERSE_TUNNEL, 0, fresh(1))
                .extension(
                    MipConstants.EXT_UDP_TUNNEL_REQUEST,
                    tunnelRequest(UdpTunnel.REQUEST_FORCE, 4, 0))
                .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
                .build());
    assertThat(v.action()).isEqualTo(Action.DEREGISTER);
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.lifetime()).isZero();
    assertThat(v.careOf()).isEqualTo(COA);
    assertThat(v.tunnelReply()).isFalse();
  }

  // ---- extensions (§1.9, §3.8.2) ----------------------------------------------------------------

  /** A signed registration carrying one more extension before MN-HA, from {@code source}. */
  private Verdict withExtension(int type, ByteBuf data, int source) {
    return decide(
        request(REVERSE_TUNNEL, 300, fresh(1))
            .extension(type, data)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, mnHa)
            .build(),
        source,
        OptionalLong.empty());
  }

  @Test
  void anUnknownNonSkippableExtensionVoidsTheRequestWithoutAReply() {
    Verdict v = withExtension(99, Unpooled.wrappedBuffer(new byte[] {1, 2}), COA);
    assertThat(v.action()).isEqualTo(Action.DROP_UNKNOWN_EXTENSION);
  }

  @Test
  void anUnknownSkippableExtensionIsIgnoredAndTheRequestAccepted() {
    Verdict v = withExtension(200, Unpooled.wrappedBuffer(new byte[] {1, 2}), COA);
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
  }

  @Test
  void anExtensionRunningPastTheMessageIsRefusedWith134WithTheRequestsIdentification() {
    ByteBuf broken = request(REVERSE_TUNNEL, 300, fresh(7)).build();
    broken.writeByte(32).writeByte(200).writeInt((int) SPI);
    Verdict v = check.unparsable(broken);
    assertThat(v.action()).isEqualTo(Action.DENY);
    assertThat(v.code()).isEqualTo(ReplyCode.HA_POORLY_FORMED_REQUEST);
    assertThat(v.identification()).isEqualTo(fresh(7));
    assertThat(v.homeAddress()).isEqualTo(HOME);
    assertThat(v.mnHa()).isNull();
  }

  @Test
  void aMessageTooShortForAnIdentificationOrOfAnotherTypeIsDroppedWithoutAReply() {
    assertThat(check.unparsable(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0})).action())
        .isEqualTo(Action.DROP_MALFORMED);
    assertThat(check.unparsable(Unpooled.wrappedBuffer(new byte[30])).action())
        .isEqualTo(Action.DROP_MALFORMED);
  }

  // ---- RFC 3519 UDP tunnelling (§4.6) -----------------------------------------------------------

  private Verdict withTunnelRequest(int flags, int encapsulation, int reserved3, int source) {
    return withExtension(
        MipConstants.EXT_UDP_TUNNEL_REQUEST,
        tunnelRequest(flags, encapsulation, reserved3),
        source);
  }

  @Test
  void aTunnelRequestFromBehindANatIsGrantedUdpToTheNatsAddress() {
    Verdict v = withTunnelRequest(0, UdpTunnel.ENCAPSULATION_IP_IN_UDP, 0, NAT);
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
    assertThat(v.careOf()).isEqualTo(NAT);
    assertThat(v.tunnelReply()).isTrue();
    assertThat(v.tunnelReplyCode()).isEqualTo(UdpTunnel.REPLY_ACCEPTED);
  }

  @Test
  void aTunnelRequestWithNoNatInTheWayIsDeclinedAndIpInIpUsed() {
    Verdict v = withTunnelRequest(0, UdpTunnel.ENCAPSULATION_IP_IN_UDP, 0, COA);
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.encapsulation()).isEqualTo(Binding.Encapsulation.IP_IN_IP);
    assertThat(v.tunnelReply()).isTrue();
    assertThat(v.tunnelReplyCode()).isEqualTo(UdpTunnel.REPLY_DECLINED);
  }

  @Test
  void aForcedTunnelRequestIsGrantedUdpEvenWithoutANat() {
    Verdict v = withTunnelRequest(UdpTunnel.REQUEST_FORCE, 0, 0, COA);
    assertThat(v.code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(v.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
    assertThat(v.careOf()).isEqualTo(COA);
  }

  @Test
  void aTunnelRequestWithReservedBitsSetIsRefusedWith134() {
    Verdict v = withTunnelRequest(0, UdpTunnel.ENCAPSULATION_IP_IN_UDP, 1, NAT);
    assertThat(v.code()).isEqualTo(ReplyCode.HA_POORLY_FORMED_REQUEST);
  }

  @Test
  void aTunnelRequestForGreInUdpIsRefusedWith142() {
    Verdict v = withTunnelRequest(0, 47, 0, NAT);
    assertThat(v.code()).isEqualTo(ReplyCode.HA_UDP_ENCAPSULATION_UNAVAILABLE);
  }
}
