package io.mvpn.sam.scenario;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.MitKdc;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.manager.KerberosSessionKeys;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.mvpn.sam.manager.SessionKeySource;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;

/**
 * A realm for SAM scenarios: a KDC on loopback (mvpn's or MIT's) with a manager principal {@code
 * kink/sam} and {@code n} node principals {@code kink/nodeNN}, each with its keytab and the ticket
 * it holds for the manager (the node's own KDC exchanges, done once before any scenario starts).
 */
final class SamRealm implements AutoCloseable {

  /** The KDC a realm runs on: how its service principals are made, and where clients find it. */
  interface Kdc extends AutoCloseable {
    void addServicePrincipal(String principal, Path keytab) throws Exception;

    File clientConfigDir();

    /** The KDC's process ends: its port refuses connections; its principals stay on disk. */
    default void stop() {
      throw new UnsupportedOperationException("this KDC is not stopped and started by the tests");
    }

    /** The KDC starts again on the same address, with the principals (and krbtgt key) it kept. */
    default void startAgain() throws Exception {
      throw new UnsupportedOperationException("this KDC is not stopped and started by the tests");
    }

    @Override
    void close();
  }

  /** A realm on mvpn's own KDC (Kerby), which the tests may stop and start again. */
  static SamRealm onMvpnKdc(Path dir, int nodes) throws Exception {
    KdcSettings settings = KdcSettings.of(REALM, MitClient.freeLoopbackPort(), dir.resolve("kdc"));
    RealmKdc[] running = {RealmKdc.start(settings)};
    return new SamRealm(
        dir,
        nodes,
        new Kdc() {
          @Override
          public void addServicePrincipal(String principal, Path keytab) throws Exception {
            running[0].addServicePrincipal(principal);
            running[0].exportKeytab(principal, keytab);
          }

          @Override
          public File clientConfigDir() {
            return settings.dataDir().toFile();
          }

          @Override
          public void stop() {
            close();
          }

          @Override
          public void startAgain() throws Exception {
            running[0] = RealmKdc.start(settings);
          }

          @Override
          public void close() {
            if (running[0] != null) {
              running[0].close();
              running[0] = null;
            }
          }
        });
  }

  /** A realm on an MIT krb5kdc. */
  static SamRealm onMitKdc(Path dir, int nodes) throws Exception {
    MitKdc kdc = MitKdc.start(dir.resolve("mit"), REALM);
    return new SamRealm(
        dir,
        nodes,
        new Kdc() {
          @Override
          public void addServicePrincipal(String principal, Path keytab) throws Exception {
            kdc.addServicePrincipal(principal, keytab);
          }

          @Override
          public File clientConfigDir() {
            return kdc.clientConfigDir();
          }

          @Override
          public void close() {
            kdc.close();
          }
        });
  }

  static final String REALM = "ACME.MVPN.TEST";
  static final String MANAGER = "kink/sam@" + REALM;
  static final long SKEW_MILLIS = 300_000;
  // Virtual time starts at the real time, so the KDC's tickets are valid on every engine's clock.
  static final long WALL_CLOCK_AT_START = System.currentTimeMillis();

  final Kdc kdc;
  final Path dir;
  final Keytab managerKeys;
  final List<Keytab> nodeKeys = new ArrayList<>();
  final List<SgtTicket> nodeTickets = new ArrayList<>();
  final KerberosSessionKeys sessionKeys;

  private SamRealm(Path dir, int nodes, Kdc kdc) throws Exception {
    this.dir = dir;
    this.kdc = kdc;
    Path managerKeytab = dir.resolve("sam.keytab");
    kdc.addServicePrincipal(MANAGER, managerKeytab);
    managerKeys = Keytab.loadKeytab(managerKeytab.toFile());
    sessionKeys = new KerberosSessionKeys(kdcConfig(), MANAGER, managerKeytab.toFile());
    KrbClient client = new KrbClient(kdcConfig());
    client.init();
    for (int n = 0; n < nodes; n++) {
      Path keytab = dir.resolve(node(n) + ".keytab");
      kdc.addServicePrincipal(principal(node(n)), keytab);
      nodeKeys.add(Keytab.loadKeytab(keytab.toFile()));
      TgtTicket tgt = client.requestTgt(principal(node(n)), keytab.toFile());
      nodeTickets.add(client.requestSgt(tgt, MANAGER));
    }
  }

  File kdcConfig() {
    return kdc.clientConfigDir();
  }

  static String node(int n) {
    return String.format("node%02d", n);
  }

  static String principal(String node) {
    return "kink/" + node + "@" + REALM;
  }

  static InetSocketAddress address(int n) {
    return new InetSocketAddress("198.51.100." + (n + 10), 910);
  }

  static final InetSocketAddress MANAGER_ADDRESS = new InetSocketAddress("203.0.113.1", 910);

  /** A manager on {@code wire} keyed by {@code kdc}, its pairs in {@code store}. */
  SamResponder manager(
      VirtualTimeScheduler time, VirtualWire wire, SessionKeySource kdc, SaPairStore store) {
    // The KDC answers within the request's turn: virtual time stands still while Kerby waits.
    return manager(time, wire, kdc, store, Runnable::run);
  }

  /** A manager whose KDC exchanges run on {@code kdcCalls}. */
  SamResponder manager(
      VirtualTimeScheduler time,
      VirtualWire wire,
      SessionKeySource kdc,
      SaPairStore store,
      Executor kdcCalls) {
    KerberosClock clock = new KerberosClock(time, WALL_CLOCK_AT_START);
    SaManager pairs =
        new SaManager(
            clock,
            kdc,
            store,
            SaManager.Settings.of(Duration.ofHours(8), 4_000, REALM),
            new SecureRandom());
    SamResponder responder =
        new SamResponder(
            time,
            pairs,
            new ApAcceptor(managerKeys, MANAGER, clock, SKEW_MILLIS),
            (datagram, to) -> wire.send(MANAGER_ADDRESS, to, datagram),
            SamResponder.Settings.DEFAULT,
            kdcCalls,
            new SecureRandom());
    wire.attach(MANAGER_ADDRESS, d -> responder.receive(d.bytes(), d.from()));
    return responder;
  }

  /** Node {@code n} on {@code wire}, its clock {@code offsetMillis} off the others'. */
  SamClient node(VirtualTimeScheduler time, VirtualWire wire, int n, long offsetMillis) {
    return node(time, wire, n, offsetMillis, SamClient.Settings.DEFAULT);
  }

  /** As above, retrying as {@code settings} say. */
  SamClient node(
      VirtualTimeScheduler time,
      VirtualWire wire,
      int n,
      long offsetMillis,
      SamClient.Settings settings) {
    KerberosClock clock = new KerberosClock(time, WALL_CLOCK_AT_START + offsetMillis);
    InetSocketAddress at = address(n);
    SamClient client =
        new SamClient(
            time,
            clock,
            principal(node(n)),
            nodeTickets.get(n),
            new ApAcceptor(nodeKeys.get(n), principal(node(n)), clock, SKEW_MILLIS),
            datagram -> wire.send(at, MANAGER_ADDRESS, datagram),
            settings,
            new SecureRandom());
    wire.attach(at, d -> client.receive(d.bytes()));
    return client;
  }

  /** An outcome that puts the SA in {@code into[0]} and fails the test on an error. */
  static SamClient.Outcome readyInto(InstalledSa[] into) {
    return new SamClient.Outcome() {
      @Override
      public void ready(InstalledSa sa) {
        into[0] = sa;
      }

      @Override
      public void failed(long kinkError, String reason) {
        throw new AssertionError(reason);
      }
    };
  }

  @Override
  public void close() {
    kdc.close();
  }
}
