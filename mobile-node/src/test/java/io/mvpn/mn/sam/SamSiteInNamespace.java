package io.mvpn.mn.sam;

import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.manager.KerberosSessionKeys;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;

/**
 * A tenant's home site as {@code SamNodesIT} needs it, run by it as a JVM of its own in the site's
 * network namespace: the realm's KDC (the appliance's {@link RealmKdc}, Kerberos on port 88) and
 * the SA manager ({@link SamResponder} on a UDP socket, port 910, as the appliance's SAM component
 * runs it, pairs in memory), both on one address of the site. The nodes' and the manager's keys go
 * to keytabs in the data directory, with the realm's krb5.conf in {@code DIR/kdc}.
 *
 * <p>Arguments: realm, the site's address, data directory, nodes ({@code node=address,...}, whose
 * KINK port is 910). Prints {@code ready} once both listen and the manager has had one ticket from
 * the KDC (for the first node; the manager does not keep it); from then on, until it is ended, it
 * writes the manager's counters to {@code DIR/stats} every 50 ms, one line ({@code requests=N
 * grants=N ...}), replacing the file whole.
 */
public final class SamSiteInNamespace {

  private SamSiteInNamespace() {}

  public static void main(String[] args) throws Exception {
    String realm = args[0];
    String address = args[1];
    Path dir = Path.of(args[2]);
    RealmKdc kdc =
        RealmKdc.start(
            KdcSettings.of(realm, new InetSocketAddress(address, 88), dir.resolve("kdc")));
    String manager = "kink/sam@" + realm;
    kdc.addServicePrincipal(manager);
    kdc.exportKeytab(manager, dir.resolve("sam.keytab"));
    String[] nodes = args[3].split(",");
    for (String node : nodes) {
      String name = node.substring(0, node.indexOf('='));
      kdc.addServicePrincipal("kink/" + name + "@" + realm);
      kdc.exportKeytab("kink/" + name + "@" + realm, dir.resolve(name + ".keytab"));
    }

    KerberosSessionKeys sessionKeys =
        new KerberosSessionKeys(
            kdc.clientConfigDir().toFile(), manager, dir.resolve("sam.keytab").toFile());
    // One ticket exchange before the nodes ask: the KDC's and Kerby's code paths, and the manager's
    // TGT, warm, so the first request is not answered after the node's 1 s retry wait.
    String first = nodes[0].substring(0, nodes[0].indexOf('='));
    sessionKeys.ticket("kink/" + first + "@" + realm);

    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService kdcCalls = Executors.newSingleThreadExecutor();
    EventLoopScheduler loop = new EventLoopScheduler(group.next());
    KerberosClock clock = KerberosClock.of(loop, System.currentTimeMillis());
    SamResponder[] responder = new SamResponder[1];
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    responder[0].receive(ByteBufUtil.getBytes(p.content()), p.sender());
                  }
                })
            .bind(new InetSocketAddress(address, 910))
            .sync()
            .channel();
    loop.eventLoop()
        .submit(
            () -> {
              SaManager pairs =
                  new SaManager(
                      clock,
                      sessionKeys,
                      SaPairStore.inMemory(),
                      SaManager.Settings.of(Duration.ofHours(8), 1_000, realm),
                      new SecureRandom());
              responder[0] =
                  new SamResponder(
                      loop,
                      pairs,
                      new ApAcceptor(
                          Keytab.loadKeytab(dir.resolve("sam.keytab").toFile()),
                          manager,
                          clock,
                          300_000),
                      (datagram, to) ->
                          channel.writeAndFlush(
                              new DatagramPacket(Unpooled.wrappedBuffer(datagram), to)),
                      SamResponder.Settings.DEFAULT,
                      kdcCalls,
                      new SecureRandom());
              for (String node : nodes) {
                int eq = node.indexOf('=');
                responder[0].knowNode(
                    node.substring(0, eq), new InetSocketAddress(node.substring(eq + 1), 910));
              }
              return null;
            })
        .get(30, TimeUnit.SECONDS);
    Path stats = dir.resolve("stats");
    Path next = dir.resolve("stats.next");
    loop.eventLoop()
        .scheduleWithFixedDelay(
            () -> {
              try {
                Files.writeString(next, stats(responder[0]) + "\n");
                Files.move(next, stats, StandardCopyOption.REPLACE_EXISTING);
              } catch (IOException e) {
                System.out.println("stats not written: " + e);
              }
            },
            0,
            50,
            TimeUnit.MILLISECONDS);
    System.out.println("ready");
    System.out.flush();
    // The KDC's and the loop's threads run on until the test ends this program.
    Thread.currentThread().join();
  }

  /** The manager's counters the test reads, on one line. */
  private static String stats(SamResponder responder) {
    SamResponder.Counters wire = responder.counters();
    return "requests=%d grants=%d installs_sent=%d installs_acknowledged=%d pairs=%d"
        .formatted(
            wire.requests(),
            wire.grants(),
            wire.installsSent(),
            wire.installsAcknowledged(),
            responder.manager().pairs().size());
  }
}
