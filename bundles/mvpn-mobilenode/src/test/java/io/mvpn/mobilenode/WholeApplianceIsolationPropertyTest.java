package io.mvpn.mobilenode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation across the whole appliance as a property: 21 tenants, every realm 10.1.0.0/16
 * and every mobile node 10.1.0.5, seven at home, seven visiting the one shared foreign agent, seven
 * co-located; random datagrams from the tenants' hosts and nodes, a forger on the foreign agent's
 * link, forged and cross-tenant tunnels to the home agents, the Internet and garbage, through the
 * NAPT, through the workgroup gateways (each pair of tenants t00-t01, t02-t03, ... shares a
 * workgroup of their hosts; every host holds an SA to every other tenant's gateway), to the
 * workgroup DNS (for any tenant's names) and in ESP to the tenants' security gateways (with the
 * client's own SA, to its own gateway or another's, carrying its own address or another), with
 * random ports, TTLs and sizes (fragments). No datagram may reach a tenant other than its sender's
 * unless policy allows it (a workgroup partner's host, a NAPT mapping's owner), and no DNS answer
 * may name a member its asker may not see.
 */
class WholeApplianceIsolationPropertyTest {

  static final int TENANTS = 21;
  static final int DATAGRAMS = Integer.getInteger("mvpn.isolation.datagrams", 100_000);

  @Test
  void aHundredThousandRandomDatagramsReachNoTenantButTheirSenders() {
    long seed = Long.getLong("mvpn.isolation.seed", 20261205L);
    IsolationRun run = new IsolationRun(seed, TENANTS);
    try {
      run.run(DATAGRAMS);
      String report = run.report();
      System.out.println(report);
      // Every random datagram, and the Internet host's echoes of what reached it.
      assertThat(run.sent.size()).isGreaterThan(DATAGRAMS);
      assertThat(run.leaks()).as(report).isEmpty();
      long[] clean = run.cleanDelivered();
      // Not vacuous: the tenants' own traffic flows, through every kind of attachment.
      assertThat(clean[0]).as(report).isGreaterThan(DATAGRAMS / 6);
      assertThat(clean[1]).as(report).isGreaterThanOrEqualTo(clean[0] * 99 / 100);
      // Each shared function carried what policy allows: partners' traffic, names, VPN clients.
      for (IsolationRun.Kind kind :
          List.of(
              IsolationRun.Kind.WORKGROUP,
              IsolationRun.Kind.DNS_QUERY,
              IsolationRun.Kind.ESP_TO_GATEWAY)) {
        long[] ofKind = run.cleanDelivered(kind);
        assertThat(ofKind[0]).as(kind + "\n" + report).isPositive();
        assertThat(ofKind[1]).as(kind + "\n" + report).isEqualTo(ofKind[0]);
      }
      // The DNS oracle judged addresses, some of them a partner's across tenants; the gateways'
      // keys, not unknown SPIs alone, refused VPN clients at other tenants' gateways.
      long[] dns = run.dnsAddresses();
      assertThat(dns[0]).as(report).isPositive();
      assertThat(dns[1]).as(report).isPositive();
      assertThat(run.espRefusedBySa()).as(report).isPositive();
    } finally {
      run.close();
    }
  }

  @Test
  void theDnsOracleJudgesByItsOwnModelSoAWorkgroupTheDirectoryWronglyHasIsALeak() {
    IsolationRun run = new IsolationRun(11, 6);
    try {
      // A directory that lets every host see every other: the DNS follows it, the model does not.
      run.world.services.directory.addWorkgroup("everyone");
      for (int i = 0; i < 6; i++) {
        run.world.services.directory.join("everyone", IsolationServices.host(i));
      }
      run.run(2000);
      assertThat(run.leaks()).anyMatch(l -> l.contains(" was told "));
    } finally {
      run.close();
    }
  }

  @Test
  void theOracleCountsADatagramAtAnotherTenantOrFromOutsideAsALeak() {
    IsolationRun run = new IsolationRun(7, 6);
    try {
      run.run(500);
      assertThat(run.leaks()).isEmpty();
      IsolationRun.Sent fromTenant =
          run.sent.stream().filter(s -> s.tenant() == 3).findFirst().orElseThrow();
      IsolationRun.Sent fromOutside =
          run.sent.stream()
              .filter(s -> s.kind() == IsolationRun.Kind.FORGED_ON_VISITED_LINK)
              .findFirst()
              .orElseThrow();
      run.received.add(new IsolationRun.Received(fromTenant.id(), 4, "t04-host/main", false));
      run.received.add(new IsolationRun.Received(fromOutside.id(), 5, "mn-t05/cell1", false));
      run.received.add(new IsolationRun.Received(fromTenant.id(), 3, "t03-host/main", false));
      assertThat(run.leaks()).hasSize(2);
    } finally {
      run.close();
    }
  }
}
