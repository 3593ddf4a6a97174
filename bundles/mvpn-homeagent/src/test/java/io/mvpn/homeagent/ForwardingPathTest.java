package io.mvpn.homeagent;

import static io.mvpn.homeagent.TwoTenants.ACME_HA;
import static io.mvpn.homeagent.TwoTenants.MN_HOME;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.ReplyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The home agent's per-datagram paths read its forwarding cache, kept in step with the store. */
class ForwardingPathTest {

  private static final MvpnId ACME = MvpnId.of("acme");
  private static final Ipv4Address SECOND_COA = Ipv4Address.parse("203.0.113.61");

  private final TwoTenants lab = new TwoTenants();
  private final TestMobileNode mn = lab.acmeNode();

  @AfterEach
  void close() {
    lab.close();
  }

  /** A signed request with these flags, lifetime and care-of address. */
  private void register(int flags, int lifetime, Ipv4Address careOf) {
    mn.send(
        RegistrationBuilder.request(
                mn.vrf.alloc(),
                flags,
                lifetime,
                MN_HOME.toInt(),
                ACME_HA.toInt(),
                careOf.toInt(),
                mn.identification())
            .authenticate(MipConstants.EXT_MN_HA_AUTH, mn.sa)
            .build());
    lab.run();
  }

  private static final int FLAGS =
      MipConstants.FLAG_DECAPSULATION_BY_MN | MipConstants.FLAG_REVERSE_TUNNEL;

  @Test
  void tunnelledDatagramsBothWaysReadNothingFromTheStore() throws Exception {
    mn.register(300);
    lab.run();
    long readsBefore = lab.store.reads();
    for (int i = 1; i <= 5; i++) {
      mn.pingHomeHost(i);
    }
    lab.run();
    // Five echo requests went in through the reverse tunnel, five replies out to the care-of.
    assertThat(lab.acme().stats().tunnelledAccepted()).isEqualTo(5);
    assertThat(mn.received).hasSize(5);
    assertThat(lab.store.reads()).isEqualTo(readsBefore);
  }

  @Test
  void simultaneousBindingsAreAllServedAndEachGoesOnItsOwn() throws Exception {
    register(FLAGS | MipConstants.FLAG_SIMULTANEOUS, 300, mn.careOf);
    register(FLAGS | MipConstants.FLAG_SIMULTANEOUS, 300, SECOND_COA);
    assertThat(mn.lastReply().code()).isEqualTo(ReplyCode.ACCEPTED);
    assertThat(lab.store.bindings(ACME, MN_HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.51", "203.0.113.61");

    // The echo reply goes to both care-of addresses; the node hears the copy sent to its own.
    long sentBefore = lab.vrf("appliance", "public").counters().sent();
    mn.pingHomeHost(1);
    lab.run();
    assertThat(mn.received).hasSize(1);
    assertThat(lab.vrf("appliance", "public").counters().sent() - sentBefore).isEqualTo(2);

    // Deregistering one care-of address keeps the other, and its tunnel.
    register(FLAGS, 0, SECOND_COA);
    assertThat(lab.store.bindings(ACME, MN_HOME))
        .extracting(Binding::careOfAddress)
        .containsExactly(mn.careOf);
    mn.pingHomeHost(2);
    lab.run();
    assertThat(mn.received).hasSize(2);

    // A request without S replaces every binding of the node.
    register(FLAGS | MipConstants.FLAG_SIMULTANEOUS, 300, SECOND_COA);
    register(FLAGS, 300, mn.careOf);
    assertThat(lab.store.bindings(ACME, MN_HOME))
        .extracting(Binding::careOfAddress)
        .containsExactly(mn.careOf);
  }

  @Test
  void aRestartedEngineServesFromACacheRebuiltFromTheStore() throws Exception {
    register(FLAGS | MipConstants.FLAG_SIMULTANEOUS, 300, mn.careOf);
    register(FLAGS | MipConstants.FLAG_SIMULTANEOUS, 300, SECOND_COA);
    lab.lab.restartHomeAgent("acme");

    mn.pingHomeHost(1);
    lab.run();
    assertThat(mn.received).hasSize(1);
    // The rebuilt cache knows both bindings: deregistering one leaves the other in service.
    register(FLAGS, 0, SECOND_COA);
    mn.pingHomeHost(2);
    lab.run();
    assertThat(mn.received).hasSize(2);
    assertThat(lab.store.size()).isEqualTo(1);
  }
}
