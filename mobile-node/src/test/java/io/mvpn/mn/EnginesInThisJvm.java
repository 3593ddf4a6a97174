package io.mvpn.mn;

import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.mn.compare.Dumpcap;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.store.InMemoryBindingStore;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's engines in the test JVM on one event loop, against the launcher run as a process
 * in namespaces: the VRFs made here, their TUN/TAP devices and the namespaces all go after each
 * test, however it ended.
 */
abstract class EnginesInThisJvm {

  @TempDir Path dir;

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
  final InMemoryBindingStore store = new InMemoryBindingStore();
  final List<Vrf> vrfs = new ArrayList<>();
  final NetnsLab lab = new NetnsLab();

  /** Stops what runs on the VRFs before their interfaces go; nothing by default. */
  void stopEngines() throws Exception {}

  @AfterEach
  void removeEnginesAndNamespaces() throws Exception {
    try {
      stopEngines();
      KernelLab.removeInterfaces(vrfs);
    } finally {
      lab.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  Vrf vrf(String name) {
    Vrf vrf = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    vrfs.add(vrf);
    return vrf;
  }

  /**
   * A tenant's home agent on {@code publicVrf} behind a dispatcher of its own, its tenant side on
   * {@code tenant}, with bindings in {@link #store} on the wall clock ({@code epochOffset}).
   */
  VirtualHomeAgent startHomeAgent(
      HomeAgentConfig config, Vrf publicVrf, Vrf tenant, long epochOffset) throws Exception {
    Dispatcher dispatcher =
        onLoop(
            () -> {
              Dispatcher d = new Dispatcher(publicVrf);
              d.open();
              return d;
            });
    return startHomeAgent(config, publicVrf, tenant, epochOffset, dispatcher);
  }

  /** The same, behind a dispatcher the test already opened (several tenants share one). */
  VirtualHomeAgent startHomeAgent(
      HomeAgentConfig config, Vrf publicVrf, Vrf tenant, long epochOffset, Dispatcher dispatcher)
      throws Exception {
    return onLoop(
        () -> {
          VirtualHomeAgent agent =
              new VirtualHomeAgent(
                  config, publicVrf, tenant, store.onClock(epochOffset), epochOffset);
          agent.start();
          dispatcher.add(agent);
          return agent;
        });
  }

  /**
   * A veth pair from {@code nearNamespace} ({@code near}) into {@code namespace} ({@code far}),
   * IPv6 off at both ends, so the kernels send only what the test provokes.
   */
  void veth(String nearNamespace, String near, String far, String namespace) throws Exception {
    NetnsLab.run(
        "ip",
        "link",
        "add",
        near,
        "netns",
        nearNamespace,
        "type",
        "veth",
        "peer",
        "name",
        far,
        "netns",
        namespace);
    lab.in(nearNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + near + ".disable_ipv6=1");
    lab.in(namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + far + ".disable_ipv6=1");
  }

  /**
   * dumpcap on a device (with {@code options} such as a capture filter), once it has started its
   * file (bounded): the first frames are in it.
   */
  Process capture(String namespace, String device, Path file, String... options) throws Exception {
    return Dumpcap.start(lab, namespace, device, file, options);
  }

  <T> T onLoop(Callable<T> task) throws Exception {
    return scheduler.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }
}
