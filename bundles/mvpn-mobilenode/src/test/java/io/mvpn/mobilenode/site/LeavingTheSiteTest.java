package io.mvpn.mobilenode.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.AodvParameters;
import io.mvpn.aodv.MobilityRouter;
import io.mvpn.aodv.SiteGateway;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.lab.Lab;
import io.mvpn.mobilenode.ContinuousPing;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c14-15: inside its site a mobile node is reached by AODV; when it leaves, it registers
 * with the tenant's home agent, and the site's gateway router, which shares the tenant's VRF with
 * the home agent and acts as the site's home agent (c15, {@link SiteGateway#actingAsHomeAgent}),
 * answers the site's RREQs for it, so its peer's traffic goes on through the home agent's tunnel. A
 * gateway that does not act as home agent loses the node. The node pings a peer in the site every
 * 10 ms throughout.
 *
 * <pre>
 *   appliance (acme VRF: gateway router + home agent) --- s1 --- s2 --- mn (site link)
 *                                                          |
 *                                                          p (peer)
 *   mn (co-located) --- internet --- appliance (public VRF)
 * </pre>
 */
class LeavingTheSiteTest {

  static final long MS = 1_000_000L;
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address MN = Ipv4Address.parse("10.1.0.5");
  static final Ipv4Address PEER = Ipv4Address.parse("10.1.0.20");
  static final Prefix SITE = Prefix.parse("10.1.0.0/16");
  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  /** What one run of the scenario saw. */
  record Run(
      long beforeLeaving,
      long answeredAfter,
      long interruption,
      long gatewayRreps,
      boolean bound) {}

  @Test
  void theNodeKeepsReachingItsPeerThroughTheHomeAgentAfterLeavingTheSite() {
    Run run = leaveTheSite(true);
    // In the site, by AODV alone; the home agent knew nothing of the node.
    assertThat(run.beforeLeaving()).isGreaterThan(300);
    // Outside, the node registered and its peer's replies found it through the gateway and the
    // home agent's tunnel (c14-15).
    assertThat(run.bound()).isTrue();
    assertThat(run.gatewayRreps()).isPositive();
    assertThat(run.answeredAfter()).isGreaterThan(400);
    io.mvpn.lab.Reports.append(
        "leaving-the-site",
        "leaving the site: interruption %.0f ms, %d pings answered after%n",
        run.interruption() / 1e6,
        run.answeredAfter());
    // Bounded by the Hello loss that makes the site notice (2 s) plus a discovery.
    assertThat(run.interruption()).isLessThan(3500 * MS);
  }

  @Test
  void aGatewayThatDoesNotActAsHomeAgentLosesTheNodeThatLeftTheSite() {
    Run run = leaveTheSite(false);
    assertThat(run.beforeLeaving()).isGreaterThan(300);
    // The node is registered at the home agent, but the site's gateway does not answer for it
    // (c15 not configured): the site looks for it in vain and nothing comes back.
    assertThat(run.bound()).isTrue();
    assertThat(run.answeredAfter()).isZero();
    assertThat(run.interruption()).isNegative(); // no reply after leaving at all
  }

  private static Run leaveTheSite(boolean gatewayActsAsHomeAgent) {
    MobilityLab mobility =
        MobilityLab.builder(2026)
            .appliance()
            .homeAgent(
                new HomeAgentConfig(
                    MvpnId.of("acme"),
                    HA,
                    List.of(SITE),
                    List.of(new AssociationSpec(MN, 1000, Algorithm.HMAC_MD5, KEY)),
                    600,
                    7,
                    null))
            .siteLink("appliance", "acme", "10.1.0.1", "s1", "site", "10.1.0.11")
            .siteLink("s1", "site", "10.1.0.11", "s2", "site", "10.1.0.12")
            .siteLink("s1", "site", "10.1.0.11", "p", "site", "10.1.0.20")
            .siteLink("s2", "site", "10.1.0.12", "mn", "site", "10.1.0.5")
            .mobileNode("mn")
            .colocated("colo", "203.0.113.61/24")
            .build();
    Lab lab = mobility.lab();
    var time = lab.virtualTime();
    BindingStore store = mobility.store();

    List<MobilityRouter> routers = new ArrayList<>();
    MobilityRouter gateway = router(lab, "appliance", "acme", "10.1.0.1", routers);
    // Beyond the site: anything outside its prefix and, acting as home agent, a node bound there.
    SiteGateway beyond = SiteGateway.of(SITE);
    gateway.setGatewayFor(
        gatewayActsAsHomeAgent
            ? beyond.actingAsHomeAgent(d -> !store.bindings(MvpnId.of("acme"), d).isEmpty())
            : beyond);
    router(lab, "s1", "site", "10.1.0.11", routers);
    router(lab, "s2", "site", "10.1.0.12", routers);
    router(lab, "p", "site", "10.1.0.20", routers);
    router(lab, "mn", "site", "10.1.0.5", routers);

    MobileNode mn =
        new MobileNode(
            MN, HA, new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, KEY), 300, time, 0);
    mn.addHome("site", lab.vrf("mn", "site"), lab.iface("mn", "to-s2"));
    mn.addColocated("colo", lab.vrf("mn", "colo"), lab.iface("mn", "colo"));
    mn.moveTo("site");
    ContinuousPing ping = new ContinuousPing(mn, PEER, 7, 10, TimeUnit.MILLISECONDS, time);
    time.schedule(500, TimeUnit.MILLISECONDS, ping::start);
    long leave = 4000 * MS;
    time.schedule(leave, TimeUnit.NANOSECONDS, () -> mn.moveTo("colo"));
    time.runUntil(12_000 * MS);
    ping.stop();
    time.runUntil(12_500 * MS);

    long beforeLeaving = ping.echoes().stream().filter(e -> e.sentAtNanos() < leave).count();
    long answeredAfter =
        ping.echoes().stream()
            .filter(e -> e.sentAtNanos() > leave && e.repliedAtNanos() > 0)
            .count();
    return new Run(
        beforeLeaving,
        answeredAfter,
        ping.interruptionAfter(leave),
        gateway.counter(AodvCounter.GATEWAY_RREP_SENT),
        !store.bindings(MvpnId.of("acme"), MN).isEmpty());
  }

  static MobilityRouter router(
      Lab lab, String node, String vrfName, String address, List<MobilityRouter> all) {
    Vrf vrf = lab.vrf(node, vrfName);
    List<Interface> links = new ArrayList<>(vrf.interfaces());
    MobilityRouter r =
        new MobilityRouter(Ipv4Address.parse(address), vrf, links, AodvParameters.defaults());
    r.start();
    all.add(r);
    return r;
  }
}
