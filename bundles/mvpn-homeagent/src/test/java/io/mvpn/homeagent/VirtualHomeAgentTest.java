package io.mvpn.homeagent;

import static io.mvpn.homeagent.TwoTenants.ACME_HA;
import static io.mvpn.homeagent.TwoTenants.GLOBEX_HA;
import static io.mvpn.homeagent.TwoTenants.MN_HOME;
import static io.mvpn.homeagent.TwoTenants.SPI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtualHomeAgentTest {

  private final TwoTenants lab = new TwoTenants();
  private final TestMobileNode acmeMn = lab.acmeNode();
  private final TestMobileNode globexMn = lab.globexNode();

  @AfterEach
  void close() {
    lab.close();
  }

  private static final MvpnId ACME = MvpnId.of("acme");
  private static final MvpnId GLOBEX = MvpnId.of("globex");

  @Test
  void twoTenantsSameHomeAddressEachPingTravelsOnlyItsOwnTunnels() throws Exception {
    lab.run();
    acmeMn.register(300);
    globexMn.register(300);
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(acmeMn.lastReply().lifetime()).isEqualTo(300);
    assertThat(globexMn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(lab.store.bindings(ACME, MN_HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.51");
    assertThat(lab.store.bindings(GLOBEX, MN_HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.52");

    acmeMn.pingHomeHost(1);
    globexMn.pingHomeHost(2);
    lab.run();
    // Each echo reply came back through its own home agent to its own care-of address.
    assertThat(acmeMn.received)
        .containsExactly("198.51.100.10>203.0.113.51 [10.1.0.100>10.1.0.5 icmp0]");
    assertThat(globexMn.received)
        .containsExactly("198.51.100.20>203.0.113.52 [10.1.0.100>10.1.0.5 icmp0]");
    assertThat(lab.vrf("acme-host", "main").counters().delivered()).isEqualTo(1);
    assertThat(lab.vrf("globex-host", "main").counters().delivered()).isEqualTo(1);
    assertThat(lab.acme().stats().tunnelledAccepted()).isEqualTo(1);
  }

  @Test
  void wrongKeyIs131AndNothingChanges() {
    // globex's mobile node, with globex's key, claims acme's mobile node at acme's home agent.
    globexMn.sendSignedRequest(ACME_HA, ACME_HA);
    lab.run();
    assertThat(globexMn.lastReply().code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
    assertThat(lab.store.size()).isZero();
    assertThat(lab.store.lastIdentification(ACME, MN_HOME)).isEmpty();
    assertThat(lab.acme().stats().authenticationFailures()).isEqualTo(1);

    // No authentication extension at all: also 131.
    acmeMn.send(acmeMn.request(300, acmeMn.identification()).build());
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_MN_AUTH_FAILED);
    assertThat(lab.store.size()).isZero();
  }

  @Test
  void replayedOrStaleIdentificationIs133WithTheHomeAgentsTime() {
    lab.lab.time().advance(100, TimeUnit.SECONDS);
    long id = acmeMn.identification();
    acmeMn.send(
        acmeMn.request(300, id).authenticate(MipConstants.EXT_MN_HA_AUTH, acmeMn.sa).build());
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    Binding before = lab.store.bindings(ACME, MN_HOME).get(0);

    // The very same request again: a replay. (The home agent answers within the same second.)
    long haSeconds =
        lab.lab.time().nanoTime() / 1_000_000_000L + MipConstants.NTP_UNIX_OFFSET_SECONDS;
    acmeMn.send(
        acmeMn.request(300, id).authenticate(MipConstants.EXT_MN_HA_AUTH, acmeMn.sa).build());
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
    assertThat(acmeMn.lastReply().identification() & 0xFFFFFFFFL).isEqualTo(id & 0xFFFFFFFFL);
    assertThat(acmeMn.lastReply().identification() >>> 32).isEqualTo(haSeconds);

    // A timestamp 60 s behind the home agent's clock: stale.
    long stale = ((haSeconds - 60) << 32) | 0xABCDL;
    acmeMn.send(
        acmeMn.request(300, stale).authenticate(MipConstants.EXT_MN_HA_AUTH, acmeMn.sa).build());
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
    assertThat(acmeMn.lastReply().identification() & 0xFFFFFFFFL).isEqualTo(0xABCDL);
    assertThat(lab.store.bindings(ACME, MN_HOME)).containsExactly(before);
    // The reply to the replay is authenticated: the MN can trust the time it carries.
    assertThat(acmeMn.lastReply().find(MipConstants.EXT_MN_HA_AUTH)).isNotNull();
    assertThat(
            acmeMn.sa.verify(
                acmeMn.lastReply(), acmeMn.lastReply().find(MipConstants.EXT_MN_HA_AUTH)))
        .isTrue();
  }

  @Test
  void wrongHomeAgentFieldIs136AndBrokenExtensionsAre134() {
    acmeMn.sendSignedRequest(ACME_HA, GLOBEX_HA);
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_UNKNOWN_HA_ADDRESS);
    assertThat(acmeMn.lastReply().homeAgent()).isEqualTo(ACME_HA.toInt());

    // An extension claiming more bytes than the message has.
    var broken = acmeMn.request(300, acmeMn.identification()).build();
    broken.writeByte(32).writeByte(200).writeInt((int) SPI);
    acmeMn.send(broken);
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_POORLY_FORMED_REQUEST);

    // Too short to hold an identification: dropped without a reply.
    int repliesBefore = acmeMn.replies.size();
    acmeMn.send(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0}));
    lab.run();
    assertThat(acmeMn.replies).hasSize(repliesBefore);
    assertThat(lab.store.size()).isZero();
  }

  @Test
  void deregistrationAndExpiryEndTheBindingAndItsTunnel() throws Exception {
    acmeMn.register(300);
    lab.run();
    assertThat(lab.vrf("appliance", "acme").lookup(MN_HOME).prefix().length()).isEqualTo(32);

    acmeMn.register(0);
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(lab.store.size()).isZero();
    assertThat(lab.vrf("appliance", "acme").lookup(MN_HOME).prefix().length()).isEqualTo(16);

    acmeMn.register(30);
    lab.run();
    assertThat(lab.store.size()).isEqualTo(1);
    lab.lab.time().advance(31, TimeUnit.SECONDS);
    assertThat(lab.store.size()).isZero();
    assertThat(lab.vrf("appliance", "acme").lookup(MN_HOME).prefix().length()).isEqualTo(16);
  }

  @Test
  void aRenewedBindingLastsItsNewLifetimeAndAShortenedOneEndsEarly() throws Exception {
    acmeMn.register(30);
    lab.run();
    lab.lab.time().advance(20, TimeUnit.SECONDS);
    acmeMn.register(30); // renewed at 20 s: now good until 50 s
    lab.run();

    lab.lab.time().advance(15, TimeUnit.SECONDS); // 35 s: past the first lifetime
    assertThat(lab.store.size()).isEqualTo(1);
    assertThat(lab.vrf("appliance", "acme").lookup(MN_HOME).prefix().length()).isEqualTo(32);
    acmeMn.pingHomeHost(3);
    lab.run();
    assertThat(acmeMn.received).hasSize(1);

    acmeMn.register(5); // shortened at 35 s: ends at 40 s, before the timer of the renewal
    lab.run();
    lab.lab.time().advance(6, TimeUnit.SECONDS);
    assertThat(lab.store.size()).isZero();
    assertThat(lab.vrf("appliance", "acme").lookup(MN_HOME).prefix().length()).isEqualTo(16);
  }

  @Test
  void lifetimeIsCappedAtTheMaximum() {
    acmeMn.register(5000);
    lab.run();
    assertThat(acmeMn.lastReply().lifetime()).isEqualTo(600);
  }

  @Test
  void aNewHomeAgentInstanceTakesOverTheStoredBindings() throws Exception {
    acmeMn.register(300);
    lab.run();
    // The home agent's code is replaced (bundle update): the store survives, the engine does not.
    lab.lab.restartHomeAgent("acme");
    assertThat(lab.store.bindings(ACME, MN_HOME)).hasSize(1);

    acmeMn.pingHomeHost(9);
    lab.run();
    assertThat(acmeMn.received).hasSize(1);
    // And the stored replay state still refuses an old identification.
    acmeMn.send(
        acmeMn.request(300, 1).authenticate(MipConstants.EXT_MN_HA_AUTH, acmeMn.sa).build());
    lab.run();
    assertThat(acmeMn.lastReply().code()).isEqualTo(ReplyCode.HA_IDENTIFICATION_MISMATCH);
  }
}
