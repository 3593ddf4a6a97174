package io.mvpn.itests;

import static io.mvpn.itests.Karaf.awaitCondition;
import static io.mvpn.itests.Karaf.awaitService;
import static io.mvpn.itests.Karaf.awaitServiceGone;
import static io.mvpn.itests.Karaf.awaitTenant;
import static io.mvpn.itests.Karaf.execute;
import static io.mvpn.itests.Karaf.tenantService;
import static io.mvpn.itests.Karaf.updateBundle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.ike.CaService;
import io.mvpn.ike.fabric.MobileNodeIke;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.workgroup.WorkgroupParty;
import io.mvpn.workgroup.keying.KeyingCredentials;
import io.mvpn.workgroup.keying.PartyKeying;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The appliance as shipped: its bundles, its tenants from etc/, its shell, hot changes. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApplianceIT {

  private static final String TENANT_COMPONENT = "io.mvpn.fabric.tenant.TenantComponent";
  private static final long WAIT_SECONDS = 90;

  @Inject BundleContext context;

  @Inject ServiceComponentRuntime componentRuntime;

  @Inject SessionFactory sessions;

  @Configuration
  public Option[] config() {
    return Karaf.distribution(System.getProperty("mvpn.assembly.archive"), "mvpn appliance");
  }

  @Test
  public void everyMvpnBundleIsActive() {
    List<Bundle> mvpn = mvpnBundles();
    assertEquals(
        Karaf.MVPN_BUNDLES, mvpn.stream().map(Bundle::getSymbolicName).collect(Collectors.toSet()));
    for (Bundle b : mvpn) {
      assertEquals(b.getSymbolicName() + " state", Bundle.ACTIVE, b.getState());
    }
  }

  @Test
  public void oneActiveTenantComponentPerShippedCfg() throws Exception {
    Set<String> shipped = shippedTenantIds();
    assertEquals(Set.of("acme", "globex"), shipped);
    TenantService tenants = tenantService(context, WAIT_SECONDS);
    for (String id : shipped) {
      awaitTenant(tenants, id, true, WAIT_SECONDS);
    }
    assertTrue(
        "one active TenantComponent per shipped cfg: " + activeTenantComponents(),
        awaitCondition(() -> shipped.equals(activeTenantComponents()), WAIT_SECONDS));
    Tenant acme = tenants.getTenant(MvpnId.of("acme")).orElseThrow();
    Tenant globex = tenants.getTenant(MvpnId.of("globex")).orElseThrow();
    // Overlapping realms are the point: both tenants own 10.1.0.0/16.
    assertEquals(List.of(Prefix.parse("10.1.0.0/16")), acme.homeRealms());
    assertEquals(acme.homeRealms(), globex.homeRealms());
  }

  @Test
  public void infoCommandListsFunctionsAndTenants() throws Exception {
    TenantService tenants = tenantService(context, WAIT_SECONDS);
    awaitTenant(tenants, "acme", true, WAIT_SECONDS);
    awaitTenant(tenants, "globex", true, WAIT_SECONDS);
    String out = execute(sessions, "mvpn:info");
    for (String expected :
        List.of(
            "io.mvpn.api",
            "io.mvpn.packet",
            "io.mvpn.net",
            "io.mvpn.fabric",
            "io.mvpn.lab",
            "ACTIVE",
            "acme",
            "globex")) {
      assertTrue("mvpn:info shows " + expected + ":\n" + out, out.contains(expected));
    }
    String one = execute(sessions, "mvpn:info acme");
    assertTrue(one, one.contains("10.1.0.0/16") && !one.contains("globex"));
  }

  @Test
  public void fabricShowsEachTenantsVrfWithOverlappingInterfacesThatAnswerPings() throws Exception {
    assertTrue(
        "both LAN interfaces up",
        awaitCondition(
            () -> {
              String out = executeQuietly("mvpn:interfaces");
              return out.contains("acme-lan") && out.contains("globex-lan");
            },
            WAIT_SECONDS));
    String interfaces = execute(sessions, "mvpn:interfaces");
    assertTrue(interfaces, interfaces.contains("mem:acme-lan"));
    String routes = execute(sessions, "mvpn:routes acme");
    assertTrue(routes, routes.contains("10.1.0.0/16") && routes.contains("acme-lan"));
    assertFalse(routes, routes.contains("globex-lan"));
    assertTrue(pingOutput("acme", "10.1.0.1").contains("1 received"));
    assertTrue(pingOutput("globex", "10.1.0.1").contains("1 received"));
    // Nothing in acme's VRF holds 10.7.0.1: no route, no answer.
    assertTrue(pingOutput("acme", "10.7.0.1").contains("0 received"));
  }

  @Test
  public void captureCommandWritesAPcapngOfAnInterface() throws Exception {
    awaitCondition(() -> executeQuietly("mvpn:interfaces").contains("acme-lan"), WAIT_SECONDS);
    Path file = Path.of(System.getProperty("karaf.home"), "data", "acme-lan.pcapng");
    String started = execute(sessions, "mvpn:capture start acme-lan " + file);
    assertTrue(started, started.contains("capturing acme-lan"));
    // A ping to a neighbour that does not exist still leaves the interface, and is captured.
    pingOutput("acme", "10.1.0.77");
    String stopped = execute(sessions, "mvpn:capture stop acme-lan");
    // At least our ping; the demo's nodes may be talking on acme's LAN too.
    java.util.regex.Matcher written =
        java.util.regex.Pattern.compile("(\\d+) packets written").matcher(stopped);
    assertTrue(stopped, written.find() && Integer.parseInt(written.group(1)) >= 1);
    byte[] pcapng = Files.readAllBytes(file);
    // Section Header Block type, then the byte-order magic 0x1A2B3C4D (little-endian here).
    assertEquals(0x0A, pcapng[0]);
    assertEquals(0x0D, pcapng[1]);
    assertTrue(pcapng.length > 100);
  }

  private String pingOutput(String vrf, String address) {
    return executeQuietly("mvpn:ping -c 1 -i 10 " + vrf + " " + address);
  }

  private String executeQuietly(String command) {
    try {
      return execute(sessions, command);
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  public void securityGatewayCfgBringsItsTunnelsPoliciesAndShellUp() throws Exception {
    Path cfg = etc().resolve(ManuallyKeyedGateway.FILE);
    String filter = "(objectClass=io.mvpn.ipsec.gateway.SecurityGatewayService)";
    Files.writeString(cfg, ManuallyKeyedGateway.cfg(), StandardCharsets.UTF_8);
    try {
      assertNotNull(awaitService(context, filter, WAIT_SECONDS));
      // The component may still be (re)activating when its service appears: wait for the SAs.
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  return execute(sessions, "mvpn:sa list").contains("0x00001000");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              WAIT_SECONDS));
      String sas = execute(sessions, "mvpn:sa list");
      assertTrue(sas, sas.contains("0x00001000") && sas.contains("0x00001001"));
      assertTrue(sas, sas.contains("203.0.113.70") && sas.contains("*"));
      String show = execute(sessions, "mvpn:sa show 0x1000");
      assertTrue(show, show.contains("inbound SA 0x00001000 for 10.1.0.5"));
      String spd = execute(sessions, "mvpn:spd");
      assertTrue(spd, spd.contains("10.1.0.5") && spd.contains("protect"));
      String counters = execute(sessions, "mvpn:sa counters");
      assertTrue(counters, counters.contains("siu_forged"));
    } finally {
      Files.deleteIfExists(cfg);
    }
    assertTrue("gw9 torn down", awaitServiceGone(context, filter, WAIT_SECONDS));
  }

  /**
   * A gateway's IKE responder from cfg, on the gateway's fabric address: a node on the same segment
   * negotiates with a certificate from the appliance's CA, and the Child SA becomes the gateway's
   * tunnel for the node's home address; terminating the IKE SA from the shell removes it.
   */
  @Test
  public void gatewayIkeResponderMakesTheNodesTunnelFromItsChildSa() throws Exception {
    Path gatewayCfg = etc().resolve("io.mvpn.securitygateway-gw8.cfg");
    Path ikeCfg = etc().resolve("io.mvpn.ike.gateway-gw8ike.cfg");
    Files.writeString(
        gatewayCfg,
        "name = gw8\n"
            + "outside.address = 203.0.113.8/24\n"
            + "outside.transport = mem:gw8-internet\n"
            + "inside.address = 198.51.100.8/24\n"
            + "inside.transport = mem:gw8-dmz\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        ikeCfg,
        "name = gw8ike\ngateway.target = (mvpn.gateway=gw8)\nprotect = 10.1.0.0/16\n"
            + "nodes = mn8.it.example=10.1.0.5\n",
        StandardCharsets.UTF_8);
    FabricService fabric = awaitService(context, FabricService.class, WAIT_SECONDS);
    MobileNodeIke node = new MobileNodeIke(GW8, EngineSettings.defaults(), new SecureRandom());
    Vrf vrf = fabric.createVrf("it-mn8");
    try {
      assertTrue(
          executeQuietly("mvpn:ike sas"),
          awaitCondition(
              () -> executeQuietly("mvpn:ike sas").contains("gw8ike on 203.0.113.8:500"),
              WAIT_SECONDS));
      CaService ca = awaitService(context, CaService.class, WAIT_SECONDS);
      Credential credential = ca.issue("mn8.it.example", List.of(), List.of("mn8.it.example"));
      fabric.configureInterface("it-mn8", "it-mn8-w0", COA8 + "/24", "mem:gw8-internet", List.of());
      CompletableFuture<Integer> spi = new CompletableFuture<>();
      fabric.onLoop(
          vrf,
          () -> {
            node.addNetwork(
                vrf,
                COA8,
                PeerConfig.of(
                    Identity.fqdn("mn8.it.example"),
                    Identity.ipv4(GW8),
                    new CertificateAuthenticator(credential, ca.validator(), Instant::now),
                    List.of(TrafficSelector.ipv4(HOME8, HOME8), TrafficSelector.ipv4(COA8, COA8)),
                    List.of(
                        TrafficSelector.ipv4(
                            Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255")))));
            node.establish(COA8, (in, out) -> spi.complete(out.spi()));
            return null;
          });
      int toGateway = spi.get(WAIT_SECONDS, TimeUnit.SECONDS);
      String sas = execute(sessions, "mvpn:sa list");
      assertTrue(sas, sas.contains(String.format("0x%08x", toGateway)) && sas.contains("10.1.0.5"));
      String ike = execute(sessions, "mvpn:ike sas");
      assertTrue(ike, ike.contains("ESTABLISHED responder") && ike.contains("mn8.it.example"));
      String responderSpi =
          ike.lines()
              .filter(l -> l.contains("ESTABLISHED responder"))
              .findFirst()
              .map(l -> l.replaceAll(".*spi ([0-9a-f]+).*", "$1"))
              .orElseThrow();
      execute(sessions, "mvpn:ike terminate " + responderSpi);
      assertTrue(
          executeQuietly("mvpn:sa list"),
          awaitCondition(
              () -> !executeQuietly("mvpn:sa list").contains(String.format("0x%08x", toGateway)),
              WAIT_SECONDS));
    } finally {
      fabric.onLoop(
          vrf,
          () -> {
            node.close();
            return null;
          });
      fabric.removeInterface("it-mn8-w0");
      Files.deleteIfExists(ikeCfg);
      Files.deleteIfExists(gatewayCfg);
    }
  }

  /**
   * Two tenants' workgroup gateways from cfg on one backbone segment: a party in acme's realm keys
   * its SA into globex's realm with IKE through acme's IP-IP tunnel, with a certificate from the
   * appliance CA naming acme's gateway; globex's gateway installs it for that tunnel source, and
   * the shell shows it.
   */
  @Test
  public void workgroupGatewaysFromCfgKeyAPartysSaWithIke() throws Exception {
    Path acmeCfg = etc().resolve("io.mvpn.workgroup.gateway-wgacme.cfg");
    Path globexCfg = etc().resolve("io.mvpn.workgroup.gateway-wgglobex.cfg");
    Ipv4Address acmeGw = Ipv4Address.parse("198.51.100.81");
    Ipv4Address globexGw = Ipv4Address.parse("198.51.100.82");
    MemberId alice = new MemberId(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.55"));
    MemberId bob = new MemberId(MvpnId.of("globex"), Ipv4Address.parse("10.1.0.55"));
    WorkgroupService directory = awaitService(context, WorkgroupService.class, WAIT_SECONDS);
    directory.putMember(new Member(alice, "alice.acme.it.example", acmeGw));
    directory.putMember(new Member(bob, "bob.globex.it.example", globexGw));
    directory.addWorkgroup("it-bridge");
    directory.join("it-bridge", alice);
    directory.join("it-bridge", bob);
    for (String[] g : new String[][] {{"wgacme", "acme", "81"}, {"wgglobex", "globex", "82"}}) {
      Files.writeString(
          g[0].equals("wgacme") ? acmeCfg : globexCfg,
          "name = "
              + g[0]
              + "\ntenant = "
              + g[1]
              + "\noutside.address = 198.51.100."
              + g[2]
              + "/24\noutside.transport = mem:it-wg-backbone\nrealm = 10.1.0.0/16\n",
          StandardCharsets.UTF_8);
    }
    FabricService fabric = awaitService(context, FabricService.class, WAIT_SECONDS);
    Vrf vrf = fabric.createVrf("it-alice");
    PartyKeying[] keying = new PartyKeying[1];
    WorkgroupParty[] party = new WorkgroupParty[1];
    try {
      assertTrue(
          executeQuietly("mvpn:workgroup-gateways"),
          awaitCondition(
              () -> {
                String out = executeQuietly("mvpn:workgroup-gateways");
                return out.contains("wgacme (tenant acme) at 198.51.100.81, peers [198.51.100.82]")
                    && out.contains("wgglobex (tenant globex) at 198.51.100.82");
              },
              WAIT_SECONDS));
      CaService ca = awaitService(context, CaService.class, WAIT_SECONDS);
      Credential credential =
          ca.issue("alice.acme.it.example", List.of(acmeGw), List.of("alice.acme.it.example"));
      fabric.configureInterface(
          "it-alice",
          "it-alice-eth",
          "10.1.0.55/16",
          "mem:acme-lan",
          List.of("0.0.0.0/0 via 10.1.0.1"));
      fabric.onLoop(
          vrf,
          () -> {
            party[0] = new WorkgroupParty(alice, vrf);
            keying[0] =
                new PartyKeying(
                    party[0],
                    "alice.acme.it.example",
                    vrf,
                    new KeyingCredentials(
                        credential, ca.validator(), Instant::now, new SecureRandom()));
            keying[0].start();
            keying[0].connect(directory.member(bob).orElseThrow());
            return null;
          });
      assertTrue(
          executeQuietly("mvpn:workgroup-gateways"),
          awaitCondition(
              () ->
                  executeQuietly("mvpn:workgroup-gateways")
                      .contains("from acme/10.1.0.55 via 198.51.100.81"),
              WAIT_SECONDS));
      // Her own end is up once the IKE_AUTH answer is back (the gateway's is up before it).
      assertTrue(
          awaitCondition(
              () -> fabric.onLoop(vrf, () -> keying[0].sa(bob).isPresent()), WAIT_SECONDS));
      // Alice's datagram to bob goes through her SA and acme's tunnel, and globex's gateway lets
      // it into globex's realm.
      fabric.onLoop(
          vrf,
          () -> {
            ByteBuf hello = Unpooled.copiedBuffer("hello bob", StandardCharsets.US_ASCII);
            party[0].send(
                bob,
                UdpDatagram.build(
                    vrf.alloc(),
                    alice.privateAddress().toInt(),
                    bob.privateAddress().toInt(),
                    7000,
                    7000,
                    hello,
                    64));
            hello.release();
            return null;
          });
      assertTrue(
          executeQuietly("mvpn:workgroup-gateways"),
          awaitCondition(
              () ->
                  executeQuietly("mvpn:workgroup-gateways")
                      .matches("(?s).*wgglobex .*delivered=1 .*"),
              WAIT_SECONDS));
      String out = execute(sessions, "mvpn:workgroup-gateways");
      assertTrue(out, !out.contains("refused: ") && out.contains("1 packets"));
    } finally {
      fabric.onLoop(
          vrf,
          () -> {
            if (keying[0] != null) {
              keying[0].close();
            }
            return null;
          });
      fabric.removeInterface("it-alice-eth");
      Files.deleteIfExists(acmeCfg);
      Files.deleteIfExists(globexCfg);
      directory.removeWorkgroup("it-bridge");
      directory.removeMember(alice);
      directory.removeMember(bob);
    }
  }

  private static final Ipv4Address GW8 = Ipv4Address.parse("203.0.113.8");
  private static final Ipv4Address COA8 = Ipv4Address.parse("203.0.113.80");
  private static final Ipv4Address HOME8 = Ipv4Address.parse("10.1.0.5");

  /** Loopback ports for the two IKE daemons; -Dmvpn.it.ikePort moves them off a busy range. */
  private static final int IKE_PORT = Integer.getInteger("mvpn.it.ikePort", 15000);

  @Test
  public void ikeDaemonsFromCfgEstablishAndTerminateFromTheShell() throws Exception {
    Path one = etc().resolve("io.mvpn.ike-ike1.cfg");
    Path two = etc().resolve("io.mvpn.ike-ike2.cfg");
    String filter = "(objectClass=io.mvpn.ike.IkeService)";
    String psk = "psk=0x6d76706e2d6170706c69616e63652d74657374";
    Files.writeString(
        one,
        "name = ike1\naddress = 127.0.0.1\nikePort = "
            + IKE_PORT
            + "\nnatTPort = "
            + (IKE_PORT + 1)
            + "\npeers = ike2 remote=127.0.0.1:"
            + (IKE_PORT + 2)
            + " id=ike1.test remoteId=ike2.test "
            + psk
            + " localTs=10.91.0.0/24 remoteTs=10.92.0.0/24\n");
    Files.writeString(
        two,
        "name = ike2\naddress = 127.0.0.1\nikePort = "
            + (IKE_PORT + 2)
            + "\nnatTPort = "
            + (IKE_PORT + 3)
            + "\npeers = ike1 remote=127.0.0.1:"
            + IKE_PORT
            + " id=ike2.test remoteId=ike1.test "
            + psk
            + " localTs=10.92.0.0/24 remoteTs=10.91.0.0/24\n");
    try {
      assertTrue(
          awaitCondition(
              () -> {
                String sas = executeQuietly("mvpn:ike sas");
                return sas.contains("ike1 on 127.0.0.1:" + IKE_PORT)
                    && sas.contains("ike2 on 127.0.0.1:" + (IKE_PORT + 2));
              },
              WAIT_SECONDS));
      String initiated = execute(sessions, "mvpn:ike initiate ike1 ike2");
      assertTrue(initiated, initiated.contains("initiating to ike2"));
      assertTrue(
          executeQuietly("mvpn:ike sas"),
          awaitCondition(
              () -> {
                String now = executeQuietly("mvpn:ike sas");
                return now.contains("ike2 ESTABLISHED initiator")
                    && now.contains("ike1 ESTABLISHED responder");
              },
              WAIT_SECONDS));
      String sas = execute(sessions, "mvpn:ike sas");
      assertTrue(sas, sas.contains("10.91.0.0-10.91.0.255 === 10.92.0.0-10.92.0.255"));
      assertTrue(sas, sas.contains("NAT none") && sas.contains("child in 0x"));
      String spi = initiated.substring(initiated.indexOf("spi ") + 4).trim();
      String terminated = execute(sessions, "mvpn:ike terminate " + spi);
      assertTrue(terminated, terminated.contains("deleting IKE SA " + spi));
      assertTrue(
          executeQuietly("mvpn:ike sas"),
          awaitCondition(
              () -> !executeQuietly("mvpn:ike sas").contains("ESTABLISHED"), WAIT_SECONDS));

      String issued = execute(sessions, "mvpn:ca issue gw7 --ip 203.0.113.7 --dns gw7.example");
      assertTrue(issued, issued.startsWith("issued serial "));
      String serial = issued.split(" ")[2];
      String list = execute(sessions, "mvpn:ca list");
      assertTrue(list, list.contains("CN=gw7") && list.contains("IP:203.0.113.7"));
      assertTrue(list, list.contains("DNS:gw7.example") && list.contains("valid"));
      String revoked = execute(sessions, "mvpn:ca revoke " + serial);
      assertTrue(revoked, revoked.contains("revoked serial " + serial));
      list = execute(sessions, "mvpn:ca list");
      assertTrue(list, list.matches("(?s).*" + serial + " .*CN=gw7.*revoked .*"));
      String crl = execute(sessions, "mvpn:ca crl");
      assertTrue(crl, crl.contains("serial " + serial + " revoked"));
    } finally {
      Files.deleteIfExists(one);
      Files.deleteIfExists(two);
    }
    assertTrue(
        "IKE daemons torn down",
        awaitCondition(
            () -> {
              try {
                return context.getServiceReferences((String) null, filter) == null;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            WAIT_SECONDS));
  }

  @Test
  public void mobilityRoutersFromCfgFindEachOtherAndShowTheirRoutes() throws Exception {
    Path one = etc().resolve("io.mvpn.aodv-mr1.cfg");
    Path two = etc().resolve("io.mvpn.aodv-mr2.cfg");
    Path three = etc().resolve("io.mvpn.aodv-mr3.cfg");
    String filter = "(objectClass=io.mvpn.aodv.MobilityRouterService)";
    Files.writeString(one, "name = mr1\naddress = 10.77.0.1\nlinks = mem:mr-a\n");
    Files.writeString(two, "name = mr2\naddress = 10.77.0.2\nlinks = mem:mr-a, mem:mr-b\n");
    Files.writeString(three, "name = mr3\naddress = 10.77.0.3\nlinks = mem:mr-b\n");
    try {
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  var refs = context.getServiceReferences((String) null, filter);
                  return refs != null && refs.length == 3;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              WAIT_SECONDS));
      // A ping from mr1 to mr3, two hops away, makes mr1 discover the route. A router may still
      // be re-activating (its cfg read twice) when the three services are up: retry until its
      // VRF answers.
      String[] pinged = {""};
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  pinged[0] = execute(sessions, "mvpn:ping mr1 10.77.0.3");
                  return true;
                } catch (Exception e) {
                  return false;
                }
              },
              WAIT_SECONDS));
      String ping = pinged[0];
      String first = execute(sessions, "mvpn:aodv stats") + execute(sessions, "mvpn:aodv routes");
      assertTrue(ping + first, first.contains("rreq_sent"));
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  return execute(sessions, "mvpn:aodv routes")
                      .matches("(?s).*mr1.*10\\.77\\.0\\.3.*");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              WAIT_SECONDS));
      String routes = execute(sessions, "mvpn:aodv routes");
      assertTrue(routes, routes.contains("10.77.0.2") && routes.contains("valid"));
      String stats = execute(sessions, "mvpn:aodv stats");
      assertTrue(stats, stats.contains("rreq_sent") && stats.contains("rrep_received"));
      assertTrue(execute(sessions, "mvpn:aodv neighbors").contains("mr2"));
    } finally {
      Files.deleteIfExists(one);
      Files.deleteIfExists(two);
      Files.deleteIfExists(three);
    }
    assertTrue("routers torn down", awaitServiceGone(context, filter, WAIT_SECONDS));
  }

  @Test
  public void mobileServiceManagerServesTheWorkgroupsOfItsSetupFile() throws Exception {
    Path setup = etc().resolve("mvpn-workgroups.yaml");
    Path cfg = etc().resolve("io.mvpn.msm.cfg");
    // SHA-256 of "alice-0123456789abcdef": the file never holds the token itself.
    Files.writeString(
        setup,
        "members:\n"
            + "  - {tenant: acme, address: 10.1.0.5, fqdn: alice.acme.wg.mvpn.example,"
            + " gateway: 198.51.100.10,"
            + " tokenSha256: "
            + sha256("alice-0123456789abcdef")
            + "}\n"
            + "  - {tenant: globex, address: 10.1.0.5, fqdn: bob.globex.wg.mvpn.example,"
            + " gateway: 198.51.100.20}\n"
            + "workgroups:\n"
            + "  - {name: bridge, admit: [acme, globex], members: [acme/10.1.0.5, globex/10.1.0.5]}\n");
    Files.writeString(
        cfg, "setup = ${karaf.etc}/mvpn-workgroups.yaml\nportal.bind = 127.0.0.1:18181\n");
    try {
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  return execute(sessions, "mvpn:workgroups").contains("bridge");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              WAIT_SECONDS));
      String members = execute(sessions, "mvpn:members bridge");
      assertTrue(members, members.contains("bob.globex.wg.mvpn.example"));
      assertTrue(members, members.contains("198.51.100.20"));
      String[] answer = new String[1];
      assertTrue(
          awaitCondition(
              () -> {
                answer[0] =
                    httpGet(18181, "/api/v1/workgroups/bridge/members", "alice-0123456789abcdef");
                return answer[0].startsWith("HTTP/1.1 200");
              },
              WAIT_SECONDS));
      assertTrue(answer[0], answer[0].contains("\"gatewayAddress\":\"198.51.100.20\""));
      assertTrue(
          httpGet(18181, "/api/v1/workgroups", "wrong-token-0123456789")
              .startsWith("HTTP/1.1 401"));
    } finally {
      Files.deleteIfExists(cfg);
      Files.deleteIfExists(setup);
    }
  }

  private static String sha256(String s) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** A plain HTTP/1.1 GET over a socket; "" if nothing listens yet. */
  private static String httpGet(int port, String path, String token) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                      + token
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  public void backboneCfgAttachesTenantsBehindItsNapt() throws Exception {
    Path naptCfg = etc().resolve("io.mvpn.napt.cfg");
    Path cfg = etc().resolve("io.mvpn.backbone.cfg");
    Files.writeString(naptCfg, "publicAddress = 203.0.113.77\n");
    Files.writeString(cfg, "msmAddress = 198.51.100.53\ntenants = acme, globex\n");
    try {
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  return execute(sessions, "mvpn:backbone")
                      .contains("tenants [acme, globex]: NAPT bound");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              WAIT_SECONDS));
      // A ping from acme's VRF to the MSM's address goes out through the NAPT, mapped by its
      // echo identifier, and every reply comes back.
      String ping = execute(sessions, "mvpn:ping acme 198.51.100.53");
      String napt = execute(sessions, "mvpn:napt");
      assertTrue(ping + napt, ping.contains(" 0.0% loss") && napt.contains("icmp  | acme"));
      assertTrue(napt, !napt.contains("translated 0,"));

      // The NAPT is updated in place: the backbone binds the new instance, which takes the
      // ping's mapping over from the store with the same public identifier.
      List<String> mapping = naptRow(napt, "icmp", "acme");
      Bundle nat = bundle("io.mvpn.napt");
      long before = nat.getLastModified();
      updateBundle(sessions, "io.mvpn.napt");
      assertTrue("bundle was updated", nat.getLastModified() > before);
      assertTrue(
          awaitCondition(
              () -> {
                try {
                  String now = execute(sessions, "mvpn:napt");
                  return execute(sessions, "mvpn:backbone").contains("NAPT bound")
                      && mapping.equals(naptRow(now, "icmp", "acme"));
                } catch (Exception | AssertionError e) {
                  return false;
                }
              },
              WAIT_SECONDS));
      assertTrue(execute(sessions, "mvpn:ping acme 198.51.100.53").contains(" 0.0% loss"));
    } finally {
      Files.deleteIfExists(cfg);
      Files.deleteIfExists(naptCfg);
    }
  }

  /** The first {@code mvpn:napt} row of a protocol and tenant, without its idle time. */
  private static List<String> naptRow(String table, String protocol, String tenant) {
    return table
        .lines()
        .map(l -> Arrays.stream(l.split("\\|")).map(String::trim).toList())
        .filter(cells -> cells.size() >= 7)
        .filter(cells -> cells.get(0).equals(protocol) && cells.get(1).equals(tenant))
        .map(cells -> List.of(cells.get(0), cells.get(1), cells.get(2), cells.get(3), cells.get(4)))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + protocol + " row of " + tenant + ":\n" + table));
  }

  @Test
  public void tenantCfgDroppedIntoEtcComesAndGoesWithoutRestart() throws Exception {
    Path cfg = etc().resolve("io.mvpn.tenant-initech.cfg");
    Files.writeString(
        cfg,
        "mvpn.tenant = initech\ndescription = Initech\nhomeRealms = 10.1.0.0/16, 10.7.0.0/16\n",
        StandardCharsets.UTF_8);
    TenantService tenants = tenantService(context, WAIT_SECONDS);
    try {
      Tenant initech = awaitTenant(tenants, "initech", true, WAIT_SECONDS).orElseThrow();
      assertEquals(
          List.of(Prefix.parse("10.1.0.0/16"), Prefix.parse("10.7.0.0/16")), initech.homeRealms());
      assertTrue(awaitCondition(() -> activeTenantComponents().contains("initech"), WAIT_SECONDS));
      assertTrue(execute(sessions, "mvpn:info").contains("initech"));
    } finally {
      Files.deleteIfExists(cfg);
    }
    assertTrue(
        "initech torn down after its .cfg went",
        awaitServiceGone(context, tenantFilter("initech"), WAIT_SECONDS));
    assertFalse(awaitTenant(tenants, "initech", false, WAIT_SECONDS).isPresent());
  }

  @Test
  public void bundleUpdateBringsComponentsBackActive() throws Exception {
    awaitService(context, tenantFilter("globex"), WAIT_SECONDS);
    Bundle fabric = bundle("io.mvpn.fabric");
    long before = fabric.getLastModified();
    updateBundle(sessions, "io.mvpn.fabric");
    assertTrue("bundle was updated", fabric.getLastModified() > before);

    TenantService tenants = tenantService(context, WAIT_SECONDS);
    for (String id : shippedTenantIds()) {
      awaitTenant(tenants, id, true, WAIT_SECONDS);
    }
    assertEquals(Bundle.ACTIVE, fabric.getState());
    assertTrue(
        "every component of io.mvpn.fabric active again: " + componentStates(fabric),
        awaitCondition(
            () ->
                componentStates(fabric).values().stream()
                    .flatMap(List::stream)
                    .allMatch(state -> state == ComponentConfigurationDTO.ACTIVE),
            WAIT_SECONDS));
    assertEquals(
        Set.of(
            "io.mvpn.fabric.tenant.TenantManager",
            TENANT_COMPONENT,
            "io.mvpn.fabric.FabricManager",
            "io.mvpn.fabric.InterfaceInstance"),
        componentStates(fabric).keySet());
    assertEquals(shippedTenantIds().size(), componentStates(fabric).get(TENANT_COMPONENT).size());
    // The fabric came back with its configuration: the tenants' LAN interfaces answer again.
    assertTrue(
        awaitCondition(() -> pingOutput("acme", "10.1.0.1").contains("1 received"), WAIT_SECONDS));
    assertTrue(execute(sessions, "mvpn:info").contains("acme"));
  }

  private List<Bundle> mvpnBundles() {
    return Arrays.stream(context.getBundles())
        .filter(b -> b.getSymbolicName().startsWith("io.mvpn."))
        .toList();
  }

  private Bundle bundle(String symbolicName) {
    return mvpnBundles().stream()
        .filter(b -> b.getSymbolicName().equals(symbolicName))
        .findFirst()
        .orElseThrow();
  }

  /** Tenant ids of the ACTIVE tenant component configurations, as SCR reports them. */
  /** Each component of a bundle, by name, with the states of its configurations. */
  private Map<String, List<Integer>> componentStates(Bundle bundle) {
    Map<String, List<Integer>> states = new TreeMap<>();
    for (ComponentDescriptionDTO d : componentRuntime.getComponentDescriptionDTOs(bundle)) {
      states.put(
          d.name,
          componentRuntime.getComponentConfigurationDTOs(d).stream().map(c -> c.state).toList());
    }
    return states;
  }

  private Set<String> activeTenantComponents() {
    Bundle fabric = bundle("io.mvpn.fabric");
    ComponentDescriptionDTO description =
        componentRuntime.getComponentDescriptionDTO(fabric, TENANT_COMPONENT);
    assertNotNull(TENANT_COMPONENT, description);
    return componentRuntime.getComponentConfigurationDTOs(description).stream()
        .filter(c -> c.state == ComponentConfigurationDTO.ACTIVE)
        .map(c -> String.valueOf(c.properties.get(Tenant.TENANT_PROPERTY)))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> shippedTenantIds() throws IOException {
    try (Stream<Path> files = Files.list(etc())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("io.mvpn.tenant-") && n.endsWith(".cfg"))
          .map(n -> n.substring("io.mvpn.tenant-".length(), n.length() - ".cfg".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Path etc() {
    return Path.of(System.getProperty("karaf.etc"));
  }

  private static String tenantFilter(String id) {
    return "(&(objectClass="
        + Tenant.class.getName()
        + ")("
        + Tenant.TENANT_PROPERTY
        + "="
        + id
        + "))";
  }
}
