package io.mvpn.ike.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.Transform;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.ProposalPolicy;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * charon proposing only one suite, as the built-in clients of Windows and Apple and strongSwan's
 * defaults do, to mvpn on its default policy: the IKE SA comes up with exactly that suite and pings
 * go through the first Child SA both ways. Needs root and strongSwan like {@link
 * StrongSwanInteropTest}; under CI=true a missing tool fails the test instead of skipping it.
 */
class StrongSwanSuitesInteropTest {

  @BeforeAll
  static void requirements() throws Exception {
    StrongSwanInteropTest.requirements(); // fails under CI=true when a tool is missing
  }

  /** Every ESP transform mvpn runs (its default), so charon's one proposal decides. */
  static final ProposalPolicy ESP_ALL = ProposalPolicy.espDefault();

  private NetNamespace ns;
  private UdpIkeRunner mvpn;
  private Charon charon;
  private String log;

  @AfterEach
  void stop() throws Exception {
    StrongSwanInteropTest.stop(charon, mvpn, ns, log);
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource({
    // Windows' built-in client with SHA-2 and a 2048-bit group (its defaults include these).
    "aes256-sha256-modp2048, aes256gcm16-noesn, 12, 14",
    // Apple's built-in client and strongSwan's default AEAD.
    "aes256gcm16-prfsha256-ecp256, aes256gcm16-noesn, 20, 19",
    "aes128-sha384-prfsha384-modp3072, aes128gcm16-noesn, 12, 15",
    "aes256-sha512-modp4096, aes256gcm16-noesn, 12, 16",
    "chacha20poly1305-prfsha256-curve25519, aes256gcm16-noesn, 28, 31",
    // ESP beside AES-GCM: AES-CBC with HMAC-SHA2 (Windows-like) and ChaCha20-Poly1305.
    "aes256-sha256-modp2048, aes256-sha256-noesn, 12, 14",
    "aes256-sha384-modp2048, aes128-sha512-noesn, 12, 14",
    "aes256gcm16-prfsha256-ecp256, chacha20poly1305-noesn, 20, 19",
  })
  void charonProposingOneSuiteGetsItAndCarriesTraffic(
      String ike, String esp, int encr, int group, @TempDir Path dir) throws Exception {
    log = "suite-" + ike + ".log";
    ns = new NetNamespace("mvpnsuite");
    mvpn =
        new UdpIkeRunner(
            Ipv4Address.parse(ns.rootAddress),
            StrongSwanInteropTest.mvpnConfig(ns.rootAddress)
                .withProposals(ProposalPolicy.ikeDefault(), ESP_ALL));
    charon = new Charon(dir, ns.name);
    charon.start(StrongSwanInteropTest.swanctlConf(ns, ike, esp));
    charon.routeTunnel("10.2.0.0/16", NetNamespace.INNER_ADDRESS);
    mvpn.hosts.add(StrongSwanInteropTest.MVPN_HOST);
    Charon.Result load = charon.swanctl(20, "--load-all");
    assertThat(load.exitCode()).as(load.output()).isZero();

    Charon.Result initiate = charon.swanctl(40, "--initiate", "--child", "net", "--timeout", "20");
    IkeSa sa = mvpn.established.poll(5, TimeUnit.SECONDS);
    String listed = charon.swanctl(20, "--list-sas").output();
    String context = initiate.output() + "\n" + listed + "\n" + String.join("\n", mvpn.trace);

    assertThat(initiate.exitCode()).as(context).isZero();
    assertThat(sa).as(context).isNotNull();
    assertThat(listed).as(context).contains("ESTABLISHED").contains("INSTALLED");
    var chosen = mvpn.call(sa::proposal);
    assertThat(chosen.transforms(Transform.ENCR).get(0).id()).as(context).isEqualTo(encr);
    assertThat(chosen.transforms(Transform.DH).get(0).id()).as(context).isEqualTo(group);
    StrongSwanInteropTest.assertSameSas(listed, sa, mvpn);

    StrongSwanInteropTest.assertPingsBothWays(mvpn, charon, ns, sa);

    Charon.Result closeIke = charon.swanctl(30, "--terminate", "--ike", "mvpn", "--timeout", "10");
    assertThat(closeIke.exitCode()).as(closeIke.output()).isZero();
    assertThat(mvpn.ended).containsExactly(sa);
  }
}
