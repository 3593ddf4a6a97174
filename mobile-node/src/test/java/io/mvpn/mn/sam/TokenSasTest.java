package io.mvpn.mn.sam;

import static io.mvpn.mobilenode.sam.SamSite.CORRESPONDENT;
import static io.mvpn.mobilenode.sam.SamSite.HOME;
import static io.mvpn.mobilenode.sam.SamSite.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.mn.ConfigException;
import io.mvpn.mn.MnCommand;
import io.mvpn.mobilenode.HostKernel;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.mobilenode.sam.SamRealmKdc;
import io.mvpn.mobilenode.sam.SamSite;
import io.mvpn.mobilenode.sim.SoftHsmToken;
import io.mvpn.mobilenode.sim.TokenSaStore;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.sam.kink.KerberosClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam.token}: the SAs mvpn-mn's manager grants kept in a SoftHSM2 token standing for the
 * node's SIM (seed 000 claim 7), wired as {@code MobileNodeHost} wires the SAM path (see {@link
 * HostSamTest}). The node's engine restarts with a fresh provider over the same token: the SA with
 * the correspondent is reopened, the first datagram leaves on it with no KINK at all, the
 * correspondent opens it and its answer opens at the node. Ended SAs are deleted, not used; a token
 * the node cannot open is one line.
 */
class TokenSasTest {

  private static SamRealmKdc realm;
  private static SoftHsmToken sim;

  @TempDir Path dir;

  private final MobilityLab lab = SamSite.lab(29).colocated("access", "203.0.113.61/24").build();
  private final VirtualTimeScheduler time = lab.time();
  private final KerberosClock clock = KerberosClock.of(time, System.currentTimeMillis());
  private final List<String> intoKernel = new ArrayList<>();
  private final Vrf vrf = lab.vrf("mn", "access");
  private MobileNode node;

  @BeforeAll
  static void start() throws Exception {
    realm = SamRealmKdc.shared();
    sim = SoftHsmToken.fresh();
  }

  /** Each test starts from an empty token: no SA of an earlier test's manager. */
  @BeforeEach
  void emptyToken() {
    TokenSaStore store = new TokenSaStore(sim.provider(), SoftHsmToken.PIN.toCharArray());
    store.sas().forEach(sa -> store.remove(sa.spi(), sa.direction()));
  }

  @AfterEach
  void closeLab() {
    lab.close();
  }

  @Test
  void aRestartedNodeReachesItsCorrespondentOnTheSaInItsTokenWithNoKinkAtAll() throws Exception {
    SamSite site = new SamSite(lab, realm);
    HostSam first = start(open(Map.of("MVPN_SIM_PIN", SoftHsmToken.PIN)));
    send("before the restart");
    assertThat(first.client().counters().requestsSent()).isEqualTo(1);
    int kinkFrames = site.kinkOnTheLan.size();
    assertThat(kinkFrames).isPositive();

    HostSam second = restart(first, open(Map.of("MVPN_SIM_PIN", SoftHsmToken.PIN)));
    assertThat(second.status()).contains(" reopened 1 ").containsPattern("(?m)^sa: cn out ");
    send("after the restart");

    assertThat(site.heardByCorrespondent)
        .containsExactly("before the restart", "after the restart");
    assertThat(intoKernel).containsExactly("echo before the restart", "echo after the restart");
    assertThat(second.client().counters().requestsSent()).isZero();
    assertThat(second.path().counters().sentAtOnce()).isEqualTo(1);
    assertThat(site.kinkOnTheLan).as("KINK after the restart").hasSize(kinkFrames);
  }

  @Test
  void theSasInTheTokenAreSensitiveAndCannotBeReadOut() throws Exception {
    new SamSite(lab, realm);
    TokenSas token = open(Map.of("MVPN_SIM_PIN", SoftHsmToken.PIN));
    start(token);
    send("keys");

    List<TokenSaStore.StoredSa> sas = token.store().sas();
    assertThat(sas)
        .extracting(TokenSaStore.StoredSa::direction)
        .containsExactlyInAnyOrder(Direction.OUTBOUND, Direction.INBOUND);
    TokenSaStore restarted = open(Map.of("MVPN_SIM_PIN", SoftHsmToken.PIN)).store();
    for (TokenSaStore.StoredSa sa : sas) {
      Key key = restarted.keyObject(sa.spi(), sa.direction()).orElseThrow();
      assertThat(key.getEncoded()).as("no bytes leave the token").isNull();
      assertThat(key.toString()).contains("token object, sensitive, unextractable");
      assertThat(restarted.endsAt(sa.spi(), sa.direction())).isPresent();
    }
  }

  @Test
  void anEndedSaInTheTokenIsDeletedAndTheNodeAsksItsManagerAnew() throws Exception {
    SamSite site = new SamSite(lab, realm);
    TokenSas token = open(Map.of("MVPN_SIM_PIN", SoftHsmToken.PIN));
    long ended = clock.unixMillis() - 1000;
    byte[] keymat = new byte[36];
    token
        .store()
        .store(
            EspSaKeys.aesGcm(0x0e0d0001, keymat, false),
            Direction.OUTBOUND,
            HOME,
            CORRESPONDENT,
            ended);
    token
        .store()
        .store(
            EspSaKeys.aesGcm(0x0e0d0002, keymat, false),
            Direction.INBOUND,
            CORRESPONDENT,
            HOME,
            ended);

    HostSam sam = start(token);
    assertThat(token.store().sas()).isEmpty();
    assertThat(sam.status()).contains(" reopened 0 deleted-ended 2 ");
    send("fresh");

    assertThat(sam.client().counters().requestsSent()).isEqualTo(1);
    assertThat(site.heardByCorrespondent).containsExactly("fresh");
    assertThat(token.store().sas()).hasSize(2).noneMatch(sa -> sa.spi() == 0x0e0d0001);
  }

  @Test
  void aTokenTheNodeCannotOpenIsOneLine() throws Exception {
    Map<String, String> pin = Map.of("MVPN_SIM_PIN", SoftHsmToken.PIN);
    assertThatThrownBy(() -> open(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sam.tokenPin: MVPN_SIM_PIN is not set");
    Path noToken = SoftHsmToken.providerConf(dir.resolve("slot7.cfg"), SoftHsmToken.LIBRARY, 7);
    assertThatThrownBy(() -> TokenSas.open(settings(noToken, "env:MVPN_SIM_PIN"), pin))
        .hasMessageStartingWith("sam.token " + noToken + ": cannot open the token: ")
        .hasMessageNotContaining("\n");
    Path noLibrary =
        SoftHsmToken.providerConf(dir.resolve("nolib.cfg"), Path.of("/nonexistent/libsim.so"), 0);
    assertThatThrownBy(() -> TokenSas.open(settings(noLibrary, "env:MVPN_SIM_PIN"), pin))
        .hasMessageStartingWith("sam.token " + noLibrary + ": cannot open the token: ")
        .hasMessageNotContaining("\n");
    Path absent = dir.resolve("absent.cfg");
    assertThatThrownBy(() -> TokenSas.open(settings(absent, "env:MVPN_SIM_PIN"), pin))
        .hasMessage("sam.token " + absent + ": no such file (a SunPKCS11 configuration)");
    Path pinFile = Files.writeString(dir.resolve("pin"), SoftHsmToken.PIN + "\n");
    assertThat(TokenSas.open(settings(sim.providerConf, "file:" + pinFile), Map.of())).isNotNull();
    assertThatThrownBy(() -> TokenSas.open(settings(sim.providerConf, "file:" + absent), pin))
        .hasMessage("sam.tokenPin: cannot read " + absent);
  }

  /**
   * A wrong PIN, as {@code mvpn-mn up} meets it: in a JVM of its own, since PKCS#11 logs a whole
   * process in (this one already is, and would not ask the token again).
   */
  @Test
  void aWrongPinIsOneLineAndTheConfigurationsExitCodeFromMvpnMnUp() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("mvpn-mn.yaml"),
            SamBlockTest.NODE
                + """
            control: %s
            sam:
              manager: 10.1.0.200
              managerPrincipal: kink/sam@ACME.MVPN.TEST
              principal: kink/mn@ACME.MVPN.TEST
              keytab: %s
              correspondents: [cn=%s]
              token: %s
              tokenPin: env:MVPN_SIM_PIN
            """
                    .formatted(
                        dir.resolve("control.sock"),
                        realm.keytab("mn"),
                        CORRESPONDENT,
                        sim.providerConf));
    ProcessBuilder up =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                MnCommand.class.getName(),
                "up",
                "--config",
                config.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    up.environment().put("SOFTHSM2_CONF", sim.softhsmConf.toString());
    up.environment().put("MVPN_SIM_PIN", "9999");
    Process node = up.start();
    String stderr = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(node.exitValue()).as(stderr).isEqualTo(2);
    assertThat(stderr.lines().toList())
        .singleElement()
        .asString()
        .startsWith("mvpn-mn: " + config + ": sam.token " + sim.providerConf)
        .contains("cannot open the token: ", "CKR_PIN_INCORRECT");
  }

  private TokenSas open(Map<String, String> environment) throws ConfigException {
    return TokenSas.open(settings(sim.providerConf, "env:MVPN_SIM_PIN"), environment);
  }

  /** One datagram the kernel routes to the correspondent, and time for its echo. */
  private void send(String text) {
    vrf.getInterface("host").receive(udp(HOME, CORRESPONDENT, text));
    time.advance(300, TimeUnit.MILLISECONDS);
  }

  /** The engine's VRF, node and SAM path as MobileNodeHost builds them, registered. */
  private HostSam start(TokenSas token) {
    node = SamSite.mobileNode(time);
    node.addColocated("access", vrf, lab.iface("mn", "access"));
    HostSam sam = samPath(token);
    node.moveTo("access");
    time.advance(5, TimeUnit.SECONDS);
    assertThat(node.connected()).isTrue();
    return sam;
  }

  /**
   * The node's engine started again: the SAM path of the last run closed with its interfaces, and a
   * new one over {@code token}. (The lab's binding stays with the home agent as it would through a
   * quick restart; what matters here is that nothing of the SAM path's memory survives.)
   */
  private HostSam restart(HostSam last, TokenSas token) {
    last.close();
    vrf.removeInterface(HostSam.INTERFACE);
    vrf.removeInterface("host");
    HostSam sam = samPath(token);
    time.advance(1, TimeUnit.SECONDS);
    return sam;
  }

  private HostSam samPath(TokenSas token) {
    HostSam sam =
        new HostSam(
            settings(sim.providerConf, "env:MVPN_SIM_PIN"),
            HOME,
            vrf,
            time,
            new HostKernel(
                1500,
                ip -> {
                  try {
                    if (ip.protocol() == IpProtocol.UDP) {
                      intoKernel.add(SamSite.text(UdpDatagram.parse(ip)));
                    }
                  } catch (MalformedPacketException e) {
                    throw new AssertionError(e);
                  }
                }),
            NodeKeys.fromKeytab(settings(sim.providerConf, "env:MVPN_SIM_PIN")),
            Runnable::run,
            clock,
            token);
    Interface host =
        vrf.addInterface("host", Ipv4Address.parse("169.254.77.1"), 32, sam.kernelSide());
    node.deliverHomeDatagramsTo(host);
    sam.start(vrf.getInterface("access-tunnel"));
    return sam;
  }

  private static SamSettings settings(Path token, String pin) {
    Map<String, Object> block = new HashMap<>();
    block.put("manager", SamSite.SAM.toString());
    block.put("managerPrincipal", SamRealmKdc.MANAGER);
    block.put("principal", SamRealmKdc.principal("mn"));
    block.put("keytab", realm.keytab("mn").toString());
    block.put("krb5ConfDir", realm.clientConfigDir().toString());
    block.put("correspondents", List.of("cn=" + CORRESPONDENT));
    block.put("token", token.toString());
    block.put("tokenPin", pin);
    try {
      return SamSettings.parse("test", block);
    } catch (ConfigException e) {
      throw new AssertionError(e);
    }
  }
}
