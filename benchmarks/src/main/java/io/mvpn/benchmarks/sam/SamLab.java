package io.mvpn.benchmarks.sam;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.ApInitiator;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.manager.KerberosSessionKeys;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * A security association manager and two nodes on one thread, joined by an in-memory wire, keyed by
 * mvpn's KDC on loopback: the KDC is asked while the lab is set up (the nodes' tickets for the
 * manager, the manager's for node B) and never while it is measured. {@link #handOut} is one node's
 * whole request: a SAM_REQUEST with a fresh authenticator, the manager's checks and grant, the
 * node's checks and install, and for a pair the manager had to make the SAM_INSTALL to B and its
 * REPLY. Virtual time moves 10 ms per request so every authenticator's time differs. {@link
 * #fromSad} is a node that holds its SA starting another session: no message at all.
 */
final class SamLab implements AutoCloseable {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  static final String REALM = "BENCH.MVPN.TEST";
  static final String MANAGER = "kink/sam@" + REALM;
  static final InetSocketAddress MANAGER_AT = new InetSocketAddress("203.0.113.1", 910);
  static final InetSocketAddress A_AT = new InetSocketAddress("198.51.100.10", 910);
  static final InetSocketAddress B_AT = new InetSocketAddress("198.51.100.11", 910);

  private final Path dir;
  private final RealmKdc kdc;
  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final KerberosClock clock = new KerberosClock(time, System.currentTimeMillis());
  private final Deque<Runnable> wire = new ArrayDeque<>();
  private final SecureRandom random = new SecureRandom();
  private final SamResponder responder;
  private final SgtTicket aTicket;
  private final ApAcceptor responderKeys;
  private final ApAcceptor aKeys;
  private final SamClient b;
  private SamClient a;
  private long managerCpuNanos;
  private InstalledSa got;

  SamLab() throws Exception {
    dir = Files.createTempDirectory("mvpn-sam-bench");
    kdc = RealmKdc.start(KdcSettings.of(REALM, freeLoopbackPort(), dir.resolve("kdc")));
    Keytab managerKeys = keytab(MANAGER);
    Keytab aKeytab = keytab(principal("nodea"));
    Keytab bKeytab = keytab(principal("nodeb"));
    KrbClient client = new KrbClient(kdc.clientConfigDir().toFile());
    client.init();
    aTicket = ticket(client, "nodea");
    SgtTicket bTicket = ticket(client, "nodeb");
    KerberosSessionKeys sessionKeys =
        new KerberosSessionKeys(
            kdc.clientConfigDir().toFile(), MANAGER, dir.resolve(MANAGER + ".keytab").toFile());
    SaManager manager =
        new SaManager(
            clock,
            sessionKeys,
            SaPairStore.inMemory(),
            SaManager.Settings.of(Duration.ofHours(8), 1_000, REALM),
            random);
    responder =
        new SamResponder(
            time,
            manager,
            new ApAcceptor(managerKeys, MANAGER, clock, 300_000),
            (datagram, to) -> wire.add(() -> (to.equals(A_AT) ? a : bClient()).receive(datagram)),
            SamResponder.Settings.DEFAULT,
            Runnable::run,
            random);
    responder.knowNode("nodeb", B_AT);
    responderKeys = new ApAcceptor(managerKeys, MANAGER, clock, 300_000);
    aKeys = new ApAcceptor(aKeytab, principal("nodea"), clock, 300_000);
    b =
        new SamClient(
            time,
            clock,
            principal("nodeb"),
            bTicket,
            new ApAcceptor(bKeytab, principal("nodeb"), clock, 300_000),
            datagram -> wire.add(() -> toManager(datagram, B_AT)),
            SamClient.Settings.DEFAULT,
            random);
    // The manager's ticket for B and the first pair, made once: the KDC is not what is measured.
    if (handOut() == null) {
      throw new IllegalStateException("the lab's manager handed out no SA");
    }
  }

  /** The manager's work on one datagram, its thread CPU time counted apart from the nodes'. */
  private void toManager(byte[] datagram, InetSocketAddress from) {
    long start = CPU.getCurrentThreadCpuTime();
    responder.receive(datagram, from);
    managerCpuNanos += CPU.getCurrentThreadCpuTime() - start;
  }

  /** Thread CPU time the manager has spent on datagrams so far. */
  long managerCpuNanos() {
    return managerCpuNanos;
  }

  private SamClient bClient() {
    return b;
  }

  /**
   * Node A (a fresh one, whose SAD is empty) asks for an SA with B: the manager makes a new pair
   * from the ticket it holds for B (every request gets a new pair, never keys handed out before),
   * grants A its half and installs B's (SAM_INSTALL and REPLY).
   */
  InstalledSa handOut() {
    time.advance(10, TimeUnit.MILLISECONDS);
    a =
        new SamClient(
            time,
            clock,
            principal("nodea"),
            aTicket,
            aKeys,
            datagram -> wire.add(() -> toManager(datagram, A_AT)),
            SamClient.Settings.DEFAULT,
            random);
    got = null;
    a.connect("nodeb", keep);
    while (!wire.isEmpty() || time.runPending() > 0) {
      Runnable next = wire.poll();
      if (next != null) {
        next.run();
      }
    }
    return got;
  }

  /**
   * Node A, holding its SA with B from the last grant, starts another session with B: its SAD
   * answers and no message leaves (the cached case of seed 000 c8).
   */
  InstalledSa fromSad() {
    got = null;
    a.connect("nodeb", keep);
    if (!wire.isEmpty()) {
      throw new IllegalStateException("a node holding its SA sent a message");
    }
    return got;
  }

  private final SamClient.Outcome keep =
      new SamClient.Outcome() {
        @Override
        public void ready(InstalledSa sa) {
          got = sa;
        }

        @Override
        public void failed(long kinkError, String reason) {
          throw new IllegalStateException(reason);
        }
      };

  /** Node A's AP-REQ for the manager, made and checked (not remembered): the baseline. */
  Object baselineApReq() throws Exception {
    time.advance(10, TimeUnit.MILLISECONDS);
    return responderKeys.accept(ApInitiator.apReq(aTicket, principal("nodea"), clock).der());
  }

  long kdcExchanges() {
    return responder.manager().counters().kdcExchanges();
  }

  private Keytab keytab(String principal) throws Exception {
    Path file = dir.resolve(principal + ".keytab");
    kdc.addServicePrincipal(principal);
    kdc.exportKeytab(principal, file);
    return Keytab.loadKeytab(file.toFile());
  }

  private SgtTicket ticket(KrbClient client, String node) throws Exception {
    Path keytab = dir.resolve(principal(node) + ".keytab");
    return client.requestSgt(client.requestTgt(principal(node), keytab.toFile()), MANAGER);
  }

  private static String principal(String node) {
    return "kink/" + node + "@" + REALM;
  }

  private static InetSocketAddress freeLoopbackPort() throws Exception {
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
    }
  }

  @Override
  public void close() {
    kdc.close();
  }
}
