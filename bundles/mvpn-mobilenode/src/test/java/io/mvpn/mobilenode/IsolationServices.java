package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.backbone.MsmDns;
import io.mvpn.dns.ZoneSettings;
import io.mvpn.dns.internal.WorkgroupDnsServer;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.mvpn.workgroup.WorkgroupFilter;
import io.mvpn.workgroup.WorkgroupGateway;
import io.mvpn.workgroup.WorkgroupParty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The functions around an {@link IsolationWorld}'s mobility path that tenants share or that join
 * tenants on purpose (seed 002 c2-c13, c20-c21; seed 001's gateway): the workgroup directory, where
 * each tenant's host is a member and each even tenant's host shares a workgroup with the next
 * tenant's host (t00 with t01, t02 with t03, ...); per tenant a workgroup gateway between the
 * appliance's tenant VRF and the Internet, every host keyed to every other tenant's gateway (so the
 * realm-indexed filter, not a missing key, is what keeps non-partners apart); the MSM's workgroup
 * DNS behind the NAPT at 198.51.100.53; and per tenant a security gateway on its LAN with one VPN
 * client, 10.1.0.200, whose care-of address is the Internet host.
 */
final class IsolationServices {

  static final Ipv4Address MSM = Ipv4Address.parse("198.51.100.53");
  static final Ipv4Address VPN_CLIENT = Ipv4Address.parse("10.1.0.200");
  static final int MAX_TENANTS = 28;

  final InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
  final List<WorkgroupGateway> workgroupGateways = new ArrayList<>();
  final List<WorkgroupParty> parties = new ArrayList<>();
  final List<SecurityGateway> securityGateways = new ArrayList<>();
  final WorkgroupDnsServer dns;
  final MsmDns msmDns;
  private final int tenants;
  private final Map<Long, EspSecurityAssociation> vpnClientSas = new HashMap<>();
  private final Map<Integer, byte[]> vpnKeys = new HashMap<>();

  /** The nodes the services run on, added to the world's topology before it is built. */
  static void addNodes(TopologyBuilder t, int tenantCount) {
    if (tenantCount > MAX_TENANTS) {
      throw new IllegalArgumentException("the gateways' addresses allow " + MAX_TENANTS);
    }
    for (int i = 0; i < tenantCount; i++) {
      String name = IsolationWorld.name(i);
      t.node("wg-" + name).vrf("outside").iface("o0", "internet", workgroupGateway(i) + "/24");
      t.node("sg-" + name)
          .vrf("outside")
          .iface("o0", "internet", securityGateway(i) + "/24")
          .vrf("inside")
          .iface("lan", name + "-lan", "10.1.0.2/16");
    }
  }

  IsolationServices(IsolationWorld world, long seed) {
    Random random = new Random(seed ^ 0x5e41ce5L);
    tenants = world.tenants.size();
    for (int i = 0; i < tenants; i++) {
      directory.putMember(
          new Member(
              host(i), "host." + IsolationWorld.name(i) + ".wg.mvpn.example", workgroupGateway(i)));
      directory.putMember(
          new Member(
              node(i), "mn." + IsolationWorld.name(i) + ".wg.mvpn.example", workgroupGateway(i)));
    }
    for (int i = 0; i + 1 < tenants; i += 2) {
      String workgroup = "pair-" + IsolationWorld.name(i);
      directory.addWorkgroup(workgroup);
      directory.join(workgroup, host(i));
      directory.join(workgroup, host(i + 1));
    }
    for (int i = 0; i < tenants; i++) {
      String name = IsolationWorld.name(i);
      WorkgroupGateway g =
          new WorkgroupGateway(
              workgroupGateway(i),
              world.vrf("appliance", name),
              world.vrf("wg-" + name, "outside"),
              new WorkgroupFilter(MvpnId.of(name), directory));
      g.start();
      workgroupGateways.add(g);
      parties.add(new WorkgroupParty(host(i), world.vrf(name + "-host", "main")));
    }
    for (int i = 0; i < tenants; i++) {
      for (int j = 0; j < tenants; j++) {
        if (i != j) {
          workgroupGateways.get(i).addPeerGateway(workgroupGateway(j));
          keyWorkgroupSa(i, j, random);
        }
      }
    }
    dns = new WorkgroupDnsServer(directory, ZoneSettings.defaults());
    msmDns = new MsmDns(world.vrf("appliance", "public"), MSM, world.napt);
    msmDns.use(dns);
    for (int i = 0; i < tenants; i++) {
      String name = IsolationWorld.name(i);
      SecurityGateway g =
          new SecurityGateway(
              new SecurityGateway.Config(
                  securityGateway(i), SecurityInformationUpdate.DEFAULT_PORT, Map.of(), 7),
              world.vrf("sg-" + name, "outside"),
              world.vrf("sg-" + name, "inside"),
              0);
      g.start();
      byte[] up = key(random);
      byte[] down = key(random);
      vpnKeys.put(i, up);
      g.addTunnel(
          new MobileTunnel(
              VPN_CLIENT,
              new EspSecurityAssociation(
                  vpnSpi(i), Direction.INBOUND, null, securityGateway(i), up, true, 64),
              new EspSecurityAssociation(
                  0x31000 + i,
                  Direction.OUTBOUND,
                  securityGateway(i),
                  IsolationWorld.INTERNET_HOST,
                  down,
                  true,
                  0),
              false));
      securityGateways.add(g);
    }
  }

  /** Host i's unidirectional SA to tenant j's workgroup gateway, installed at both ends. */
  private void keyWorkgroupSa(int i, int j, Random random) {
    byte[] key = key(random);
    int spi = 0x20000 + i * 64 + j;
    parties
        .get(i)
        .addPeer(
            host(j),
            new EspSecurityAssociation(
                spi, Direction.OUTBOUND, IsolationWorld.HOST, workgroupGateway(j), key, true, 0));
    workgroupGateways
        .get(j)
        .addInboundSa(
            new WorkgroupGateway.InboundSa(
                workgroupGateway(i),
                host(i),
                new EspSecurityAssociation(
                    spi, Direction.INBOUND, null, workgroupGateway(j), key, true, 64)));
  }

  /**
   * Tenant i's VPN client's SA as the client holds it, aimed at tenant {@code to}'s security
   * gateway: its own when {@code to == i}, else the same SPI and key sent where the SPI is unknown
   * or, at every third tenant's gateway, names an SA with another key.
   */
  EspSecurityAssociation vpnClientSa(int i, int to) {
    return vpnClientSas.computeIfAbsent(
        (long) i * MAX_TENANTS + to,
        k ->
            new EspSecurityAssociation(
                vpnSpi(i),
                Direction.OUTBOUND,
                IsolationWorld.INTERNET_HOST,
                securityGateway(to),
                vpnKeys.get(i),
                true,
                0));
  }

  /** The tenant whose host shares a workgroup with tenant i's host, or -2 for none. */
  int partner(int i) {
    int p = i ^ 1;
    return p < tenants ? p : IsolationRun.NOBODY;
  }

  static MemberId host(int i) {
    return new MemberId(MvpnId.of(IsolationWorld.name(i)), IsolationWorld.HOST);
  }

  static MemberId node(int i) {
    return new MemberId(MvpnId.of(IsolationWorld.name(i)), IsolationWorld.MN_HOME);
  }

  static Ipv4Address workgroupGateway(int i) {
    return Ipv4Address.parse("203.0.113." + (130 + i));
  }

  static Ipv4Address securityGateway(int i) {
    return Ipv4Address.parse("203.0.113." + (160 + i));
  }

  /**
   * The SPI of tenant i's VPN client at its gateway. Every third tenant's gateway has the same one
   * (with its own key), so a client's ESP at another gateway meets an SA there as often as not: the
   * SA's key, not a missing SPI, must be what refuses it.
   */
  static int vpnSpi(int i) {
    return 0x30000 + i % 3;
  }

  private static byte[] key(Random random) {
    byte[] key = new byte[20];
    random.nextBytes(key);
    return key;
  }

  void close() {
    msmDns.close();
    workgroupGateways.forEach(WorkgroupGateway::stop);
    securityGateways.forEach(SecurityGateway::stop);
  }
}
