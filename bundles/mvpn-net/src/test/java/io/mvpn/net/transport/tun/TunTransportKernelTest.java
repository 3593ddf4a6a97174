package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.KernelLab.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.TunException.Reason;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VRF on a real TUN device, with the Linux kernel on the other side: the kernel's ping and a
 * kernel UDP socket reach the VRF's host stack; a multi-queue device is read through one thread per
 * queue, the kernel spreading flows over them, each flow in order. Needs root (run under flock
 * /tmp/mvpn-netns.lock).
 */
class TunTransportKernelTest {

  private static final int ECHO_PORT = 7007;
  private static final int FLOWS = 24;
  private static final int PER_FLOW = 20;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private KernelLab lab;
  private Vrf vrf;

  @BeforeEach
  void requireKernel() throws Exception {
    KernelLab.requireKernel();
    lab = new KernelLab();
    vrf = new Vrf("tun-test", new EventLoopScheduler(group.next()), ByteBufAllocator.DEFAULT);
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (vrf != null) {
        for (Interface i : onLoop(vrf::interfaces)) {
          onLoop(() -> removeInterface(i.name()));
        }
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void theKernelPingsTheVrfOnAProvisionedDeviceAndItsUdpDatagramsAreAnswered() throws Exception {
    TunTransport tun = openProvisioned("p");
    String dev = tun.deviceName();
    Interface intf = attach("uplink", tun);
    onLoop(() -> vrf.bindUdp(ECHO_PORT, this::answerInUpperCase));

    String ping = run("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", lab.address(2));

    assertThat(ping).contains("3 received");
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(lab.address(1), 0))) {
      socket.setSoTimeout(5000);
      byte[] hello = "hello vrf".getBytes(StandardCharsets.US_ASCII);
      socket.send(
          new DatagramPacket(
              hello, hello.length, InetAddress.getByName(lab.address(2)), ECHO_PORT));
      DatagramPacket answer = new DatagramPacket(new byte[100], 100);
      socket.receive(answer);
      assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
          .isEqualTo("HELLO VRF");
      assertThat(answer.getSocketAddress())
          .isEqualTo(new InetSocketAddress(lab.address(2), ECHO_PORT));
    }
    assertThat(tun.createdDevice()).isFalse();
    assertThat(tun.describe()).isEqualTo("tun:" + dev + ",mtu=1400");
    assertThat(onLoop(() -> intf.counters().received())).isEqualTo(4);
    assertThat(onLoop(() -> intf.counters().sent())).isEqualTo(4);

    onLoop(() -> removeInterface("uplink"));
    assertThat(KernelLab.exists(dev)).as("a provisioned device outlives the transport").isTrue();
  }

  @Test
  void aDeviceTheTransportCreatesIsUpWithItsMtuAndGoesWhenItCloses() throws Exception {
    String dev = lab.device("c");
    TunTransport tun = TunTransport.open(dev, 1280);
    attach("made", tun);
    run("ip", "addr", "add", lab.address(1) + "/24", "dev", dev);

    assertThat(tun.createdDevice()).isTrue();
    assertThat(Files.readString(Path.of("/sys/class/net", dev, "mtu")).trim()).isEqualTo("1280");
    int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", dev, "flags")).trim());
    assertThat(flags & 1).as("IFF_UP").isEqualTo(1);
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    onLoop(() -> removeInterface("made"));
    assertThat(tun.awaitReaderStopped(5, TimeUnit.SECONDS)).isTrue();
    assertThat(KernelLab.exists(dev)).isFalse();
  }

  @Test
  void aBurstTheKernelQueuesReachesTheVrfWholeAndInOrder() throws Exception {
    TunTransport tun = openProvisioned("q");
    Interface intf = attach("burst", tun);
    List<Integer> arrived = new ArrayList<>(); // touched on the VRF's loop only
    onLoop(
        () ->
            vrf.bindUdp(
                ECHO_PORT,
                (v, in, d) -> arrived.add(d.payload().getInt(d.payload().readerIndex()))));
    // Several full hand-overs and a part of one; fewer than the device's queue of 500 holds, so
    // the kernel drops none however late the reader runs.
    int burst = 5 * TunTransport.BATCH + 7;
    // The path is up both ways before the burst goes, so only the reader decides what arrives.
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(lab.address(1), 0))) {
      InetAddress vrfAddress = InetAddress.getByName(lab.address(2));
      for (int i = 0; i < burst; i++) {
        byte[] sequence = ByteBuffer.allocate(4).putInt(i).array();
        socket.send(new DatagramPacket(sequence, 4, vrfAddress, ECHO_PORT));
      }
    }
    // One reader takes packets in order: once this reply is back, the whole burst was read.
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    assertThat(onLoop(() -> List.copyOf(arrived)))
        .as("read %d, VRF %s", tun.received(), onLoop(() -> intf.counters().toString()))
        .containsExactlyElementsOf(IntStream.range(0, burst).boxed().toList());
    assertThat(onLoop(() -> intf.counters().received())).isEqualTo(burst + 2);
    assertThat(tun.failure()).isNull();
  }

  @Test
  void ipv6FromTheKernelIsCountedAndDroppedWhileIpv4GoesOn() throws Exception {
    String dev = lab.device("6");
    provision(dev, 1400);
    run("sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=0");
    run("ip", "-6", "addr", "add", "2001:db8:" + lab.slot + "::1/64", "dev", dev, "nodad");
    TunTransport tun = TunTransport.open(dev, 1400);
    Interface intf = attach("dual", tun);

    // The kernel sends the echo request into the device; nothing answers it.
    runIgnoringExit("ping", "-6", "-n", "-c", "1", "-W", "1", "2001:db8:" + lab.slot + "::2");
    // One reader takes packets in order: once this reply is back, the IPv6 packet was read.
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    assertThat(tun.nonIpv4()).isGreaterThanOrEqualTo(1);
    assertThat(onLoop(() -> intf.counters().received())).isEqualTo(1);
    assertThat(tun.failure()).isNull();
  }

  @Test
  void aPacketLongerThanTheBufferIsCountedAsTruncatedAndTheReaderGoesOn() throws Exception {
    String dev = lab.device("t");
    provision(dev, 1400);
    TunTransport tun = TunTransport.open(dev, 1400);
    Interface intf = attach("small", tun);
    // Raised after the transport sized its buffers, as an operator might do by mistake.
    run("ip", "link", "set", dev, "mtu", "2000");

    runIgnoringExit("ping", "-n", "-c", "1", "-W", "1", "-M", "dont", "-s", "1800", lab.address(2));
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    assertThat(tun.truncated()).isEqualTo(1);
    assertThat(onLoop(() -> intf.counters().malformed(MalformedPacketException.Reason.TRUNCATED)))
        .isEqualTo(1);
    assertThat(tun.failure()).isNull();
  }

  @Test
  void aDeviceAnotherTransportHoldsIsRefusedAsBusy() throws Exception {
    String dev = lab.device("b");
    provision(dev, 1400);
    attach("first", TunTransport.open(dev, 1400));

    assertThatThrownBy(() -> TunTransport.open(dev, 1400))
        .isInstanceOfSatisfying(
            TunException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.BUSY);
              assertThat(e.getMessage()).contains(dev, "EBUSY");
            });
  }

  @Test
  void aTapDeviceIsNotTakenForATunDevice() throws Exception {
    String dev = lab.device("a");
    run("ip", "tuntap", "add", "dev", dev, "mode", "tap");

    assertThatThrownBy(() -> TunTransport.open(dev, 1500))
        .isInstanceOfSatisfying(
            TunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_A_TUN_DEVICE));
  }

  @Test
  void flowsSpreadOverTheQueuesOfAProvisionedDeviceArriveWholeAndEachInOrder() throws Exception {
    String dev = lab.device("m");
    provision(dev, 1400, "multi_queue");
    TunTransport tun = TunTransport.open(dev, 1400, 4);
    Interface intf = attach("uplink", tun);
    Map<Integer, List<Integer>> bySourcePort = new LinkedHashMap<>(); // the VRF's loop only
    KernelLab.onLoop(
        vrf.scheduler(),
        () ->
            vrf.bindUdp(
                ECHO_PORT,
                (v, in, d) ->
                    bySourcePort
                        .computeIfAbsent(d.sourcePort(), p -> new ArrayList<>())
                        .add(d.payload().getInt(d.payload().readerIndex()))));
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    // Fewer datagrams than one queue's backlog holds (500), so the kernel drops none.
    List<DatagramSocket> flows = new ArrayList<>();
    try {
      for (int f = 0; f < FLOWS; f++) {
        flows.add(new DatagramSocket(new InetSocketAddress(lab.address(1), 0)));
      }
      InetAddress vrfAddress = InetAddress.getByName(lab.address(2));
      for (int i = 0; i < PER_FLOW; i++) {
        for (DatagramSocket flow : flows) {
          byte[] sequence = ByteBuffer.allocate(4).putInt(i).array();
          flow.send(new DatagramPacket(sequence, 4, vrfAddress, ECHO_PORT));
        }
      }
    } finally {
      flows.forEach(DatagramSocket::close);
    }
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    Map<Integer, List<Integer>> arrived =
        KernelLab.onLoop(vrf.scheduler(), () -> new LinkedHashMap<>(bySourcePort));
    assertThat(arrived).hasSize(FLOWS);
    List<Integer> inOrder = IntStream.range(0, PER_FLOW).boxed().toList();
    arrived.forEach(
        (port, sequence) -> assertThat(sequence).as("flow from port %d", port).isEqualTo(inOrder));
    long[] byQueue = tun.receivedByQueue();
    assertThat(byQueue).hasSize(4);
    assertThat(Arrays.stream(byQueue).sum()).isEqualTo(FLOWS * PER_FLOW + 2L);
    assertThat(Arrays.stream(byQueue).filter(n -> n > 0).count())
        .as("queues that read something, of %s", Arrays.toString(byQueue))
        .isGreaterThan(1);
    assertThat(tun.describe()).isEqualTo("tun:" + dev + ",mtu=1400,queues=4");
    assertThat(KernelLab.onLoop(vrf.scheduler(), () -> intf.counters().received()))
        .isEqualTo(FLOWS * PER_FLOW + 2L);
    assertThat(tun.failure()).isNull();
  }

  @Test
  void aReaderStageRunsOnTheReaderOfEachQueueAndItsResultsReachTheLoopEachFlowInOrder()
      throws Exception {
    String dev = lab.device("s");
    provision(dev, 1400, "multi_queue");
    TunTransport tun = TunTransport.open(dev, 1400, 4);
    Interface intf = attach("uplink", tun);
    Set<String> readers = ConcurrentHashMap.newKeySet();
    Map<Integer, List<Integer>> bySourcePort = new LinkedHashMap<>(); // the VRF's loop only
    List<Boolean> onTheLoop = new ArrayList<>(); // the VRF's loop only
    intf.setReaderStage(
        (in, packet) -> {
          int at = packet.readerIndex();
          if (packet.getUnsignedByte(at + 9) != 17
              || packet.getUnsignedShort(at + 22) != ECHO_PORT) {
            return null; // the ping: to the VRF as it is
          }
          readers.add(Thread.currentThread().getName());
          int port = packet.getUnsignedShort(at + 20);
          int sequence = packet.getInt(at + 28);
          packet.release();
          return new ReaderStage.Result() {
            @Override
            public void onLoop(Interface ingress) {
              onTheLoop.add(vrf.scheduler().inEventLoop());
              bySourcePort.computeIfAbsent(port, p -> new ArrayList<>()).add(sequence);
            }

            @Override
            public void discard() {}
          };
        });
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    List<DatagramSocket> flows = new ArrayList<>();
    try {
      for (int f = 0; f < FLOWS; f++) {
        flows.add(new DatagramSocket(new InetSocketAddress(lab.address(1), 0)));
      }
      InetAddress vrfAddress = InetAddress.getByName(lab.address(2));
      for (int i = 0; i < PER_FLOW; i++) {
        for (DatagramSocket flow : flows) {
          byte[] sequence = ByteBuffer.allocate(4).putInt(i).array();
          flow.send(new DatagramPacket(sequence, 4, vrfAddress, ECHO_PORT));
        }
      }
    } finally {
      flows.forEach(DatagramSocket::close);
    }
    assertThat(run("ping", "-n", "-c", "1", "-W", "2", lab.address(2))).contains("1 received");

    Map<Integer, List<Integer>> arrived =
        KernelLab.onLoop(vrf.scheduler(), () -> new LinkedHashMap<>(bySourcePort));
    assertThat(arrived).hasSize(FLOWS);
    List<Integer> inOrder = IntStream.range(0, PER_FLOW).boxed().toList();
    arrived.forEach(
        (port, sequence) -> assertThat(sequence).as("flow from port %d", port).isEqualTo(inOrder));
    assertThat(KernelLab.onLoop(vrf.scheduler(), () -> List.copyOf(onTheLoop)))
        .hasSize(FLOWS * PER_FLOW)
        .containsOnly(true);
    assertThat(readers).allMatch(name -> name.startsWith("mvpn-tun-" + dev + "-"));
    long queuesUsed = Arrays.stream(tun.receivedByQueue()).filter(n -> n > 0).count();
    assertThat(readers)
        .as("readers that ran the stage")
        .hasSizeGreaterThanOrEqualTo((int) Math.min(2, queuesUsed));
    assertThat(KernelLab.onLoop(vrf.scheduler(), () -> intf.counters().received()))
        .isEqualTo(FLOWS * PER_FLOW + 2L);
  }

  @Test
  void aMultiQueueDeviceTheTransportCreatesGoesWhenItsLastQueueCloses() throws Exception {
    String dev = lab.device("n");
    TunTransport tun = TunTransport.open(dev, 1400, 2);
    attach("made", tun);

    assertThat(tun.createdDevice()).isTrue();
    assertThat(tun.queues()).isEqualTo(2);
    assertThat(run("ip", "-d", "link", "show", dev)).contains("multi_queue");

    KernelLab.removeInterfaces(List.of(vrf));
    assertThat(tun.awaitReaderStopped(5, TimeUnit.SECONDS)).isTrue();
    assertThat(KernelLab.exists(dev)).isFalse();
  }

  @Test
  void queuesOfTheWrongKindAreRefusedNamingTheProvisioningCommand() throws Exception {
    String single = lab.device("s");
    provision(single, 1400);
    assertThatThrownBy(() -> TunTransport.open(single, 1400, 2))
        .isInstanceOfSatisfying(
            TunException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.NOT_A_TUN_DEVICE);
              assertThat(e.getMessage()).contains("not a multi-queue TUN device");
            });
    assertThat(KernelLab.exists(single)).as("the refusal leaves the device alone").isTrue();

    String multi = lab.device("t");
    provision(multi, 1400, "multi_queue");
    assertThatThrownBy(() -> TunTransport.open(multi, 1400, 1))
        .isInstanceOfSatisfying(
            TunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_A_TUN_DEVICE));
    assertThatThrownBy(() -> TunTransport.open(multi, 1400, TunTransport.MAX_QUEUES + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** What docs/operations.md tells an operator to run, as root, before Karaf starts. */
  private void provision(String dev, int mtu, String... mode)
      throws IOException, InterruptedException {
    List<String> add = new ArrayList<>(List.of("ip", "tuntap", "add", "dev", dev, "mode", "tun"));
    add.addAll(List.of(mode));
    add.addAll(List.of("user", System.getProperty("user.name")));
    run(add.toArray(String[]::new));
    run("ip", "addr", "add", lab.address(1) + "/24", "dev", dev);
    run("ip", "link", "set", dev, "mtu", Integer.toString(mtu), "up");
    run("sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1");
  }

  private Interface attach(String name, TunTransport tun) throws Exception {
    return onLoop(() -> vrf.addInterface(name, Ipv4Address.parse(lab.address(2)), 24, tun));
  }

  private Void removeInterface(String name) {
    vrf.removeInterface(name);
    return null;
  }

  private void answerInUpperCase(Vrf v, Interface ingress, UdpDatagram d) {
    String text = d.payload().toString(StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    ByteBuf answer = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    try {
      v.sendUdp(
          Ipv4Address.of(d.ip().destination()),
          Ipv4Address.of(d.ip().source()),
          ECHO_PORT,
          d.sourcePort(),
          answer);
    } finally {
      answer.release();
    }
  }

  /** A transport on a device provisioned beforehand with MTU 1400, as an operator does it. */
  private TunTransport openProvisioned(String slot) throws Exception {
    String dev = lab.device(slot);
    provision(dev, 1400);
    return TunTransport.open(dev, 1400);
  }

  private <T> T onLoop(Supplier<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vrf.scheduler()
        .execute(
            () -> {
              try {
                done.complete(work.get());
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
    return done.get(10, TimeUnit.SECONDS);
  }

  private static void runIgnoringExit(String... command) throws InterruptedException {
    try {
      run(command);
    } catch (IOException e) {
      // Expected: nothing answers this one.
    }
  }
}
