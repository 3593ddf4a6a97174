package io.mvpn.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VoIP first-packet delay over real links in real time: the SA manager and an IKEv2 responder
 * run in a JVM of their own in a network namespace ({@link SamInNamespace}), 10 ms of netem delay
 * each way on the veth pair to it (a 20 ms round trip; none where the kernel lacks netem, and the
 * figures are then the processing alone); the nodes, the IKE initiator and the realm's KDC run
 * here, so the manager's KDC round trip crosses the link too. Measured per case is the time from a
 * node asking until it may send its first packet in ESP. Run it under {@code flock
 * /tmp/mvpn-netns.lock}.
 */
class SamOverNamespacesRealTimeTest {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final long ONE_WAY_MILLIS = 10;
  private static final int SLOT = (int) (ProcessHandle.current().pid() % 200) + 20;
  private static final String NS = "mvsam" + SLOT;
  private static final String HOST_SIDE = "mvsam" + SLOT + "h";
  private static final String NS_SIDE = "mvsam" + SLOT + "n";
  private static final String HERE = "10.202." + SLOT + ".1";
  private static final String THERE = "10.202." + SLOT + ".2";

  @TempDir Path dir;

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private Process far;
  private long oneWayMillis;

  @AfterEach
  void tearDown() throws Exception {
    if (far != null) {
      far.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    quietly("ip", "netns", "del", NS);
    quietly("ip", "link", "del", HOST_SIDE);
  }

  private static void quietly(String... command) {
    try {
      KernelLab.run(command);
    } catch (Exception e) {
      // already gone
    }
  }

  private void link() throws Exception {
    KernelLab.run("ip", "netns", "add", NS);
    KernelLab.run("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", NS_SIDE);
    KernelLab.run("ip", "link", "set", NS_SIDE, "netns", NS);
    KernelLab.run("ip", "addr", "add", HERE + "/24", "dev", HOST_SIDE);
    KernelLab.run("ip", "link", "set", HOST_SIDE, "up");
    KernelLab.run("ip", "netns", "exec", NS, "ip", "addr", "add", THERE + "/24", "dev", NS_SIDE);
    KernelLab.run("ip", "netns", "exec", NS, "ip", "link", "set", NS_SIDE, "up");
    KernelLab.run("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up");
    String delay = ONE_WAY_MILLIS + "ms";
    try {
      KernelLab.run("tc", "qdisc", "add", "dev", HOST_SIDE, "root", "netem", "delay", delay);
      KernelLab.run(
          "ip", "netns", "exec", NS, "tc", "qdisc", "add", "dev", NS_SIDE, "root", "netem", "delay",
          delay);
      oneWayMillis = ONE_WAY_MILLIS;
    } catch (java.io.IOException noNetem) {
      // A kernel without sch_netem: the link's own delay only, so the figures are processing.
      oneWayMillis = 0;
    }
  }

  /** A UDP socket on this side of the link, its datagrams handed to {@code receiver}. */
  private static Channel socket(EventLoopGroup loop, Consumer<DatagramPacket> receiver)
      throws Exception {
    return UdpIkeEndpoint.bind(loop, new InetSocketAddress(HERE, 0), receiver);
  }

  @Test
  void theFirstPacketWaitsNothingCachedOneRoundTripColdAndTwoWithIkev2OverRealLinks()
      throws Exception {
    KernelLab.requireKernel("tc");
    link();
    RealmKdc kdc =
        RealmKdc.start(
            KdcSettings.of(REALM, new InetSocketAddress(HERE, 20_000 + SLOT), dir.resolve("kdc")));
    cleanup.add(kdc::close);
    kdc.addServicePrincipal("kink/sam@" + REALM);
    kdc.exportKeytab("kink/sam@" + REALM, dir.resolve("sam.keytab"));
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    cleanup.add(() -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
    EventLoopScheduler time = new EventLoopScheduler(loop.next());
    KerberosClock clock = KerberosClock.of(time, System.currentTimeMillis());
    InetSocketAddress samAt = new InetSocketAddress(THERE, 10_910);
    KrbClient krb = new KrbClient(kdc.clientConfigDir().toFile());
    krb.init();

    SamClient[] nodes = new SamClient[4];
    Channel[] sockets = new Channel[4];
    for (int n = 0; n < nodes.length; n++) {
      String principal = "kink/node0" + (n + 1) + "@" + REALM;
      Path keytab = dir.resolve("node0" + (n + 1) + ".keytab");
      kdc.addServicePrincipal(principal);
      kdc.exportKeytab(principal, keytab);
      int at = n;
      sockets[n] = socket(loop, p -> nodes[at].receive(ByteBufUtil.getBytes(p.content())));
      Channel socket = sockets[n];
      nodes[n] =
          new SamClient(
              time,
              clock,
              principal,
              krb.requestSgt(krb.requestTgt(principal, keytab.toFile()), "kink/sam@" + REALM),
              new ApAcceptor(Keytab.loadKeytab(keytab.toFile()), principal, clock, 300_000),
              d -> socket.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(d), samAt)),
              SamClient.Settings.DEFAULT,
              new SecureRandom());
    }
    InetSocketAddress ikeAt = new InetSocketAddress(THERE, 10_500);
    String node02At = HERE + ":" + ((InetSocketAddress) sockets[1].localAddress()).getPort();
    far =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                NS,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SamInNamespace.class.getName(),
                REALM,
                HERE + ":" + (20_000 + SLOT),
                THERE + ":" + samAt.getPort(),
                dir.resolve("sam.keytab").toString(),
                "node02=" + node02At,
                dir.resolve("sam-data").toString(),
                THERE + ":" + ikeAt.getPort())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader farOut =
        new BufferedReader(new InputStreamReader(far.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return farOut.readLine();
              } catch (java.io.IOException e) {
                return null;
              }
            });
    assertThat(ready.get(120, TimeUnit.SECONDS)).startsWith("ready");

    // Every case once before any is measured: the manager's TGT, class loading and the JIT.
    connect(time, nodes[2], "node04");
    ikev2(loop, time, ikeAt);
    long coldWithoutTicket = connect(time, nodes[0], "node02");
    long coldWithTicket = connect(time, nodes[2], "node02");
    long requestsBefore = nodes[0].counters().requestsSent();
    long cached = connect(time, nodes[0], "node02");
    long ike = ikev2(loop, time, ikeAt);

    System.out.printf(
        "VoIP first-packet delay, real time over namespaces, %d ms added one way: cached %.2f ms,"
            + " cold %.2f ms, cold without ticket %.2f ms, IKEv2 %.2f ms%n",
        oneWayMillis, cached / 1e6, coldWithTicket / 1e6, coldWithoutTicket / 1e6, ike / 1e6);
    long rtt = TimeUnit.MILLISECONDS.toNanos(2 * oneWayMillis);
    assertThat(nodes[0].counters().requestsSent()).isEqualTo(requestsBefore);
    assertThat(cached).isLessThan(coldWithTicket);
    assertThat(coldWithTicket).isGreaterThanOrEqualTo(rtt);
    // The manager's KDC exchange (the ticket for node02) crosses the link as well.
    assertThat(coldWithoutTicket).isGreaterThanOrEqualTo(2 * rtt);
    assertThat(ike).isGreaterThanOrEqualTo(2 * rtt);
  }

  /** Nanoseconds from asking for an SA with {@code peer} until it is there. */
  private static long connect(EventLoopScheduler time, SamClient node, String peer)
      throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    time.execute(
        () -> {
          long start = System.nanoTime();
          node.connect(
              peer,
              new SamClient.Outcome() {
                @Override
                public void ready(InstalledSa sa) {
                  done.complete(System.nanoTime() - start);
                }

                @Override
                public void failed(long kinkError, String reason) {
                  done.completeExceptionally(new AssertionError(reason));
                }
              });
        });
    return done.get(30, TimeUnit.SECONDS);
  }

  /** Nanoseconds from IKE_SA_INIT leaving here until the Child SA is in. */
  private static long ikev2(EventLoopGroup loop, EventLoopScheduler time, InetSocketAddress to)
      throws Exception {
    Ipv4Address here = Ipv4Address.parse(HERE);
    Ipv4Address there = Ipv4Address.parse(THERE);
    CompletableFuture<Long> done = new CompletableFuture<>();
    long[] start = new long[1];
    try (UdpIkeEndpoint initiator =
        new UdpIkeEndpoint(
            loop,
            time,
            new InetSocketAddress(HERE, 0),
            PeerConfig.of(
                Identity.ipv4(here),
                Identity.ipv4(there),
                new PskAuthenticator(SamInNamespace.PSK),
                List.of(TrafficSelector.ipv4(here, here)),
                List.of(TrafficSelector.ipv4(there, there))),
            IkeEngine.Listener.of(sa -> done.complete(System.nanoTime() - start[0]), sa -> {}))) {
      time.execute(
          () -> {
            start[0] = System.nanoTime();
            initiator.engine().initiate(Endpoint.of(THERE, to.getPort()));
          });
      return done.get(30, TimeUnit.SECONDS);
    }
  }
}
