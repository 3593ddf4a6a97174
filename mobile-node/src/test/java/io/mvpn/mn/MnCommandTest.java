package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: what it prints and how it exits, against a node served on a real socket. */
class MnCommandTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private ControlSocket node;

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aBadHomeAddressGivesOneClearErrorLineAndExitCode2() throws IOException {
    assertRefused(
        "up",
        config("homeAddress: 10.1.0.300"),
        "homeAddress: '10.1.0.300' is not an IPv4 address");
  }

  @Test
  void aMissingKeyAnUnknownKeyAndAMissingFileEachGiveOneLineAndExitCode2() throws IOException {
    String noKey = valid().replace("key: 00112233445566778899aabbccddeeff\n", "");
    assertRefused("status", write("no-key.yaml", noKey), "key: missing (required)");
    Path unknown = write("unknown.yaml", valid() + "careOf: 203.0.113.61\n");
    assertRefused("down", unknown, "unknown key 'careOf'");
    assertRefused("up", dir.resolve("absent.yaml"), "no such file");
  }

  @Test
  void foreignAgentModeNeedsTheAccessInterfaceAndRefusesACareOfAddress() throws Exception {
    String throughAgent = valid().replace("careOfAddress: 203.0.113.61\n", "mode: foreign-agent\n");
    assertRefused("up", write("no-if.yaml", throughAgent), "accessInterface: missing (required)");
    Path both = write("both.yaml", valid() + "mode: foreign-agent\naccessInterface: eth0\n");
    assertRefused(
        "up", both, "careOfAddress: not with mode foreign-agent (found on the access link)");
    Path wrong = write("wrong.yaml", valid() + "accessInterface: eth0\n");
    assertRefused("up", wrong, "accessInterface: only with mode foreign-agent, auto or vpn");
    Path standby = write("standby.yaml", throughAgent + "accessInterfaces: [wlan0, wwan0]\n");
    assertRefused(
        "up", standby, "accessInterfaces: only with mode vpn (accessInterface: one interface)");
    assertRefused(
        "up",
        config("routes: [10.1.0.0/16]\nmode: roaming"),
        "mode: 'roaming' is not colocated, foreign-agent, auto or vpn");

    MnConfig ok = MnConfig.load(write("fa.yaml", throughAgent + "accessInterface: wlan0\n"));
    assertThat(ok.mode()).isEqualTo(MnConfig.Mode.FOREIGN_AGENT);
    assertThat(ok.accessInterface()).isEqualTo("wlan0");
    assertThat(ok.careOfAddress()).isNull();
  }

  @Test
  void brokenYamlGivesOneLineWithItsLineNumber() throws IOException {
    Path broken = write("broken.yaml", "homeAddress: 10.1.0.5\nroutes: [10.1.0.0/16\n");

    assertThat(run("up", "--config", broken.toString())).isEqualTo(2);
    assertThat(stderrLines())
        .singleElement()
        .asString()
        .startsWith("mvpn-mn: " + broken + ": not valid YAML at line 2: ");
  }

  @Test
  void aShortKeyAndAReservedSpiAreRefusedBeforeAnythingStarts() throws IOException {
    // All digits: YAML would read a number; the key is taken as written, leading zeros included.
    assertRefused("up", config("key: 0011"), "key: at least 16 bytes (32 hex digits), got 2");
    assertRefused("up", config("spi: 255"), "spi: 255 is outside 256..4294967295");
  }

  @Test
  void theHandoverPriorityIsNiceMinus10ByDefaultAndOnlyANiceValueIsTaken() throws Exception {
    assertThat(MnConfig.load(config()).priority())
        .isEqualTo(MnConfig.DEFAULT_PRIORITY)
        .isEqualTo(-10);
    assertThat(MnConfig.load(write("zero.yaml", valid() + "priority: 0\n")).priority()).isZero();
    assertRefused(
        "up", write("low.yaml", valid() + "priority: -21\n"), "priority: -21 is outside -20..19");
    assertRefused(
        "up",
        write("word.yaml", valid() + "priority: high\n"),
        "priority: 'high' is not a whole number");
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithExitCode2() {
    assertThat(run("sideways")).isEqualTo(2);
    assertThat(stderrLines())
        .containsExactly(
            "mvpn-mn: unexpected argument 'sideways'; usage: mvpn-mn up|status|down [--config FILE]"
                + " [--daemon]");
  }

  @Test
  void statusOfARegisteredNodePrintsItsBindingAndExitsWith0() throws Exception {
    assertThat(statusOf(status("registered", 287), 0))
        .containsEntry("state", "registered")
        .containsEntry("care-of-address", "203.0.113.61")
        .containsEntry("home-address", "10.1.0.5")
        .containsEntry("lifetime-left", "287 s")
        .containsEntry("registration-requests", "1")
        .containsEntry("mode", "colocated")
        .containsEntry("attachment", "colocated 203.0.113.61");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void statusOfANodeBackAtHomeShowsTheAttachmentAndExitsWith0() throws Exception {
    NodeStatus away = status("registered", 100);
    NodeStatus home =
        new NodeStatus(
            NodeStatus.AT_HOME,
            "auto",
            "home",
            away.homeAddress(),
            away.homeAgent(),
            "-",
            "-",
            "none (at home)",
            0,
            2,
            0,
            0,
            0,
            2,
            2,
            1,
            1,
            "deregistered",
            null,
            null);

    assertThat(statusOf(home, 0))
        .containsEntry("state", "at-home")
        .containsEntry("mode", "auto")
        .containsEntry("attachment", "home");
  }

  @Test
  void statusInModeVpnShowsTheActiveAndTheStandbyInterfacesAndOtherModesNeither() throws Exception {
    NodeStatus s = status("registered", 100);
    NodeStatus vpn =
        new NodeStatus(
            s.state(),
            "vpn",
            "gateway 203.0.113.1",
            s.homeAddress(),
            s.homeAgent(),
            "10.10.1.2",
            "-",
            "esp-in-udp to 203.0.113.1",
            s.lifetimeLeft(),
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            "registered lifetime 300",
            "wlan0 10.10.1.2",
            "wwan0 10.10.2.2 warm; keepalives 1 (0 failed), failovers 0, moves back 0");

    assertThat(NodeStatus.fields(vpn.render()))
        .containsEntry("access-interface", "wlan0 10.10.1.2")
        .containsEntry(
            "standby-interfaces",
            "wwan0 10.10.2.2 warm; keepalives 1 (0 failed), failovers 0, moves back 0");
    assertThat(NodeStatus.fields(s.render()))
        .doesNotContainKeys("access-interface", "standby-interfaces");
  }

  @Test
  void autoModeTakesItsHomeNetworkFromTheRoutesOrRefusesOneWithoutTheHomeAddress()
      throws Exception {
    String auto =
        valid().replace("careOfAddress: 203.0.113.61\n", "mode: auto\naccessInterface: wlan0\n");
    MnConfig ok = MnConfig.load(write("auto.yaml", auto));
    assertThat(ok.mode()).isEqualTo(MnConfig.Mode.AUTO);
    assertThat(ok.homeNetwork()).hasToString("10.1.0.0/16");
    assertThat(ok.agentWaitMillis()).isEqualTo(1000);

    String everywhere = auto.replace("routes: [10.1.0.0/16]", "routes: [default]");
    assertRefused(
        "up",
        write("default.yaml", everywhere),
        "homeNetwork: missing (required when no route holds 10.1.0.5)");
    assertRefused(
        "up",
        write("elsewhere.yaml", everywhere + "homeNetwork: 10.2.0.0/16\n"),
        "homeNetwork: 10.2.0.0/16 does not hold the home address 10.1.0.5");
    assertThat(MnConfig.load(write("home.yaml", everywhere + "homeNetwork: 10.1.0.0/24\n")))
        .extracting(MnConfig::homeNetwork)
        .hasToString("10.1.0.0/24");
    assertRefused(
        "up",
        write("colo.yaml", valid() + "homeNetwork: 10.1.0.0/16\n"),
        "homeNetwork: only with mode auto");
  }

  @Test
  void statusOfANodeStillRegisteringExitsWith3() throws Exception {
    assertThat(statusOf(status("registering", 0), 3)).containsEntry("state", "registering");
  }

  /** What {@code status} prints against a node serving {@code served}; checks the exit code. */
  private Map<String, String> statusOf(NodeStatus served, int exitCode) throws IOException {
    Path config = config();
    node = serve(served, null);
    assertThat(run("status", "--config", config.toString())).isEqualTo(exitCode);
    return NodeStatus.fields(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void statusWithoutARunningNodeSaysSoAndExitsWith3() throws IOException {
    Path config = config();

    assertThat(run("status", "--config", config.toString())).isEqualTo(3);
    assertThat(stderrLines())
        .containsExactly(
            "mvpn-mn: not running (no node answers on " + dir.resolve("control.sock") + ")");
  }

  @Test
  void downAsksTheNodeOnceAndPrintsTheDeregisteredState() throws Exception {
    Path config = config();
    AtomicInteger downs = new AtomicInteger();
    node = serve(status("registered", 100), downs);

    assertThat(run("down", "--config", config.toString())).isEqualTo(0);
    assertThat(downs).hasValue(1);
    assertThat(NodeStatus.fields(out.toString(StandardCharsets.UTF_8)))
        .containsEntry("state", "deregistered");
  }

  @Test
  void aNodeThatFailsToAnswerIsAnErrorWithExitCode1() throws Exception {
    Path config = config();
    node =
        ControlSocket.open(
            dir.resolve("control.sock"),
            new ControlSocket.Commands() {
              @Override
              public NodeStatus status() {
                throw new IllegalStateException("engine gone");
              }

              @Override
              public NodeStatus down() {
                throw new IllegalStateException("engine gone");
              }
            });

    assertThat(run("status", "--config", config.toString())).isEqualTo(1);
    assertThat(stderrLines())
        .containsExactly(
            "mvpn-mn: the node answered error: java.lang.IllegalStateException: engine gone");
  }

  @Test
  void aTokenTheNodeCannotOpenIsAConfigurationErrorFoundBeforeAnythingStarts() throws Exception {
    Path pkcs11 =
        write(
            "sim.cfg",
            "name = sim\nlibrary = "
                + dir.resolve("absent-libsofthsm2.so")
                + "\nslotListIndex = 0\n");
    String sam =
        """
        sam:
          manager: 10.1.0.200
          managerPrincipal: kink/sam@ACME.MVPN.TEST
          principal: kink/laptop7@ACME.MVPN.TEST
          keytab: %s
          correspondents: [voice=10.1.0.100]
          token: %s
          tokenPin: file:%s
        """
            .formatted(dir.resolve("laptop7.keytab"), pkcs11, write("pin", "1234\n"));
    Path config = write("mvpn-mn.yaml", valid() + sam);

    assertThat(run("up", "--config", config.toString())).isEqualTo(2);
    assertThat(stderrLines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("mvpn-mn: " + config + ": sam.token " + pkcs11 + ": cannot open the token: ");
    assertThat(dir.resolve("control.sock")).doesNotExist();
  }

  @Test
  void aSecondNodeOnALiveControlSocketIsRefused() throws Exception {
    node = serve(status("registered", 1), null);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> serve(status("registered", 1), null))
        .hasMessage("a node is already running on " + dir.resolve("control.sock"));
  }

  private void assertRefused(String command, Path config, String line) {
    out.reset();
    err.reset();
    assertThat(run(command, "--config", config.toString())).isEqualTo(2);
    assertThat(stderrLines()).containsExactly("mvpn-mn: " + config + ": " + line);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private ControlSocket serve(NodeStatus status, AtomicInteger downs) throws IOException {
    return ControlSocket.open(
        dir.resolve("control.sock"),
        new ControlSocket.Commands() {
          @Override
          public NodeStatus status() {
            return status;
          }

          @Override
          public NodeStatus down() {
            downs.incrementAndGet();
            return deregistered(status);
          }
        });
  }

  private static NodeStatus deregistered(NodeStatus s) {
    return new NodeStatus(
        "deregistered",
        s.mode(),
        s.attachment(),
        s.homeAddress(),
        s.homeAgent(),
        s.careOf(),
        s.foreignAgent(),
        s.tunnel(),
        0,
        s.requestsSent() + 1,
        s.keepalivesAnswered(),
        s.fromHost(),
        s.toHost(),
        s.accessSent(),
        s.accessReceived(),
        s.linkDowns(),
        s.moves(),
        "deregistered",
        null,
        null);
  }

  private static NodeStatus status(String state, long lifetimeLeft) {
    return new NodeStatus(
        state,
        "colocated",
        "colocated 203.0.113.61",
        "10.1.0.5",
        "198.51.100.10",
        "203.0.113.61",
        "-",
        "udp (RFC 3519)",
        lifetimeLeft,
        1,
        0,
        4,
        4,
        5,
        5,
        0,
        0,
        state.equals("registered") ? "registered lifetime 300" : "request",
        null,
        null);
  }

  private int run(String... args) {
    return new MnCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private java.util.List<String> stderrLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private String valid() {
    return """
        homeAddress: 10.1.0.5
        homeAgent: 198.51.100.10
        careOfAddress: 203.0.113.61
        spi: 1000
        algorithm: hmac-md5
        key: 00112233445566778899aabbccddeeff
        routes: [10.1.0.0/16]
        control: %s
        """
        .formatted(dir.resolve("control.sock"));
  }

  /** A valid config, with one line replaced by {@code override} (same key) if given. */
  private Path config(String... overrides) throws IOException {
    String text = valid();
    for (String o : overrides) {
      String key = o.substring(0, o.indexOf(':'));
      text = text.replaceAll("(?m)^" + key + ":.*$", o);
    }
    return write("mvpn-mn.yaml", text);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
