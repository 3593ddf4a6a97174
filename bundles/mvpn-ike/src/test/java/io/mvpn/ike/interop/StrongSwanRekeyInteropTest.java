package io.mvpn.ike.interop;

import static io.mvpn.ike.interop.StrongSwanInteropTest.assertPingsBothWays;
import static io.mvpn.ike.interop.StrongSwanInteropTest.assertSameSas;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Transform;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.IkeSa;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-keys between mvpn's engine and strongSwan's charon over real UDP (RFC 7296 §1.3.2, §1.3.3,
 * §2.8, §2.18), set up as in {@link StrongSwanInteropTest}: charon re-keys the Child SA and the IKE
 * SA with {@code swanctl --rekey}, mvpn with its engine, whichever end initiated the IKE SA. After
 * each re-key both ends list the same new SPIs, pings go through the tunnel both ways, and the old
 * SAs are gone at both ends. charon's logs are kept in target/strongswan-interop/.
 */
class StrongSwanRekeyInteropTest {

  /** charon also accepts a Child SA re-key with PFS in ECP-256, which mvpn asks for. */
  static final String ESP_PROPOSALS =
      StrongSwanInteropTest.ESP_PROPOSALS + ",aes256gcm16-ecp256-noesn";

  /** A second Child SA charon can ask for: towards 10.2.5.0/24 only. */
  static final String NET2 =
      String.join(
          "\n",
          "      net2 {",
          "        local_ts = 10.1.0.0/24",
          "        remote_ts = 10.2.5.0/24",
          "        esp_proposals = " + ESP_PROPOSALS,
          "        mode = tunnel",
          "      }",
          "");

  /** A host behind mvpn that only the second Child SA reaches. */
  static final Ipv4Address NET2_HOST = Ipv4Address.parse("10.2.5.1");

  private NetNamespace ns;
  private UdpIkeRunner mvpn;
  private Charon charon;

  @BeforeAll
  static void requirements() throws Exception {
    StrongSwanInteropTest.requirements();
  }

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    ns = new NetNamespace("mvpnrk");
    mvpn =
        new UdpIkeRunner(
            Ipv4Address.parse(ns.rootAddress), StrongSwanInteropTest.mvpnConfig(ns.rootAddress));
    charon = new Charon(dir, ns.name);
    charon.start(
        StrongSwanInteropTest.swanctlConf(ns)
            .replace(StrongSwanInteropTest.ESP_PROPOSALS, ESP_PROPOSALS)
            .replace("    children {\n", "    children {\n" + NET2),
        // A re-keyed Child SA goes after 1 s, not 5 s, and the listing shows only the new one. 0
        // would keep it forever in 5.9.8.
        List.of("delete_rekeyed_delay = 1"));
    charon.routeTunnel("10.2.0.0/16", NetNamespace.INNER_ADDRESS);
    mvpn.hosts.add(StrongSwanInteropTest.MVPN_HOST);
    mvpn.hosts.add(NET2_HOST);
    Charon.Result load = charon.swanctl(20, "--load-all");
    assertThat(load.exitCode()).as(load.output()).isZero();
  }

  @AfterEach
  void stop(TestInfo test) throws Exception {
    StrongSwanInteropTest.stop(
        charon, mvpn, ns, "rekey-" + test.getTestMethod().orElseThrow().getName() + ".log");
  }

  @Test
  void charonInitiatesThenBothEndsRekey() throws Exception {
    IkeSa sa = charonInitiates();
    assertPingsBothWays(mvpn, charon, ns, sa);

    sa = charonRekeysChild(sa);
    sa = charonRekeysIke(sa);
    sa = mvpnRekeysChild(sa, 0);
    sa = mvpnRekeysIke(sa);

    // charon closes the IKE SA that re-keys made: mvpn lets it go, with its Child SA.
    Charon.Result close = charon.swanctl(30, "--terminate", "--ike", "mvpn", "--timeout", "10");
    assertThat(close.exitCode()).as(close.output()).isZero();
    assertThat(mvpn.call(() -> mvpn.engine().sas())).isEmpty();
    assertThat(mvpn.ended).contains(sa);
    assertThat(mvpn.call(mvpn.sad::all)).isEmpty();
  }

  @Test
  void mvpnInitiatesThenBothEndsRekey() throws Exception {
    mvpn.call(() -> mvpn.engine().initiate(Endpoint.of(ns.nsAddress, Endpoint.IKE_PORT)));
    IkeSa sa = mvpn.established.poll(20, TimeUnit.SECONDS);
    assertThat(sa).as(String.join("\n", mvpn.trace)).isNotNull();
    assertPingsBothWays(mvpn, charon, ns, sa);

    sa = mvpnRekeysChild(sa, Transform.ECP_256);
    sa = mvpnRekeysIke(sa);
    sa = charonRekeysChild(sa);
    sa = charonRekeysIke(sa);

    // mvpn deletes the IKE SA that re-keys made; charon lets it go.
    IkeSa last = sa;
    mvpn.call(
        () -> {
          mvpn.engine().delete(last);
          return null;
        });
    awaitMvpn(() -> mvpn.ended.contains(last), "the delete");
    assertThat(awaitListing(l -> !l.contains("ESTABLISHED"))).doesNotContain("INSTALLED");
  }

  /**
   * Additional Child SAs (§1.3.1): charon asks for net2 by CREATE_CHILD_SA and pings through it;
   * mvpn asks for one that charon narrows into its net; one outside charon's selectors is refused
   * with TS_UNACCEPTABLE and nothing is installed.
   */
  @Test
  void additionalChildSasBothWays() throws Exception {
    IkeSa sa = charonInitiates();

    Charon.Result net2 = charon.swanctl(40, "--initiate", "--child", "net2", "--timeout", "20");
    assertThat(net2.exitCode()).as(net2.output()).isZero();
    awaitMvpn(() -> sa.childSas().size() == 2, "net2 at mvpn");
    ChildSa second = mvpn.call(() -> sa.childSas().get(1));
    assertThat(second.localSelectors())
        .containsExactly(StrongSwanInteropTest.range("10.2.5.0", "10.2.5.255"));
    String listed = awaitListing(l -> l.contains("net2: #") && l.contains(hex(second.outbound())));
    assertThat(listed).contains(hex(second.inbound()));
    // charon's kernel routes 10.2.5.1 by net2's more specific policy; mvpn answers through it.
    String ping = StrongSwanInteropTest.ping(ns, NET2_HOST, 2);
    assertThat(ping).as("refused: " + mvpn.espRefused).contains("2 received");
    assertThat(mvpn.espRefused).isEmpty();
    String afterPing = charon.swanctl(20, "--list-sas").output();
    assertThat(StrongSwanInteropTest.packets(afterPing.substring(afterPing.indexOf("net2: #"))))
        .as(afterPing)
        .containsExactly(2, 2);

    createChildSa(sa, "10.2.6.0", "10.1.0.0");
    awaitMvpn(() -> sa.childSas().size() == 3, "mvpn's additional Child SA");
    ChildSa third = mvpn.call(() -> sa.childSas().get(2));
    assertThat(awaitListing(l -> l.contains(hex(third.outbound())))).contains(hex(third.inbound()));
    assertThat(mvpn.call(mvpn.sad::all)).hasSize(3);

    createChildSa(sa, "10.2.7.0", "10.9.0.0");
    awaitMvpn(() -> sa.childFailure() != 0, "the refusal");
    assertThat(mvpn.call(sa::childFailure)).isEqualTo(NotifyPayload.TS_UNACCEPTABLE);
    assertThat(mvpn.call(sa::childSas)).hasSize(3);
    assertThat(mvpn.call(mvpn.sad::all)).hasSize(3);
  }

  /** charon sets up the IKE SA and the Child SA net; mvpn's SA. */
  private IkeSa charonInitiates() throws Exception {
    Charon.Result initiate = charon.swanctl(40, "--initiate", "--child", "net", "--timeout", "20");
    assertThat(initiate.exitCode()).as(initiate.output()).isZero();
    IkeSa sa = mvpn.established.poll(5, TimeUnit.SECONDS);
    assertThat(sa).as(initiate.output()).isNotNull();
    return sa;
  }

  /** mvpn asks for a Child SA between two /24s. */
  private void createChildSa(IkeSa sa, String local, String remote) throws Exception {
    mvpn.call(
        () -> {
          mvpn.engine().createChildSa(sa, List.of(slash24(local)), List.of(slash24(remote)), 0);
          return null;
        });
  }

  private static io.mvpn.ike.message.TrafficSelector slash24(String start) {
    return StrongSwanInteropTest.range(start, start.substring(0, start.lastIndexOf('.')) + ".255");
  }

  // ---- the re-keys ----------------------------------------------------------------------------

  private IkeSa charonRekeysChild(IkeSa sa) throws Exception {
    ChildSa old = mvpn.call(() -> sa.childSas().get(0));
    Charon.Result rekey = charon.swanctl(20, "--rekey", "--child", "net");
    assertThat(rekey.exitCode()).as(rekey.output()).isZero();
    return afterChildRekey(sa, old);
  }

  private IkeSa mvpnRekeysChild(IkeSa sa, int pfsGroup) throws Exception {
    ChildSa old = mvpn.call(() -> sa.childSas().get(0));
    mvpn.call(
        () -> {
          mvpn.engine().rekeyChildSa(sa, old, pfsGroup);
          return null;
        });
    return afterChildRekey(sa, old);
  }

  /** One new Child SA at both ends, the old pair deleted at both, and traffic through it. */
  private IkeSa afterChildRekey(IkeSa sa, ChildSa old) throws Exception {
    awaitMvpn(() -> sa.childSas().size() == 1 && !sa.childSas().contains(old), "the new Child SA");
    ChildSa child = mvpn.call(() -> sa.childSas().get(0));
    String listed = awaitListing(l -> childSpis(l) == 1 && l.contains(hex(child.outbound())));
    assertSameSas(listed, sa, mvpn);
    assertThat(listed).doesNotContain(hex(old.outbound())).doesNotContain(hex(old.inbound()));
    assertThat(mvpn.call(mvpn.sad::all)).containsExactly(child.inbound());
    assertPingsBothWays(mvpn, charon, ns, sa);
    return sa;
  }

  private IkeSa charonRekeysIke(IkeSa sa) throws Exception {
    ChildSa child = mvpn.call(() -> sa.childSas().get(0));
    Charon.Result rekey = charon.swanctl(20, "--rekey", "--ike", "mvpn");
    assertThat(rekey.exitCode()).as(rekey.output()).isZero();
    return afterIkeRekey(sa, child, false);
  }

  private IkeSa mvpnRekeysIke(IkeSa sa) throws Exception {
    ChildSa child = mvpn.call(() -> sa.childSas().get(0));
    mvpn.call(
        () -> {
          mvpn.engine().rekeyIkeSa(sa);
          return null;
        });
    return afterIkeRekey(sa, child, true);
  }

  /**
   * The old IKE SA gone at both ends and the new one at both with the same SPIs, our initiator if
   * we re-keyed; the Child SA, unchanged, in it and traffic through it.
   */
  private IkeSa afterIkeRekey(IkeSa old, ChildSa child, boolean mvpnRekeyed) throws Exception {
    awaitMvpn(() -> mvpn.ended.contains(old), "the old IKE SA's end");
    Collection<IkeSa> all = mvpn.call(() -> mvpn.engine().sas());
    assertThat(all).hasSize(1);
    IkeSa sa = all.iterator().next();
    assertThat(sa).isNotSameAs(old);
    assertThat(mvpn.call(sa::isInitiator)).isEqualTo(mvpnRekeyed);
    assertThat(mvpn.call(sa::childSas)).containsExactly(child);
    String spiI = String.format("%016x", mvpn.call(sa::spiI));
    String listed = awaitListing(l -> ikeSas(l) == 1 && l.contains(spiI));
    assertSameSas(listed, sa, mvpn);
    assertThat(listed).doesNotContain(String.format("%016x", old.spiI()));
    assertPingsBothWays(mvpn, charon, ns, sa);
    return sa;
  }

  // ---- waiting --------------------------------------------------------------------------------

  /** charon's listing once it says what {@code done} wants, within 10 s. */
  private String awaitListing(java.util.function.Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String listed = charon.swanctl(20, "--list-sas").output();
    while (!done.test(listed) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      listed = charon.swanctl(20, "--list-sas").output();
    }
    assertThat(done.test(listed)).as(listed + "\n" + String.join("\n", mvpn.trace)).isTrue();
    return listed;
  }

  /** Waits up to 10 s for {@code done}, read on the engine's thread. */
  private void awaitMvpn(java.util.concurrent.Callable<Boolean> done, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!mvpn.call(done) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(mvpn.call(done))
        .as(what + "\n" + String.join("\n", mvpn.trace) + "\n" + charon.logText())
        .isTrue();
  }

  private static String hex(io.mvpn.ipsec.esp.EspSecurityAssociation esp) {
    return String.format("%08x", esp.spi());
  }

  private static int count(Pattern p, String listed) {
    Matcher m = p.matcher(listed);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static final Pattern IKE_SA = Pattern.compile("\\p{XDigit}{16}_i\\*? \\p{XDigit}{16}_r");
  private static final Pattern CHILD_IN = Pattern.compile("\\bin\\s+\\p{XDigit}{8}");

  private static int ikeSas(String listed) {
    return count(IKE_SA, listed);
  }

  private static int childSpis(String listed) {
    return count(CHILD_IN, listed);
  }
}
