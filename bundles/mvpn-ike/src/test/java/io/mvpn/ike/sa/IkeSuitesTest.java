package io.mvpn.ike.sa;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.Tshark;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.Transform;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An initiator proposing one suite, as common clients do by default, against a responder on the
 * default policy: in virtual time the IKE SA comes up with that suite, its keys sized by it, the
 * first Child SA installs, and a re-key of the IKE SA under the suite works too.
 */
class IkeSuitesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // Windows' built-in client with SHA-2 and group 14, the acceptance case.
    "aes256-sha256-modp2048, 12, 256, 12, 5, 14, 32, 32",
    "aes128-sha384-prfsha384-modp3072, 12, 128, 13, 6, 15, 16, 48",
    "aes256-sha512-modp4096, 12, 256, 14, 7, 16, 32, 64",
    // Apple's and strongSwan's AEAD defaults.
    "aes256gcm16-prfsha256-ecp256, 20, 256, -1, 5, 19, 36, 0",
    "chacha20poly1305-prfsha512-curve25519, 28, -1, -1, 7, 31, 36, 0",
  })
  void aClientsDefaultSuiteIsNegotiatedAndCarriesTheExchanges(
      String proposal,
      int encr,
      int keyBits,
      int integ,
      int prf,
      int group,
      int skELength,
      int skALength) {
    IkePair pair = pairWhoseInitiatorProposes(proposal);
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);

    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    // The gateway, X25519 first, takes the client's KE in its own group: no INVALID_KE_PAYLOAD.
    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R");
    Proposal chosen = mn.proposal();
    Transform encryption = ProposalPolicy.single(chosen, Transform.ENCR);
    assertThat(encryption.id()).isEqualTo(encr);
    assertThat(encryption.keyLength()).isEqualTo(keyBits);
    assertThat(
            chosen.transforms(Transform.INTEG).stream().map(Transform::id).findFirst().orElse(-1))
        .isEqualTo(integ);
    assertThat(ProposalPolicy.single(chosen, Transform.PRF).id()).isEqualTo(prf);
    assertThat(ProposalPolicy.single(chosen, Transform.DH).id()).isEqualTo(group);
    assertThat(mn.keys().skEi()).hasSize(skELength).isEqualTo(gw.keys().skEi());
    assertThat(mn.keys().skAr()).hasSize(skALength).isEqualTo(gw.keys().skAr());
    assertThat(mn.childSas()).hasSize(1);
    assertThat(pair.gwSad.all()).containsExactly(gw.childSas().get(0).inbound());

    pair.scheduler.execute(() -> pair.responder.rekeyIkeSa(gw));
    pair.run(100);

    IkeSa next = pair.initiator.sas().iterator().next();
    assertThat(next).isNotSameAs(mn);
    assertThat(next.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(next.proposal().transforms()).isEqualTo(chosen.transforms());
    assertThat(next.childSas()).hasSize(1);
    assertThat(pair.initiator.counters().undecryptable()).isZero();
    assertThat(pair.responder.counters().undecryptable()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "aes256-sha256-noesn",
    "aes128-sha512-esn",
    "chacha20poly1305-noesn",
    "chacha20poly1305-esn",
  })
  void anEspSuiteIsNegotiatedAndItsChildSaCarriesPacketsBothWays(String esp) throws Exception {
    ProposalPolicy gwEsp =
        ProposalSyntax.parse(
            Proposal.ESP,
            "aes256gcm16-aes128gcm16-chacha20poly1305,aes256-aes128-sha256-sha384-sha512");
    PeerConfig gw = IkePair.gwConfig().withProposals(ProposalPolicy.ikeDefault(), gwEsp);
    PeerConfig mn =
        IkePair.mnConfig()
            .withProposals(ProposalPolicy.ikeDefault(), ProposalSyntax.parse(Proposal.ESP, esp));
    IkePair pair = new IkePair(mn, gw, EngineSettings.defaults());
    IkeSa mnSa = pair.start();
    pair.run(100);
    IkeSa gwSa = pair.peerOf(mnSa);

    assertThat(mnSa.childSas()).hasSize(1);
    ChildSa mnChild = mnSa.childSas().get(0);
    ChildSa gwChild = gwSa.childSas().get(0);
    assertThat(mnChild.outbound().extendedSequenceNumbers()).isEqualTo(esp.endsWith("-esn"));
    assertThat(mnChild.outbound().espLength(100) - gwChild.outbound().espLength(100)).isZero();
    assertEspFlows(mnChild.outbound(), gwChild.inbound());
    assertEspFlows(gwChild.outbound(), mnChild.inbound());
    assertThat(pair.gwSad.all()).containsExactly(gwChild.inbound());
  }

  /** One inner datagram from {@code out} opens at {@code in}; a forged copy is counted. */
  private static void assertEspFlows(EspSecurityAssociation out, EspSecurityAssociation in)
      throws Exception {
    var alloc = UnpooledByteBufAllocator.DEFAULT;
    ByteBuf inner =
        UdpDatagram.build(
            alloc, 0x0a010005, 0x0a020001, 5000, 7, Unpooled.wrappedBuffer(new byte[100]), 64);
    ByteBuf packet = out.encapsulate(alloc, Ipv4Packet.parse(inner), 64);
    ByteBuf forged = Unpooled.copiedBuffer(packet);
    forged.setByte(forged.writerIndex() - 1, forged.getByte(forged.writerIndex() - 1) ^ 1);
    try {
      in.decapsulate(alloc, Ipv4Packet.parse(forged));
      throw new AssertionError("a forged packet opened");
    } catch (EspException e) {
      assertThat(e.reason()).isEqualTo(EspException.Reason.ICV);
    }
    ByteBuf opened = in.decapsulate(alloc, Ipv4Packet.parse(packet));
    assertThat(opened.readableBytes()).isEqualTo(128);
    assertThat(in.refused(EspException.Reason.ICV)).isEqualTo(1);
    opened.release();
    inner.release();
  }

  /** The key row the engine logs names each suite as Wireshark's decryption table does. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"aes256-sha256-modp2048", "aes128-sha512-ecp256", "aes256-sha384-prfsha256-ecp256"})
  void withTheLoggedRowWiresharkOpensIkeAuthOfEachAesCbcSuite(String proposal, @TempDir Path tmp)
      throws Exception {
    require(Tshark.installed(), "tshark is not installed (.ci/run installs it)");
    IkePair pair = pairWhoseInitiatorProposes(proposal);
    IkeSa mn = pair.start();
    pair.run(100);
    Path pcap = tmp.resolve("suite.pcapng");
    pair.writePcap(pcap);

    List<String> rows =
        Tshark.run(
            pcap,
            "-o",
            "uat:ikev2_decryption_table:" + mn.wiresharkKeyLine(),
            "-Y",
            "isakmp.exchangetype == 35",
            "-T",
            "fields",
            "-e",
            "isakmp.auth.method");
    assertThat(rows).containsExactly("2", "2");
  }

  @Test
  void aForgedAesCbcMessageIsCountedAndDroppedWhileTheExchangeGoesOn() {
    IkePair pair = pairWhoseInitiatorProposes("aes256-sha256-modp2048");
    pair.lose =
        d -> {
          if (d.payload()[18] == 35 && (d.payload()[19] & 0x20) == 0) {
            for (int at : new int[] {40, d.payload().length - 1}) {
              byte[] forged = d.payload().clone();
              forged[at] ^= 1; // the IV, then the ICV
              pair.deliver(new Datagram(d.source(), d.destination(), forged));
            }
          }
          return false;
        };
    IkeSa mn = pair.start();
    pair.run(100);

    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.responder.counters().undecryptable()).isEqualTo(2);
    assertThat(pair.peerOf(mn).childSas()).hasSize(1);
  }

  @Test
  void aResponderConfiguredForAeadsOnlyRefusesAesCbc() {
    PeerConfig gw =
        IkePair.gwConfig()
            .withIke(ProposalSyntax.parse(Proposal.IKE, "aes256gcm16-prfsha256-ecp256"));
    PeerConfig mn =
        IkePair.mnConfig().withIke(ProposalSyntax.parse(Proposal.IKE, "aes256-sha256-modp2048"));
    IkePair pair = new IkePair(mn, gw, EngineSettings.defaults());
    IkeSa sa = pair.start();
    pair.run(100);

    assertThat(sa.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(pair.flow()).containsExactly("34", "34R");
    assertThat(pair.responder.sas()).isEmpty();
  }

  private static IkePair pairWhoseInitiatorProposes(String proposal) {
    PeerConfig mn = IkePair.mnConfig().withIke(ProposalSyntax.parse(Proposal.IKE, proposal));
    return new IkePair(mn, IkePair.gwConfig(), EngineSettings.defaults());
  }
}
