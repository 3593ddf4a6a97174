package io.mvpn.homeagent;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.store.InMemoryBindingStore;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A registration request built by scapy's mobileip layer (Debian's python3-scapy, an independent
 * implementation) reaches the home agent through a host socket and is accepted; scapy parses the
 * reply.
 */
class ScapyMobileNodeTest {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static boolean scapyInstalled() throws Exception {
    return Files.isExecutable(NetnsLab.PYTHON) && NetnsLab.imports("scapy.layers.mobileip");
  }

  @Test
  void scapysRequestIsAcceptedAndScapyReadsTheReply() throws Exception {
    require(scapyInstalled(), "python3-scapy is not installed (.ci/run installs it)");
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Vrf publicVrf = new Vrf("public", scheduler, ByteBufAllocator.DEFAULT);
    Vrf acme = new Vrf("acme", scheduler, ByteBufAllocator.DEFAULT);
    InMemoryBindingStore store = new InMemoryBindingStore();
    HostSocketTransport host =
        new HostSocketTransport(group, InetAddress.getLoopbackAddress(), Map.of(434, 0));
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    CompletableFuture<VirtualHomeAgent> started = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          Interface mip = publicVrf.addInterface("acme-mip", TwoTenants.ACME_HA, 32, host);
          publicVrf.addRoute(
              new Route(Prefix.parse("127.0.0.0/8"), null, mip, Route.Origin.STATIC));
          acme.addInterface(
              "acme-lan",
              Ipv4Address.parse("10.1.0.1"),
              16,
              new MemorySegment("lan", LinkProperties.IDEAL, 1).newPort());
          VirtualHomeAgent ha =
              new VirtualHomeAgent(
                  new HomeAgentConfig(
                      MvpnId.of("acme"),
                      TwoTenants.ACME_HA,
                      List.of(Prefix.parse("10.1.0.0/16")),
                      List.of(
                          new io.mvpn.packet.mip.AssociationSpec(
                              TwoTenants.MN_HOME, 1000, Algorithm.HMAC_MD5, TwoTenants.ACME_KEY)),
                      600,
                      7,
                      "acme-lan"),
                  publicVrf,
                  acme,
                  store,
                  epochOffset);
          ha.start();
          Dispatcher dispatcher = new Dispatcher(publicVrf);
          dispatcher.open();
          dispatcher.add(ha);
          started.complete(ha);
        });
    VirtualHomeAgent ha = started.get(5, TimeUnit.SECONDS);
    host.awaitBound(5, TimeUnit.SECONDS);

    long ntpSeconds = System.currentTimeMillis() / 1000 + MipConstants.NTP_UNIX_OFFSET_SECONDS;
    long identification = (ntpSeconds << 32) | 0x5CA9;
    Process scapy =
        new ProcessBuilder(
                NetnsLab.PYTHON.toString(),
                Path.of("src/test/scripts/scapy-register.py").toString(),
                "127.0.0.1",
                String.valueOf(host.hostAddress(434).getPort()),
                "1000",
                "00112233445566778899aabbccddeeff",
                "10.1.0.5",
                "198.51.100.10",
                "203.0.113.77",
                Long.toUnsignedString(identification))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(scapy.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(scapy.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(scapy.exitValue()).as("scapy script exit status").isZero();

    // Accepted, lifetime granted, our fields, and our MN-HA extension (type 32, length 20) next.
    assertThat(out)
        .isEqualTo(
            "type=3 code=0 lifetime=300 home=10.1.0.5 ha=198.51.100.10 id="
                + Long.toUnsignedString(identification)
                + " ext=2014");
    assertThat(store.bindings(MvpnId.of("acme"), TwoTenants.MN_HOME))
        .singleElement()
        .satisfies(b -> assertThat(b.careOfAddress()).hasToString("203.0.113.77"));
    assertThat(ha.stats().accepted()).isEqualTo(1);
  }
}
