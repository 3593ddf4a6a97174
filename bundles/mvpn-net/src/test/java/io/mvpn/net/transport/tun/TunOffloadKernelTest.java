package io.mvpn.net.transport.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel as the oracle of segmentation offload: a VRF routes between two TUN devices with
 * offload, each moved into a namespace of its own; the sender's kernel hands the VRF TSO and USO
 * super-packets, which the transport cuts into segments, and the VRF's forwarded segments are
 * joined again before the receiver's kernel takes them. A bulk TCP stream arrives with the sha256
 * it was sent with, and a UDP GSO send arrives as the datagrams it stands for. Needs root (run
 * under flock /tmp/mvpn-netns.lock).
 */
class TunOffloadKernelTest {

  private static final String SENDER = "10.201.1.1";
  private static final String RECEIVER = "10.201.2.1";
  private static final int PORT = 5001;

  /** Prints the sha256 and length of what one TCP connection to PORT carries. */
  private static final String TCP_SINK =
      "import socket,hashlib\n"
          + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
          + "s.bind(('"
          + RECEIVER
          + "',"
          + PORT
          + ")); s.listen(1); s.settimeout(60)\n"
          + "c,_=s.accept(); c.settimeout(60); h=hashlib.sha256(); n=0\n"
          + "while True:\n"
          + "  b=c.recv(1<<20)\n"
          + "  if not b: break\n"
          + "  h.update(b); n+=len(b)\n"
          + "print(h.hexdigest(), n, flush=True)\n";

  /** Sends 24 MiB of seeded pseudo-random bytes and prints their sha256 and length. */
  private static final String TCP_SOURCE =
      "import socket,hashlib,random,time\n"
          + "data=random.Random(7).randbytes(24<<20)\n"
          + "for i in range(100):\n"
          + "  try:\n"
          + "    s=socket.create_connection(('"
          + RECEIVER
          + "',"
          + PORT
          + "),timeout=5); break\n"
          + "  except OSError: time.sleep(0.1)\n"
          + "s.settimeout(60); s.sendall(data); s.close()\n"
          + "print(hashlib.sha256(data).hexdigest(), len(data), flush=True)\n";

  /** Receives datagrams on PORT until 2 s pass without one; prints their sizes. */
  private static final String UDP_SINK =
      "import socket\n"
          + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('"
          + RECEIVER
          + "',"
          + PORT
          + ")); s.settimeout(20); sizes=[]\n"
          + "try:\n"
          + "  while True:\n"
          + "    b=s.recv(65535); sizes.append(len(b)); s.settimeout(2)\n"
          + "except socket.timeout: pass\n"
          + "print(sizes, flush=True)\n";

  /** One send of 3000 bytes with UDP_SEGMENT 1000 (USO): three datagrams on the wire. */
  private static final String UDP_GSO_SOURCE =
      "import socket,time\n"
          + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.setsockopt(17,103,1000)\n"
          + "time.sleep(1); s.sendto(bytes(range(250))*12,('"
          + RECEIVER
          + "',"
          + PORT
          + "))\n";

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private NamespaceLab lab;
  private Vrf vrf;
  private TunTransport senderSide;
  private TunTransport receiverSide;
  private String senderNs;
  private String receiverNs;

  @BeforeEach
  void twoNamespacesRoutedThroughAVrf() throws Exception {
    KernelLab.requireKernel("python3");
    lab = new NamespaceLab("mvo");
    vrf = new Vrf("offload", new EventLoopScheduler(group.next()), ByteBufAllocator.DEFAULT);
    String a = lab.device("a");
    String b = lab.device("b");
    senderSide = TunTransport.open(a, 1400, 1, true);
    receiverSide = TunTransport.open(b, 1400, 1, true);
    KernelLab.onLoop(
        vrf.scheduler(),
        () -> {
          vrf.addInterface("a", Ipv4Address.parse("10.201.1.2"), 24, senderSide);
          return vrf.addInterface("b", Ipv4Address.parse("10.201.2.2"), 24, receiverSide);
        });
    senderNs = lab.namespace("snd");
    receiverNs = lab.namespace("rcv");
    lab.moveInto(a, senderNs, SENDER + "/24");
    lab.moveInto(b, receiverNs, RECEIVER + "/24");
    lab.in(senderNs, "ip", "route", "add", "default", "via", "10.201.1.2");
    lab.in(receiverNs, "ip", "route", "add", "default", "via", "10.201.2.2");
  }

  @AfterEach
  void cleanUp() throws Exception {
    KernelLab.tearDown(vrf, lab, group);
  }

  @Test
  void aBulkTcpStreamCutFromSuperPacketsAndJoinedAgainArrivesWithTheSha256ItWasSentWith()
      throws Exception {
    Path received = Files.createTempFile("mvpn-offload-sink", ".txt");
    try {
      Process sink = receiver(TCP_SINK, 90, received);
      String sent = lab.in(senderNs, "timeout", "90", "python3", "-c", TCP_SOURCE).trim();
      assertThat(sink.waitFor(90, TimeUnit.SECONDS)).as("the receiver finished").isTrue();

      assertThat(Files.readString(received, StandardCharsets.US_ASCII).trim())
          .isEqualTo(sent)
          .endsWith(" " + (24 << 20));
    } finally {
      Files.deleteIfExists(received);
    }
    OffloadCounters read = senderSide.offloadCounters();
    OffloadCounters written = receiverSide.offloadCounters();
    assertThat(read.superPacketsRead()).as("TSO super-packets read: %s", read).isPositive();
    assertThat(read.segmentsSplit()).isGreaterThan(read.superPacketsRead());
    assertThat(written.coalescedWrites()).as("joined writes: %s", written).isPositive();
    assertThat(written.segmentsCoalesced()).isGreaterThan(written.coalescedWrites());
    assertThat(read.badHeaders() + written.badHeaders()).isZero();
    assertThat(senderSide.failure()).isNull();
    assertThat(receiverSide.failure()).isNull();
  }

  @Test
  void aUdpGsoSendReachesTheReceiverAsTheDatagramsItStandsFor() throws Exception {
    Path received = Files.createTempFile("mvpn-offload-udp", ".txt");
    try {
      Process sink = receiver(UDP_SINK, 40, received);
      lab.in(senderNs, "timeout", "20", "python3", "-c", UDP_GSO_SOURCE);
      assertThat(sink.waitFor(40, TimeUnit.SECONDS)).isTrue();

      assertThat(Files.readString(received, StandardCharsets.US_ASCII).trim())
          .isEqualTo("[1000, 1000, 1000]");
    } finally {
      Files.deleteIfExists(received);
    }
    Interface a = KernelLab.onLoop(vrf.scheduler(), () -> vrf.getInterface("a"));
    assertThat(KernelLab.onLoop(vrf.scheduler(), () -> a.counters().received())).isEqualTo(3);
    assertThat(senderSide.offloadCounters().superPacketsRead())
        .as("USO needs Linux 6.2; %s", senderSide.offloadCounters())
        .isEqualTo(1);
  }

  /** Starts a Python program in the receiver's namespace, bounded, its output into a file. */
  private Process receiver(String script, int seconds, Path output) throws Exception {
    return lab.start(
        receiverNs,
        ProcessBuilder.Redirect.to(output.toFile()),
        "timeout",
        Integer.toString(seconds),
        "python3",
        "-c",
        script);
  }
}
