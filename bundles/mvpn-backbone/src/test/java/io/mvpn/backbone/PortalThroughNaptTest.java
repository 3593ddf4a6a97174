package io.mvpn.backbone;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.msm.PortalServer;
import io.mvpn.msm.WorkgroupPortal;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.net.DropReason;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.UdpPointToPointTransport;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c19-22 with real kernels and real TCP: acme's and globex's mobile nodes, each in a
 * network namespace of its own and both at 10.1.0.5, ask the workgroup portal for the members at
 * the same moment with curl. Their packets cross mvpn (each tenant's VRF, the backbone NAPT) and
 * reach the portal, a real Netty HTTP server in the root namespace, from the NAPT's public address;
 * each answer finds its way back to the node that asked, and each lists the other member, not the
 * asker. A third tenant, initech, whose VRF is not attached to the NAPT, reaches nothing.
 *
 * <pre>
 *  ns acme    curl 10.1.0.5 -- tun -- socat ==udp== [vrf acme]   \
 *  ns globex  curl 10.1.0.5 -- tun -- socat ==udp== [vrf globex]  > NAPT [vrf backbone] ==udp== socat -- tun -- portal
 *  ns initech curl 10.1.0.5 -- tun -- socat ==udp== [vrf initech] (not attached)      10.235.x.2      root ns  10.235.x.1
 * </pre>
 *
 * Every link between socat and mvpn is UDP on loopback; the uplink's TUN device (and with it its
 * address and route) lives only as long as its socat. Names and the uplink's subnet derive from the
 * process id so parallel runs do not collide. Skipped without root, ip, socat or curl.
 */
class PortalThroughNaptTest {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final MvpnId INITECH = MvpnId.of("initech");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");
  static final Map<MvpnId, String> TOKENS =
      Map.of(
          ACME, "alice-0123456789abcdef",
          GLOBEX, "bob-0123456789abcdef00",
          INITECH, "carol-0123456789abcdef");
  static final Map<MvpnId, String> FQDNS =
      Map.of(
          ACME, "alice.acme.example",
          GLOBEX, "bob.globex.example",
          INITECH, "carol.initech.example");

  final long pid = ProcessHandle.current().pid();
  final Path logs = Path.of("target", "portal-through-napt");
  final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
  final ObjectMapper json = new ObjectMapper();
  EventLoopGroup group;
  EventLoopGroup portalGroup;
  EventLoopScheduler loop;
  ApplianceNapt napt;
  final Map<MvpnId, Vrf> tenantVrfs = new LinkedHashMap<>();
  final Map<MvpnId, TunHost> mobileNodes = new LinkedHashMap<>();
  String portalUrl;

  @BeforeEach
  void needsRootAndTools() throws Exception {
    for (String tool : List.of("ip", "socat", "curl")) {
      require(onPath(tool), tool + " is not installed");
    }
    require(TunHost.run("id", "-u").trim().equals("0"), "needs root for namespaces");
    require(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
    Files.createDirectories(logs);
  }

  @AfterEach
  void tearDown() throws Exception {
    // Last made, first gone: curl, the portal, the TUN hosts, then mvpn's loop.
    while (!cleanup.isEmpty()) {
      try {
        cleanup.pop().close();
      } catch (Exception e) {
        // keep cleaning
      }
    }
    for (EventLoopGroup g : new EventLoopGroup[] {portalGroup, group}) {
      if (g != null) {
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  @Test
  void twoOverlappingTenantsAskThePortalAtOnceAndEachGetsItsOwnAnswer() throws Exception {
    build();

    Process acme = curl(ACME);
    Process globex = curl(GLOBEX);
    Process initech = curl(INITECH);
    Reply acmeReply = reply(acme);
    Reply globexReply = reply(globex);
    Reply initechReply = reply(initech);

    // Each asker sees the other member of the workgroup, not itself.
    assertThat(acmeReply.status).as(acmeReply.toString()).isEqualTo(200);
    assertThat(globexReply.status).as(globexReply.toString()).isEqualTo(200);
    assertThat(fqdns(acmeReply)).containsExactly(FQDNS.get(GLOBEX));
    assertThat(fqdns(globexReply)).containsExactly(FQDNS.get(ACME));

    // The NAPT held one TCP mapping per tenant for the same private address, on two public ports.
    List<NaptMappingView> tcp =
        onLoop(napt::mappings).stream().filter(m -> m.protocol() == IpProtocol.TCP).toList();
    assertThat(tcp)
        .extracting(m -> m.inside().tenant(), m -> m.inside().address())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(ACME, FIVE),
            org.assertj.core.groups.Tuple.tuple(GLOBEX, FIVE));
    assertThat(tcp.get(0).publicPort()).isNotEqualTo(tcp.get(1).publicPort());
    for (NaptMappingView m : tcp) {
      assertThat(onLoop(() -> napt.insideOf(IpProtocol.TCP, m.publicPort()))).contains(m.inside());
    }
    // Before curl could print its answer, at least the SYN, the handshake's ACK and the request
    // went out, and the SYN-ACK and the answer came in: 5 segments per connection (the closing
    // ones may still be on their way).
    assertThat(onLoop(napt::translated)).isGreaterThanOrEqualTo(10);
    assertThat(onLoop(napt::exhausted)).isZero();

    // initech's node, behind a VRF with no way to the backbone, reached nothing.
    assertThat(initechReply.exit).as(initechReply.toString()).isNotZero();
    assertThat(initechReply.status).isNotEqualTo(200);
    assertThat(onLoop(() -> tenantVrfs.get(INITECH).counters().dropped(DropReason.NO_ROUTE)))
        .isPositive();
  }

  @Test
  void aTokenFromAnotherTenantIsRefusedForTheNodeBehindThePort() throws Exception {
    build();
    // globex's node presents acme's member's token: the NAPT says globex's 10.1.0.5 is connecting.
    Reply stolen = reply(curl(GLOBEX, TOKENS.get(ACME)));
    assertThat(stolen.status).as(stolen.toString()).isEqualTo(403);
    assertThat(json.readTree(stolen.body).get("error").asText()).isEqualTo("not-you");
    // The same token from acme's node is its own.
    Reply own = reply(curl(ACME));
    assertThat(own.status).as(own.toString()).isEqualTo(200);
    assertThat(fqdns(own)).containsExactly(FQDNS.get(GLOBEX));
  }

  record Reply(int exit, int status, String body) {}

  List<String> fqdns(Reply r) throws Exception {
    JsonNode members = json.readTree(r.body).get("members");
    return java.util.stream.StreamSupport.stream(members.spliterator(), false)
        .map(m -> m.get("fqdn").asText())
        .toList();
  }

  /** Builds mvpn's side first (so socat finds its peer bound), then the kernels' side. */
  void build() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    int slot = (int) (pid % 16384);
    String subnet = "10.235." + (slot / 64) + ".";
    int base = (slot % 64) * 4;
    String portalAddress = subnet + (base + 1);
    Ipv4Address publicAddress = Ipv4Address.parse(subnet + (base + 2));

    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    loop = new EventLoopScheduler(group.next());
    Map<String, InetSocketAddress[]> links = new LinkedHashMap<>();
    for (String name : List.of("uplink", "acme", "globex", "initech")) {
      links.put(
          name,
          new InetSocketAddress[] {
            new InetSocketAddress(lo, freePort()), new InetSocketAddress(lo, freePort())
          });
    }
    List<UdpPointToPointTransport> transports =
        onLoop(
            () -> {
              Vrf backbone = new Vrf("backbone", loop, ByteBufAllocator.DEFAULT);
              UdpPointToPointTransport up = transport(links.get("uplink"));
              backbone.addInterface("uplink", publicAddress, 30, up);
              napt =
                  new ApplianceNapt(
                      backbone,
                      publicAddress,
                      40000,
                      40015,
                      NaptTimeouts.udp(Duration.ofMinutes(2)));
              List<UdpPointToPointTransport> all = new java.util.ArrayList<>(List.of(up));
              for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
                Vrf vrf = new Vrf(t.toString(), loop, ByteBufAllocator.DEFAULT);
                UdpPointToPointTransport link = transport(links.get(t.toString()));
                vrf.addInterface("mn", Ipv4Address.parse("10.1.0.1"), 24, link);
                tenantVrfs.put(t, vrf);
                all.add(link);
              }
              napt.attach(ACME, tenantVrfs.get(ACME));
              napt.attach(GLOBEX, tenantVrfs.get(GLOBEX));
              return all;
            });
    for (UdpPointToPointTransport t : transports) {
      t.awaitBound(5, TimeUnit.SECONDS);
    }

    // The root namespace's end of the uplink, and the portal on it.
    TunHost uplink =
        TunHost.inRoot(
            "mvn" + pid + "u",
            portalAddress + "/30",
            links.get("uplink")[1],
            links.get("uplink")[0],
            logs.resolve("socat-uplink.log"));
    cleanup.push(uplink);
    // The portal runs on loops of its own, as in the appliance: it asks the NAPT's loop who is
    // behind a connection's port, and waits for the answer.
    WorkgroupPortal api = portal();
    api.setCallerVerifier(
        new NaptCallerVerifier(
            () -> publicAddress,
            port -> onLoopUnchecked(() -> napt.insideOf(IpProtocol.TCP, port))));
    portalGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    PortalServer portal =
        PortalServer.start(api, new InetSocketAddress(portalAddress, 0), portalGroup);
    cleanup.push(portal);
    portalUrl =
        "http://"
            + portalAddress
            + ":"
            + portal.address().getPort()
            + "/api/v1/workgroups/bridge/members";

    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      TunHost mn =
          TunHost.inNamespace(
              "mvpnapt" + pid + t,
              "mvn" + pid + t.toString().charAt(0),
              FIVE.toString(),
              links.get(t.toString())[1],
              links.get(t.toString())[0],
              logs.resolve("socat-" + t + ".log"));
      cleanup.push(mn);
      mobileNodes.put(t, mn);
    }
  }

  UdpPointToPointTransport transport(InetSocketAddress[] link) {
    return new UdpPointToPointTransport(
        group, link[0], link[1], UdpPointToPointTransport.DEFAULT_MTU);
  }

  /** alice (acme) and bob (globex), both 10.1.0.5, share the workgroup bridge; carol does not. */
  static WorkgroupPortal portal() {
    InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      directory.putMember(
          new Member(new MemberId(t, FIVE), FQDNS.get(t), Ipv4Address.parse("198.51.100.10")));
    }
    directory.addWorkgroup("bridge");
    directory.join("bridge", new MemberId(ACME, FIVE));
    directory.join("bridge", new MemberId(GLOBEX, FIVE));
    WorkgroupPortal portal =
        new WorkgroupPortal(directory, Map.of("bridge", Set.of(ACME, GLOBEX, INITECH)));
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      portal.addCredential(TOKENS.get(t), new MemberId(t, FIVE));
    }
    return portal;
  }

  /** Starts curl in a tenant's node, with that member's token; bounded to 15 s. */
  Process curl(MvpnId tenant) throws Exception {
    return curl(tenant, TOKENS.get(tenant));
  }

  Process curl(MvpnId tenant, String token) throws Exception {
    Process p =
        mobileNodes
            .get(tenant)
            .start(
                logs.resolve("curl-" + tenant + ".log"),
                "curl",
                "-sS",
                "--max-time",
                "15",
                "-w",
                "\n%{http_code}",
                "-H",
                "Authorization: Bearer " + token,
                portalUrl);
    cleanup.push(() -> TunHost.stop(p));
    return p;
  }

  Reply reply(Process curl) throws Exception {
    if (!curl.waitFor(20, TimeUnit.SECONDS)) {
      TunHost.stop(curl);
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

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** A port that was free a moment ago. */
  static int freePort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
