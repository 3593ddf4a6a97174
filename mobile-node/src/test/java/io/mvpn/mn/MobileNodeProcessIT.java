package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.cfg;
import static io.mvpn.mn.LaptopProcesses.sha256;
import static io.mvpn.mn.LaptopProcesses.wrapper;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.mip.AssociationSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher as an operator installs it (target/mvpn-mn: bin/mvpn-mn over lib/mvpn-mn.jar), a
 * real process in a "laptop" namespace, against the appliance's home agent engine in this JVM on
 * real TUN devices. The laptop reaches the appliance through a veth into the access namespace,
 * which routes between it and the appliance's public TUN device; acme's site is a namespace whose
 * kernel is the host 10.1.0.100 on acme's LAN TUN device. The laptop's own kernel pings the site
 * and moves a file there and back over TCP, from the home address the node holds on its TUN device.
 *
 * <p>Needs root, /dev/net/tun, ip, ping and socat; fails without them under CI=true. Run under
 * {@code flock /tmp/mvpn-netns.lock}. Real time throughout; every wait is bounded.
 */
class MobileNodeProcessIT extends EnginesInThisJvm {

  private static final Ipv4Address PUBLIC_SIDE = Ipv4Address.parse("203.0.113.1");
  private static final String CARE_OF = "203.0.113.130";

  /** Behind the NAT: the laptop's own address, and what the NAT masquerades it as. */
  private static final String PRIVATE_CARE_OF = "10.77.0.2";

  private static final String NAT_PUBLIC = "203.0.113.2";
  private static final String HOST_AT_HOME = "10.1.0.100";

  /**
   * The public and LAN TUN devices' MTU, and the launcher's default for its own TUN device: what
   * the home agent tunnels in UDP is then 32 bytes too big for the public link, and the site's
   * kernel learns the tunnel MTU from the home agent's "fragmentation needed" (RFC 2003 §5.1).
   */
  private static final int MTU = 1400;

  private String site;
  private String laptop;
  private Ipv4Address home;
  private Path configFile;
  private MnConfig config;
  private String careOf = CARE_OF;
  private String access;

  @Test
  void aLaptopsKernelReachesItsSiteFromTheHomeAddressAndDownDropsTheBinding() throws Exception {
    Process node = registeredNode();
    assertThat(config.mtu()).as("the launcher's default").isEqualTo(MTU);
    assertThat(lab.in(laptop, "ip", "-o", "link", "show", "dev", config.tunDevice()))
        .contains("mtu " + MTU);
    assertThat(lab.in(laptop, "ip", "-o", "addr", "show", "dev", config.tunDevice()))
        .contains("inet " + home + "/32")
        .doesNotContain("inet6");

    // The laptop's kernel pings the site's kernel from the home address, through the node.
    String ping = lab.in(laptop, "ping", "-c", "3", "-W", "5", "-I", home.toString(), HOST_AT_HOME);
    assertThat(ping).contains("3 packets transmitted, 3 received");

    // A megabyte there and back over one TCP connection, echoed by the site's host.
    byte[] file = new byte[1024 * 1024];
    new Random(3519).nextBytes(file);
    Path sent = Files.write(dir.resolve("sent"), file);
    Path back = dir.resolve("back");
    Path peer = dir.resolve("peer");
    lab.start(
        site,
        ProcessBuilder.Redirect.DISCARD,
        "socat",
        "TCP-LISTEN:5001,bind=" + HOST_AT_HOME + ",reuseaddr",
        "SYSTEM:echo $SOCAT_PEERADDR > " + peer + "; exec cat");
    String connect = "TCP:" + HOST_AT_HOME + ":5001,retry=40,interval=0.25";
    Result transfer =
        command(laptop, "sh", "-c", "socat -t 10 -T 30 - " + connect + " < " + sent + " > " + back);
    assertThat(transfer.exit()).as("transfer: %s", transfer.output()).isZero();
    assertThat(sha256(back)).isEqualTo(sha256(sent));
    // The site's full-sized segments did not fit the tunnel: the home agent said so, once or a few
    // times, and the site's kernel sent smaller ones from then on.
    Interface tunnel = vrfs.get(1).getInterface("mip-acme");
    assertThat(tunnel.counters().dropped(DropReason.MTU_EXCEEDED)).isPositive();
    assertThat(Files.readString(peer).trim()).isEqualTo(home.toString());

    Result down = run("down");
    assertThat(down.exit()).as("down: %s", down.output()).isZero();
    assertThat(NodeStatus.fields(down.output())).containsEntry("state", "deregistered");
    assertThat(store.bindings(MvpnId.of("acme"), home)).isEmpty();
    assertThat(node.waitFor(15, TimeUnit.SECONDS)).as("the node stops after down").isTrue();
    assertThat(node.exitValue()).isZero();
    assertThat(run("status").exit()).isEqualTo(3);
    assertTunDeviceAndRoutesGone();
  }

  @Test
  void aTerminatedNodeDeregistersAndTakesItsDeviceAndRoutesWithIt() throws Exception {
    Process node = registeredNode();

    node.destroy(); // SIGTERM, as systemctl stop or kill sends it
    assertThat(node.waitFor(15, TimeUnit.SECONDS)).as("the node stops on SIGTERM").isTrue();
    assertThat(store.bindings(MvpnId.of("acme"), home)).isEmpty();
    assertTunDeviceAndRoutesGone();
  }

  @Test
  void aLaptopBehindANatTunnelsInUdpBothWaysThroughTheNatsMapping() throws Exception {
    careOf = PRIVATE_CARE_OF;
    Process node = registeredNode();
    // The home agent saw the request come from the NAT's address, not the care-of address in it
    // (the node's status shows its own): its replies and the tunnel go to the mapping the
    // registration made.
    assertThat(store.bindings(MvpnId.of("acme"), home).get(0).source()).hasToString(NAT_PUBLIC);

    // Upstream first: the laptop's kernel pings the site from the home address.
    assertThat(lab.in(laptop, "ping", "-c", "3", "-W", "5", "-I", home.toString(), HOST_AT_HOME))
        .contains("3 packets transmitted, 3 received");
    // Then the site's kernel starts an exchange of its own toward the home address: it reaches the
    // laptop only through the NAT's mapping of the node's socket.
    assertThat(lab.in(site, "ping", "-c", "3", "-W", "5", home.toString()))
        .contains("3 packets transmitted, 3 received");
    // Everything crossed the NAT in UDP on the home agent's port: the registration and its reply,
    // and six echo requests and six replies each way in the tunnel (no IP in IP: protocol 4 is
    // counted apart and must stay at zero).
    List<Long> counts =
        Pattern.compile("packets (\\d+)")
            .matcher(lab.in(access, "nft", "list", "chain", "ip", "mvpn", "counted"))
            .results()
            .map(m -> Long.parseLong(m.group(1)))
            .toList();
    assertThat(counts).as("to 434, from 434, IP in IP").containsExactly(7L, 7L, 0L);

    Result down = run("down");
    assertThat(down.exit()).as("down: %s", down.output()).isZero();
    assertThat(store.bindings(MvpnId.of("acme"), home)).isEmpty();
    assertThat(node.waitFor(15, TimeUnit.SECONDS)).as("the node stops after down").isTrue();
  }

  /** The launcher up in the laptop namespace, registered (its status checked), its binding made. */
  private Process registeredNode() throws Exception {
    KernelLab.requireKernel("ping", "socat", "nft");
    Properties ha = cfg("io.mvpn.homeagent-acme.cfg");
    AssociationSpec association = AssociationSpec.parse(ha.getProperty("mobileNodes"));
    home = association.peer();
    laptop = appliance(ha);
    configFile = mnConfig(ha, association);
    config = MnConfig.load(configFile);
    Process node = LaptopProcesses.up(lab, laptop, configFile, dir.resolve("node.log"));
    Result status = awaitRegistered(node);
    assertThat(NodeStatus.fields(status.output()))
        .containsEntry("state", "registered")
        .containsEntry("care-of-address", careOf)
        .containsEntry("home-address", home.toString())
        .containsEntry("tunnel", "udp (RFC 3519)");
    assertThat(store.bindings(MvpnId.of("acme"), home))
        .singleElement()
        .satisfies(
            b -> {
              // Behind a NAT the home agent binds what it saw (RFC 3519 §3.2): the NAT's address.
              String seen = careOf.equals(PRIVATE_CARE_OF) ? NAT_PUBLIC : careOf;
              assertThat(b.careOfAddress()).hasToString(seen);
              assertThat(b.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
            });
    return node;
  }

  private void assertTunDeviceAndRoutesGone() throws Exception {
    assertThat(lab.in(laptop, "ip", "-o", "link")).doesNotContain(config.tunDevice());
    assertThat(lab.in(laptop, "ip", "route")).doesNotContain("10.1.0.0/16");
  }

  /**
   * The appliance's public VRF and acme's home agent and VRF on TUN devices; returns the laptop
   * namespace: laptop (CARE_OF/25) -- veth -- access (router) -- TUN -- public VRF (203.0.113.1).
   */
  private String appliance(Properties ha) throws Exception {
    Vrf publicVrf = vrf("public");
    String publicDevice = lab.device("p");
    TunTransport publicTun = TunTransport.open(publicDevice, MTU);
    onLoop(() -> publicVrf.addInterface("public-internet", PUBLIC_SIDE, 24, publicTun));
    access = lab.namespace("access");
    lab.moveInto(publicDevice, access, NAT_PUBLIC + "/25");
    lab.in(access, "ip", "route", "add", "198.51.100.0/24", "dev", publicDevice);
    lab.in(access, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    String namespace = lab.namespace("laptop");
    String outer = lab.device("a");
    String inner = lab.device("l");
    NetnsLab.run(
        "ip", "link", "add", outer, "netns", access, "type", "veth", "peer", "name", inner, "netns",
        namespace);
    // Public: the laptop's address is routed (203.0.113.128/25); behind the NAT: a private network
    // the access namespace masquerades onto the public side, as a home router or a CGNAT does.
    boolean natted = careOf.equals(PRIVATE_CARE_OF);
    String router = natted ? "10.77.0.1" : "203.0.113.129";
    lab.in(access, "ip", "addr", "add", router + (natted ? "/24" : "/25"), "dev", outer);
    lab.in(access, "ip", "link", "set", outer, "up");
    lab.in(namespace, "ip", "addr", "add", careOf + (natted ? "/24" : "/25"), "dev", inner);
    lab.in(namespace, "ip", "link", "set", inner, "up");
    lab.in(namespace, "ip", "route", "add", "default", "via", router);
    if (natted) {
      String agent = ha.getProperty("address");
      lab.in(access, "nft", "add", "table", "ip", "mvpn");
      lab.in(
          access, "nft", "add chain ip mvpn post { type nat hook postrouting priority srcnat ; }");
      lab.in(access, "nft", "add rule ip mvpn post oifname " + publicDevice + " masquerade");
      lab.in(
          access,
          "nft",
          "add chain ip mvpn counted { type filter hook forward priority filter ; }");
      lab.in(
          access, "nft", "add rule ip mvpn counted ip daddr " + agent + " udp dport 434 counter");
      lab.in(
          access, "nft", "add rule ip mvpn counted ip saddr " + agent + " udp sport 434 counter");
      lab.in(access, "nft", "add rule ip mvpn counted ip protocol 4 counter");
    }

    Properties lan = cfg("io.mvpn.interface-" + ha.getProperty("homeInterface") + ".cfg");
    Vrf acme = vrf("acme");
    String lanDevice = lab.device("s");
    TunTransport lanTun = TunTransport.open(lanDevice, MTU);
    String[] lanAddress = lan.getProperty("address").split("/");
    int length = Integer.parseInt(lanAddress[1]);
    onLoop(
        () ->
            acme.addInterface(
                lan.getProperty("name"), Ipv4Address.parse(lanAddress[0]), length, lanTun));
    site = lab.namespace("acme-site");
    lab.moveInto(lanDevice, site, HOST_AT_HOME + "/" + length);

    HomeAgentConfig agentConfig = LaptopProcesses.homeAgentConfig("acme");
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    startHomeAgent(agentConfig, publicVrf, acme, epochOffset);
    return namespace;
  }

  /** The laptop's config file, as docs/mobile-node.md writes it. */
  private Path mnConfig(Properties ha, AssociationSpec association) throws IOException {
    String[] words = ha.getProperty("mobileNodes").trim().split("\\s+");
    return Files.writeString(
        dir.resolve("mvpn-mn.yaml"),
        """
        homeAddress: %s
        homeAgent: %s
        careOfAddress: %s
        spi: %d
        algorithm: %s
        key: %s
        lifetime: 300
        tunDevice: %s
        routes: [10.1.0.0/16]
        control: %s
        """
            .formatted(
                association.peer(),
                ha.getProperty("address"),
                careOf,
                association.spi(),
                words[2],
                words[3],
                lab.device("m"),
                dir.resolve("control.sock")));
  }

  private Result awaitRegistered(Process node) throws Exception {
    return LaptopProcesses.awaitRegistered(node, dir.resolve("node.log"), () -> run("status"));
  }

  /** {@code mvpn-mn VERB --config FILE} in the laptop namespace. */
  private Result run(String verb) throws Exception {
    String javaHome = "JAVA_HOME=" + System.getProperty("java.home");
    return command(laptop, "env", javaHome, wrapper(), verb, "--config", configFile.toString());
  }

  /** A command in a namespace, bounded to 60 s. */
  private Result command(String namespace, String... command) throws Exception {
    return LaptopProcesses.command(lab, dir, namespace, command);
  }
}
