package io.mvpn.mobilenode.sam;

import static io.mvpn.mobilenode.sam.SamSite.CORRESPONDENT;
import static io.mvpn.mobilenode.sam.SamSite.HOME;
import static io.mvpn.mobilenode.sam.SamSite.SAM;
import static io.mvpn.mobilenode.sam.SamSite.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.SamEspPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 000 c1 on the lab's mobile node, in virtual time: acme's node, away from home with a
 * co-located care-of address, talks to a correspondent on its home network. Its first datagram
 * finds no SA, so the node asks the tenant's SA manager over KINK (through its home agent, from its
 * home address), holds the datagram and sends it in ESP once the SA is in; the correspondent opens
 * it on the half the manager pushed to it. The node then moves to another care-of address: the SA,
 * keyed to the home address, goes on unchanged inside the new tunnel, and a second session later
 * runs on it with no KINK message at all.
 */
class SamTrafficAcrossMovesTest {

  private static SamRealmKdc realm;

  @BeforeAll
  static void startKdc() throws Exception {
    realm = SamRealmKdc.shared();
  }

  private final MobilityLab lab =
      SamSite.lab(17)
          .home("acme")
          .colocated("colo", "203.0.113.61/24")
          .colocated("colo2", "203.0.113.71/24")
          .build();
  private final VirtualTimeScheduler time = lab.time();
  private final List<String> heardByNode = new ArrayList<>();

  @AfterEach
  void closeLab() {
    lab.close();
  }

  @Test
  void theNodesSaFromTheManagerFollowsItAcrossAMoveAndASecondSessionCostsNoKinkMessage()
      throws Exception {
    SamSite site = new SamSite(lab, realm);
    MobileNode mn = mobileNode();
    SecuredCorrespondents secured = secured(site, mn);
    mn.moveTo("colo");
    time.advance(5, TimeUnit.SECONDS);
    assertThat(mn.connected()).isTrue();

    // First session, away at colo: the first datagram waits one round trip to the manager.
    talk(secured, "colo", 5);
    assertThat(site.heardByCorrespondent)
        .containsExactly("colo 1", "colo 2", "colo 3", "colo 4", "colo 5");
    assertThat(heardByNode)
        .containsExactly("echo colo 1", "echo colo 2", "echo colo 3", "echo colo 4", "echo colo 5");
    assertThat(secured.path().counters().held()).isEqualTo(1);
    assertThat(secured.path().counters().sentAfterWait()).isEqualTo(1);
    assertThat(secured.path().counters().sentAtOnce()).isEqualTo(4);
    assertThat(secured.client().counters().requestsSent()).isEqualTo(1);
    // SAM_REQUEST and SAM_GRANT for the node; SAM_INSTALL and its REPLY for the correspondent.
    assertThat(site.kinkOnTheLan)
        .containsExactlyInAnyOrder(
            "from " + HOME, "to " + HOME, "to " + CORRESPONDENT, "from " + CORRESPONDENT);
    List<HeldSa> before = secured.sas();
    assertThat(before).extracting(HeldSa::peer).containsExactly("cn");

    // The node moves to another care-of address and registers it; the SA does not change.
    mn.moveTo("colo2");
    time.advance(5, TimeUnit.SECONDS);
    assertThat(mn.connected()).isTrue();
    talk(secured, "colo2", 5);
    assertThat(site.heardByCorrespondent)
        .endsWith("colo2 1", "colo2 2", "colo2 3", "colo2 4", "colo2 5");
    assertThat(heardByNode).endsWith("echo colo2 5");
    assertThat(secured.path().counters().sentAtOnce()).isEqualTo(9);
    assertThat(secured.sas())
        .extracting(HeldSa::outboundSpi, HeldSa::inboundSpi)
        .containsExactly(tuple(before.get(0).outboundSpi(), before.get(0).inboundSpi()));

    // A second session an hour later: the SA held in the node's SAD serves it at once.
    time.advance(1, TimeUnit.HOURS);
    int kinkBefore = site.kinkOnTheLan.size();
    talk(secured, "second", 3);
    assertThat(site.heardByCorrespondent).endsWith("second 1", "second 2", "second 3");
    assertThat(heardByNode).endsWith("echo second 3");
    assertThat(site.kinkOnTheLan).hasSize(kinkBefore);
    assertThat(secured.client().counters().requestsSent()).isEqualTo(1);
    assertThat(site.manager.counters().requests()).isEqualTo(1);
    assertThat(secured.path().counters().sentAtOnce()).isEqualTo(12);

    // Everything between the two ends crossed the home network in ESP from the home address:
    // out of the Mobile IP tunnel, since neither care-of address could have sent it so.
    assertThat(site.reachedCorrespondent).hasSize(13).containsOnly("ESP from " + HOME);
    assertThat(site.correspondent.path().counters().received()).isEqualTo(13);
    assertThat(site.correspondent.path().counters().sentAtOnce()).isEqualTo(13);
    assertThat(secured.path().counters().received()).isEqualTo(13);
    secured.close();
    site.correspondent.close();
  }

  @Test
  void datagramsToHostsTheManagerDoesNotKnowGoInTheClearAndAskNothing() throws Exception {
    SamSite site = new SamSite(lab, realm);
    MobileNode mn = mobileNode();
    SecuredCorrespondents secured = secured(site, mn);
    List<String> heardBySam = new ArrayList<>();
    lab.vrf("acme-sam", "main")
        .bindUdp(SamSite.VOICE_PORT, (v, in, udp) -> heardBySam.add(SamSite.text(udp)));
    mn.moveTo("colo");
    time.advance(5, TimeUnit.SECONDS);

    secured.send(udp(HOME, SAM, "plain"));
    time.advance(1, TimeUnit.SECONDS);

    assertThat(heardBySam).containsExactly("plain");
    assertThat(site.kinkOnTheLan).isEmpty();
    assertThat(secured.path().counters().held()).isZero();
    secured.close();
  }

  @Test
  void aCorrespondentsDatagramInTheClearIsDroppedAndCountedNotHeardByTheNode() throws Exception {
    SamSite site = new SamSite(lab, realm);
    MobileNode mn = mobileNode();
    SecuredCorrespondents secured = secured(site, mn);
    mn.moveTo("colo");
    time.advance(5, TimeUnit.SECONDS);
    talk(secured, "colo", 1);
    assertThat(heardByNode).containsExactly("echo colo 1");

    ByteBuf payload = Unpooled.copiedBuffer("spoofed", StandardCharsets.UTF_8);
    lab.vrf("acme-host", "main")
        .sendUdp(CORRESPONDENT, HOME, SamSite.VOICE_PORT, SamSite.VOICE_PORT, payload);
    payload.release();
    time.advance(1, TimeUnit.SECONDS);

    assertThat(heardByNode).containsExactly("echo colo 1");
    assertThat(secured.droppedClearFromPeer()).isEqualTo(1);
    secured.close();
    site.correspondent.close();
  }

  /** {@code count} voice datagrams to the correspondent, 20 ms apart, each echoed. */
  private void talk(SecuredCorrespondents node, String session, int count) {
    for (int n = 1; n <= count; n++) {
      node.send(udp(HOME, CORRESPONDENT, session + " " + n));
      time.advance(20, TimeUnit.MILLISECONDS);
    }
    time.advance(200, TimeUnit.MILLISECONDS);
  }

  private MobileNode mobileNode() {
    MobileNode mn = SamSite.mobileNode(time);
    mn.addHome("home", lab.vrf("mn", "home"), lab.iface("mn", "home"));
    mn.addColocated("colo", lab.vrf("mn", "colo"), lab.iface("mn", "colo"));
    mn.addColocated("colo2", lab.vrf("mn", "colo2"), lab.iface("mn", "colo2"));
    return mn;
  }

  /** The node's SAM path, its KINK to the site's manager; what it hears on the voice port kept. */
  private SecuredCorrespondents secured(SamSite site, MobileNode mn) throws Exception {
    SecuredCorrespondents secured =
        new SecuredCorrespondents(
            mn,
            site.client("mn", SecuredCorrespondents.kinkTo(mn, SAM)),
            SamSite.PEERS,
            SamEspPath.Settings.DEFAULT);
    secured.bindUdp(SamSite.VOICE_PORT, (v, in, udp) -> heardByNode.add(SamSite.text(udp)));
    return secured;
  }
}
