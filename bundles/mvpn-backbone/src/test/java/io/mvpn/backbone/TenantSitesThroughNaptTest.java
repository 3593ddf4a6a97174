package io.mvpn.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import io.mvpn.dns.ZoneSettings;
import io.mvpn.dns.internal.WorkgroupDnsServer;
import io.mvpn.msm.PortalServer;
import io.mvpn.msm.WorkgroupPortal;
import io.mvpn.msm.WorkgroupSetup;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.net.DropReason;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.NamespaceLab;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c19-22 with real Linux hosts: each tenant's LAN interface is a TUN device whose other
 * end is a site namespace, where the kernel is the host 10.1.0.100 in the realm 10.1.0.0/16 that
 * acme, globex and initech all use. dig asks the workgroup DNS on the mobile service manager's
 * address, curl asks the workgroup portal; both go through the tenant's VRF and the backbone NAPT.
 * The DNS answers each host as the member it is (the workgroup setup file says who that is and whom
 * it may see); the portal, a real HTTP server in the root namespace beyond the backbone's uplink (a
 * TUN device too), sees only the NAPT's public address, and answers each host with its workgroup's
 * other members. initech's VRF is not attached to the NAPT: its host reaches nothing.
 *
 * <pre>
 *  ns acme    10.1.0.100 -- tun -- [vrf acme    10.1.0.1]  \
 *  ns globex  10.1.0.100 -- tun -- [vrf globex  10.1.0.1]   > NAPT [vrf backbone, MSM 198.51.100.53:53] -- tun -- portal
 *  ns initech 10.1.0.100 -- tun -- [vrf initech 10.1.0.1] (not attached)      10.235.x.2          root ns  10.235.x.1
 * </pre>
 *
 * Each site's TUN device carries its own host's traffic and nothing else: the kernels' counters
 * show it. Needs root, /dev/net/tun, ip, dig and curl (fails without them under CI=true); run under
 * {@code flock /tmp/mvpn-netns.lock}. Real time: every wait is bounded.
 */
class TenantSitesThroughNaptTest {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final List<MvpnId> TENANTS = List.of(ACME, GLOBEX, INITECH);

  /** The real host in every site, the same address in each tenant's realm. */
  static final String SITE_HOST = "10.1.0.100";

  static final Ipv4Address HOST = Ipv4Address.parse(SITE_HOST);
  static final String MSM = "198.51.100.53";
  static final Map<MvpnId, String> TOKENS =
      Map.of(
          ACME, "alice-0123456789abcdef",
          GLOBEX, "bob-0123456789abcdef00",
          INITECH, "carol-0123456789abcdef");
  static final int MTU = 1400;

  final long pid = ProcessHandle.current().pid();
  final ObjectMapper json = new ObjectMapper();
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final EventLoopScheduler loop = new EventLoopScheduler(group.next());
  final List<Vrf> vrfs = new ArrayList<>();
  final Map<MvpnId, Vrf> tenantVrfs = new LinkedHashMap<>();
  final Map<MvpnId, String> siteNamespaces = new LinkedHashMap<>();
  final Map<MvpnId, String> siteDevices = new LinkedHashMap<>();
  final Map<String, String> fqdnOf = new LinkedHashMap<>();
  NamespaceLab lab;
  WorkgroupSetup setup;
  ApplianceNapt napt;
  MsmDns msmDns;
  EventLoopGroup portalGroup;
  PortalServer portal;
  String portalUrl;
  String portalAddress;
  Ipv4Address publicAddress;

  @BeforeEach
  void needsRootAndTools() throws Exception {
    KernelLab.requireKernel("dig", "curl", "ping", "python3");
    lab = new NamespaceLab("mvb");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (portal != null) {
        portal.close();
      }
      // Closing the transports closes the TUN devices, wherever they are, before their namespaces.
      // Every VRF runs on the one loop.
      onLoop(
          () -> {
            vrfs.forEach(v -> v.interfaces().forEach(i -> v.removeInterface(i.name())));
            return null;
          });
    } finally {
      if (lab != null) {
        lab.close();
      }
      for (EventLoopGroup g : new EventLoopGroup[] {portalGroup, group}) {
        if (g != null) {
          g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
      }
    }
  }

  @Test
  void eachSitesHostResolvesOnlyTheMembersItSharesAWorkgroupWithAndOnlyItsOwnTunCarriesIt()
      throws Exception {
    build();
    List<String> names =
        List.of(
            "alice.acme.wg.mvpn.example",
            "bob.globex.wg.mvpn.example",
            "dave.globex.wg.mvpn.example",
            "carol.initech.wg.mvpn.example",
            "nobody.wg.mvpn.example");
    Map<MvpnId, List<String>> answers = new LinkedHashMap<>();
    // One site at a time: while one host asks, the other sites' devices must stay silent.
    for (MvpnId asker : TENANTS) {
      List<String> asked = asker.equals(INITECH) ? names.subList(0, 2) : names;
      Map<MvpnId, long[]> before = packets();
      long unreachables = unreachables(asker);
      List<String> got = new ArrayList<>();
      for (String name : asked) {
        got.add(dig(asker, name));
      }
      answers.put(asker, got);
      Map<MvpnId, long[]> after = packets();
      for (MvpnId site : TENANTS) {
        long rx = after.get(site)[0] - before.get(site)[0];
        long tx = after.get(site)[1] - before.get(site)[1];
        if (!site.equals(asker)) {
          assertThat(new long[] {rx, tx})
              .as("%s's site while %s asks", site, asker)
              .containsOnly(0);
        } else {
          // One query out and, through the NAPT, one answer in, per name; initech's VRF has no
          // route for a query and says so: an ICMP "unreachable" instead of each answer.
          long toldUnreachable = unreachables(site) - unreachables;
          assertThat(tx).as("%s's queries", site).isEqualTo(asked.size());
          assertThat(rx).as("%s's answers", site).isEqualTo(tx);
          assertThat(toldUnreachable).isEqualTo(site.equals(INITECH) ? tx : 0);
        }
      }
    }

    // alice (acme) shares bridge with bob; bob (globex) shares bridge with alice, dock with dave.
    // Names hidden from the asker and names that do not exist are both NXDOMAIN.
    String alice = "NOERROR " + fqdnOf.get("acme/10.1.0.100") + " 10.1.0.100";
    String bob = "NOERROR " + fqdnOf.get("globex/10.1.0.100") + " 10.1.0.100";
    String dave = "NOERROR " + fqdnOf.get("globex/10.1.0.7") + " 10.1.0.7";
    assertThat(answers.get(ACME)).containsExactly(alice, bob, "NXDOMAIN", "NXDOMAIN", "NXDOMAIN");
    assertThat(answers.get(GLOBEX)).containsExactly(alice, bob, dave, "NXDOMAIN", "NXDOMAIN");
    assertThat(answers.get(INITECH)).containsExactly("no reply", "no reply");
    assertThat(onLoop(msmDns::answered)).isEqualTo(10);
    assertThat(onLoop(msmDns::unanswered)).isZero();
    // The NAPT kept acme's and globex's 10.1.0.100 apart on UDP, one mapping per dig.
    assertThat(onLoop(napt::mappings))
        .filteredOn(m -> m.protocol() == IpProtocol.UDP)
        .extracting(m -> m.inside().tenant())
        .containsOnly(ACME, GLOBEX)
        .hasSize(10);
    assertThat(onLoop(() -> tenantVrfs.get(INITECH).counters().dropped(DropReason.NO_ROUTE)))
        .isEqualTo(2);
  }

  @Test
  void twoOverlappingTenantsAskThePortalAtOnceAndEachGetsItsOwnAnswer() throws Exception {
    build();
    Map<MvpnId, long[]> before = packets();
    long unreachables = unreachables(INITECH);

    Process acme = curl(ACME);
    Process globex = curl(GLOBEX);
    Process initech = curl(INITECH);
    Reply acmeReply = reply(acme);
    Reply globexReply = reply(globex);
    Reply initechReply = reply(initech);

    // Each asker sees the other member of the workgroup, not itself.
    assertThat(acmeReply.status).as(acmeReply.toString()).isEqualTo(200);
    assertThat(globexReply.status).as(globexReply.toString()).isEqualTo(200);
    assertThat(fqdns(acmeReply)).containsExactly(fqdnOf.get("globex/10.1.0.100"));
    assertThat(fqdns(globexReply)).containsExactly(fqdnOf.get("acme/10.1.0.100"));

    // The NAPT held one TCP mapping per tenant for the same private address, on two public ports.
    List<NaptMappingView> tcp =
        onLoop(napt::mappings).stream().filter(m -> m.protocol() == IpProtocol.TCP).toList();
    assertThat(tcp)
        .extracting(m -> m.inside().tenant(), m -> m.inside().address())
        .containsExactlyInAnyOrder(tuple(ACME, HOST), tuple(GLOBEX, HOST));
    assertThat(tcp.get(0).publicPort()).isNotEqualTo(tcp.get(1).publicPort());
    for (NaptMappingView m : tcp) {
      assertThat(onLoop(() -> napt.insideOf(IpProtocol.TCP, m.publicPort()))).contains(m.inside());
    }
    // Before curl could print its answer, at least the SYN, the handshake's ACK and the request
    // went out, and the SYN-ACK and the answer came in: 5 segments per connection (the closing
    // ones may still be on their way).
    assertThat(onLoop(napt::translated)).isGreaterThanOrEqualTo(10);
    assertThat(onLoop(napt::exhausted)).isZero();

    // initech's host, behind a VRF with no way to the backbone, reached nothing and got nothing.
    assertThat(initechReply.exit).as(initechReply.toString()).isNotZero();
    assertThat(initechReply.status).isNotEqualTo(200);
    assertThat(onLoop(() -> tenantVrfs.get(INITECH).counters().dropped(DropReason.NO_ROUTE)))
        .isPositive();
    // All that came back to it: ICMP "unreachable" from its VRF.
    Map<MvpnId, long[]> after = packets();
    assertThat(after.get(INITECH)[0] - before.get(INITECH)[0])
        .isPositive()
        .isEqualTo(unreachables(INITECH) - unreachables);
    // What each site's kernel received is exactly what its own VRF sent it.
    for (MvpnId t : List.of(ACME, GLOBEX)) {
      Vrf vrf = tenantVrfs.get(t);
      long sent = onLoop(() -> vrf.getInterface("lan").counters().sent());
      assertThat(after.get(t)[0] - before.get(t)[0]).as("%s site rx", t).isEqualTo(sent);
    }
  }

  @Test
  void aTokenFromAnotherTenantIsRefusedForTheHostBehindThePort() throws Exception {
    build();
    // globex's host presents acme's member's token: the NAPT says globex's 10.1.0.100 connects.
    Reply stolen = reply(curl(GLOBEX, TOKENS.get(ACME)));
    assertThat(stolen.status).as(stolen.toString()).isEqualTo(403);
    assertThat(json.readTree(stolen.body).get("error").asText()).isEqualTo("not-you");
    // The same token from acme's host is its own.
    Reply own = reply(curl(ACME, TOKENS.get(ACME)));
    assertThat(own.status).as(own.toString()).isEqualTo(200);
    assertThat(fqdns(own)).containsExactly(fqdnOf.get("globex/10.1.0.100"));
  }

  /**
   * Datagrams larger than the sites' MTU: the site's kernel sends them as fragments, which the NAPT
   * translates one by one; the public side's kernel reassembles them, and its answer, fragmented
   * too, is reassembled by the backbone VRF (the public address is its own), translated whole and
   * fragmented again by acme's VRF toward the site. A 3,000-byte UDP datagram to an echo service
   * beyond the uplink, then a 3,000-byte ping.
   */
  @Test
  void aSiteHostsFragmentedDatagramAndPingGetTheirAnswersThroughTheNapt() throws Exception {
    build();
    try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(portalAddress, 0))) {
      echo.setSoTimeout(10_000);
      CompletableFuture<DatagramPacket> heard =
          CompletableFuture.supplyAsync(
              () -> {
                DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
                try {
                  echo.receive(p);
                  echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                return p;
              });
      String script =
          "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5);"
              + " s.sendto(bytes(i %% 251 for i in range(3000)), ('%s', %d));"
                  .formatted(portalAddress, echo.getLocalPort())
              + " d, a = s.recvfrom(65535);"
              + " print(len(d), a[0], d == bytes(i % 251 for i in range(3000)))";
      Process sender =
          lab.start(
              siteNamespaces.get(ACME), ProcessBuilder.Redirect.PIPE, "python3", "-c", script);
      String answer = new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(sender.waitFor(15, TimeUnit.SECONDS)).isTrue();

      DatagramPacket got = heard.get(15, TimeUnit.SECONDS);
      // The public side saw the whole datagram, from the NAPT's address.
      assertThat(got.getLength()).isEqualTo(3000);
      assertThat(got.getAddress().getHostAddress()).isEqualTo(publicAddress.toString());
      assertThat(answer.trim()).isEqualTo("3000 " + portalAddress + " True");
    }

    Process ping =
        lab.start(
            siteNamespaces.get(ACME),
            ProcessBuilder.Redirect.PIPE,
            "ping",
            "-n",
            "-c",
            "1",
            "-W",
            "5",
            "-s",
            "3000",
            portalAddress);
    String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ping.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(ping.exitValue()).as(out).isZero();
    assertThat(out).contains("3008 bytes from " + portalAddress);
    // Nothing on the way was held too long, overlapping or over a limit.
    for (FragmentDrop reason : FragmentDrop.values()) {
      assertThat(onLoop(() -> napt.manager.fragmentsDropped(reason))).as("%s", reason).isZero();
    }
  }

  record Reply(int exit, int status, String body) {}

  List<String> fqdns(Reply r) throws Exception {
    JsonNode members = json.readTree(r.body).get("members");
    return StreamSupport.stream(members.spliterator(), false)
        .map(m -> m.get("fqdn").asText())
        .toList();
  }

  /**
   * mvpn's side on TUN devices (the sites' LANs, the backbone's uplink), the DNS on the MSM's
   * address, the portal on the uplink's root-namespace end, then the sites' kernels.
   */
  void build() throws Exception {
    int slot = (int) (pid % 16384);
    String subnet = "10.235." + (slot / 64) + ".";
    int base = (slot % 64) * 4;
    portalAddress = subnet + (base + 1);
    publicAddress = Ipv4Address.parse(subnet + (base + 2));

    setup = WorkgroupSetup.read(Path.of("src/test/resources/site-workgroups.yaml"));
    setup.members().forEach(m -> fqdnOf.put(m.tenant() + "/" + m.address(), m.fqdn()));
    InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
    WorkgroupPortal api = new WorkgroupPortal(directory, setup.admitted());
    setup.applyTo(directory, api);

    String uplinkDevice = lab.device("u");
    TunTransport uplink = TunTransport.open(uplinkDevice, MTU);
    Map<MvpnId, TunTransport> lans = new LinkedHashMap<>();
    for (MvpnId t : TENANTS) {
      siteDevices.put(t, lab.device(t.toString().substring(0, 1)));
      lans.put(t, TunTransport.open(siteDevices.get(t), MTU));
    }
    onLoop(
        () -> {
          Vrf backbone = vrf("backbone");
          backbone.addInterface("uplink", publicAddress, 30, uplink);
          napt =
              new ApplianceNapt(
                  backbone, publicAddress, 40000, 40031, NaptTimeouts.udp(Duration.ofMinutes(2)));
          msmDns = new MsmDns(backbone, Ipv4Address.parse(MSM), napt.gateway);
          msmDns.use(new WorkgroupDnsServer(directory, ZoneSettings.defaults()));
          for (MvpnId t : TENANTS) {
            Vrf vrf = vrf(t.toString());
            vrf.addInterface("lan", Ipv4Address.parse("10.1.0.1"), 16, lans.get(t));
            tenantVrfs.put(t, vrf);
          }
          napt.attach(ACME, tenantVrfs.get(ACME));
          napt.attach(GLOBEX, tenantVrfs.get(GLOBEX));
          return null;
        });

    // The root namespace's end of the uplink, and the portal on it. The portal runs on loops of
    // its own, as in the appliance: it asks the NAPT's loop who is behind a connection's port.
    NamespaceLab.run("sysctl", "-q", "-w", "net.ipv6.conf." + uplinkDevice + ".disable_ipv6=1");
    NamespaceLab.run("ip", "addr", "add", portalAddress + "/30", "dev", uplinkDevice);
    api.setCallerVerifier(
        new NaptCallerVerifier(
            () -> publicAddress,
            port -> onLoopUnchecked(() -> napt.insideOf(IpProtocol.TCP, port))));
    portalGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    portal = PortalServer.start(api, new InetSocketAddress(portalAddress, 0), portalGroup);
    portalUrl =
        "http://%s:%d/api/v1/workgroups/bridge/members"
            .formatted(portalAddress, portal.address().getPort());

    // Each site's kernel is the host 10.1.0.100/16, its default route through the tenant's VRF.
    for (MvpnId t : TENANTS) {
      String site = lab.namespace("mvb-" + t);
      lab.moveInto(siteDevices.get(t), site, SITE_HOST + "/16");
      lab.in(site, "ip", "route", "add", "default", "via", "10.1.0.1");
      siteNamespaces.put(t, site);
    }
  }

  Vrf vrf(String name) {
    Vrf vrf = new Vrf(name, loop, ByteBufAllocator.DEFAULT);
    vrfs.add(vrf);
    return vrf;
  }

  /** Every site device's {rx, tx} packets, as the sites' kernels count them. */
  Map<MvpnId, long[]> packets() throws Exception {
    Map<MvpnId, long[]> counts = new LinkedHashMap<>();
    for (MvpnId t : TENANTS) {
      counts.put(t, lab.packets(siteNamespaces.get(t), siteDevices.get(t)));
    }
    return counts;
  }

  /** ICMP destination unreachable messages a site's kernel has received. */
  long unreachables(MvpnId site) throws Exception {
    return lab.snmp(siteNamespaces.get(site)).get("Icmp.InDestUnreachs");
  }

  static final Pattern STATUS = Pattern.compile("status: (\\w+)");
  static final Pattern A_RECORD = Pattern.compile("(?m)^(\\S+)\\.\\s+\\d+\\s+IN\\s+A\\s+(\\S+)$");

  /**
   * dig in a site for one A record, one try of at most 2 s: "RCODE NAME ADDRESS" for an answer, the
   * rcode alone without one, "no reply" when nothing came back.
   */
  String dig(MvpnId tenant, String name) throws Exception {
    Process p =
        lab.start(
            siteNamespaces.get(tenant),
            ProcessBuilder.Redirect.PIPE,
            "dig",
            "@" + MSM,
            name,
            "A",
            "+tries=1",
            "+time=2",
            "+noall",
            "+comments",
            "+answer");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("dig %s in %s", name, tenant).isTrue();
    if (p.exitValue() == 9) {
      return "no reply";
    }
    Matcher status = STATUS.matcher(out);
    assertThat(status.find()).as("dig's output: %s", out).isTrue();
    Matcher a = A_RECORD.matcher(out);
    return a.find() ? status.group(1) + " " + a.group(1) + " " + a.group(2) : status.group(1);
  }

  /** Starts curl in a tenant's site with a member's token; bounded to 15 s. */
  Process curl(MvpnId tenant) throws Exception {
    return curl(tenant, TOKENS.get(tenant));
  }

  Process curl(MvpnId tenant, String token) throws Exception {
    return lab.start(
        siteNamespaces.get(tenant),
        ProcessBuilder.Redirect.PIPE,
        "curl",
        "-sS",
        "--max-time",
        "15",
        "-w",
        "\n%{http_code}",
        "-H",
        "Authorization: Bearer " + token,
        portalUrl);
  }

  Reply reply(Process curl) throws Exception {
    if (!curl.waitFor(20, TimeUnit.SECONDS)) {
      curl.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int cut = out.lastIndexOf('\n');
    String status = cut < 0 ? out : out.substring(cut + 1).trim();
    return new Reply(
        curl.exitValue(),
        status.matches("\\d+") ? Integer.parseInt(status) : -1,
        cut < 0 ? "" : out.substring(0, cut));
  }

  <T> T onLoop(Callable<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            f.complete(task.call());
          } catch (Exception | Error e) {
            f.completeExceptionally(e);
          }
        });
    return f.get(10, TimeUnit.SECONDS);
  }

  <T> T onLoopUnchecked(Callable<T> task) {
    try {
      return onLoop(task);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
