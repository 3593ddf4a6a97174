package io.mvpn.mn;

import io.mvpn.homeagent.NetnsLab;
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

  <T> T onLoop(Callable<T> task) throws Exception {
    return scheduler.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }
}
