package io.mvpn.net.transport.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader stage between a TUN reader's burst and the VRF: taken packets arrive as results. */
class ReaderStageTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final Vrf vrf = new Vrf("outside", time, ByteBufAllocator.DEFAULT);
  private final Interface tun =
      vrf.addInterface("tun0", Ipv4Address.parse("198.51.100.1"), 24, new Idle());
  private final List<String> onLoop = new ArrayList<>();
  private final List<String> threads = new ArrayList<>();
  private final BurstHandOver handOver =
      new BurstHandOver(time::execute, tun::receive, tun::receive, () -> {}, 64);

  /** Takes the packets whose second byte is odd, and leaves the others to the VRF. */
  private final ReaderStage oddOnly =
      (ingress, packet) -> {
        threads.add(Thread.currentThread().getName());
        int mark = packet.getUnsignedByte(packet.readerIndex() + 1);
        if (mark % 2 == 0) {
          return null;
        }
        packet.release();
        return new ReaderStage.Result() {
          @Override
          public void onLoop(Interface ingress) {
            onLoop.add("packet " + mark + " on " + ingress.name());
          }

          @Override
          public void discard() {
            onLoop.add("discarded " + mark);
          }
        };
      };

  @Test
  void withoutAStageEveryPacketReachesTheVrfAsItIs() {
    ReaderBurst burst = new ReaderBurst(handOver, tun);
    ByteBuf packet = packet(1);
    burst.add(packet);
    burst.handOver();
    time.runUntilIdle();

    assertThat(packet.refCnt()).isZero(); // parsed and dropped by the VRF (a runt), as today
    assertThat(tun.counters().received()).isEqualTo(1);
    assertThat(onLoop).isEmpty();
  }

  @Test
  void aStageTakesWhatItWantsOnTheReaderAndItsResultRunsOnTheLoopInOrder() {
    tun.setReaderStage(oddOnly);
    ReaderBurst burst = new ReaderBurst(handOver, tun);
    ByteBuf even = packet(2);
    burst.add(packet(1));
    burst.add(even);
    burst.add(packet(3));

    assertThat(threads).hasSize(3).containsOnly(Thread.currentThread().getName());
    assertThat(onLoop).isEmpty(); // nothing on the loop before the burst is handed over
    burst.handOver();
    time.runUntilIdle();

    assertThat(onLoop).containsExactly("packet 1 on tun0", "packet 3 on tun0");
    assertThat(even.refCnt()).isZero();
    assertThat(tun.counters().received()).isEqualTo(3);
    assertThat(vrf.counters().delivered()).isEqualTo(2);
  }

  @Test
  void aResultForAnInterfaceThatWentDownIsDiscardedAndCounted() {
    tun.setReaderStage(oddOnly);
    ReaderBurst burst = new ReaderBurst(handOver, tun);
    burst.add(packet(5));
    tun.setUp(false);
    burst.handOver();
    time.runUntilIdle();

    assertThat(onLoop).containsExactly("discarded 5");
  }

  @Test
  void aReaderThatStopsDiscardsTheResultsItStillHeld() {
    tun.setReaderStage(oddOnly);
    ReaderBurst burst = new ReaderBurst(handOver, tun);
    ByteBuf even = packet(4);
    burst.add(packet(7));
    burst.add(even);
    burst.release();

    assertThat(onLoop).containsExactly("discarded 7");
    assertThat(even.refCnt()).isZero();
  }

  @Test
  void aCaptureSeesThePacketsAsTheyArrivedSoTheStageStandsAside(@TempDir Path dir)
      throws Exception {
    tun.setReaderStage(oddOnly);
    tun.startCapture(dir.resolve("tun0.pcapng"), 0);
    ReaderBurst burst = new ReaderBurst(handOver, tun);
    burst.add(packet(9));
    burst.handOver();
    time.runUntilIdle();

    assertThat(threads).isEmpty();
    assertThat(onLoop).isEmpty();
    assertThat(tun.stopCapture()).isEqualTo(1);
    assertThat(Files.size(dir.resolve("tun0.pcapng"))).isPositive();
    tun.setReaderStage(null);
  }

  @Test
  void aStageThatThrowsLosesThatPacketButNotTheReader() {
    tun.setReaderStage(
        (ingress, packet) -> {
          throw new IllegalStateException("a stage's bug");
        });
    ReaderBurst burst = new ReaderBurst(handOver, tun);
    ByteBuf lost = packet(11);
    burst.add(lost);
    tun.setReaderStage(null);
    ByteBuf next = packet(12);
    burst.add(next);
    burst.handOver();
    time.runUntilIdle();

    assertThat(lost.refCnt()).isZero();
    assertThat(tun.counters().received()).isEqualTo(1); // the next one, as without a stage
  }

  /** An IPv4-looking packet whose second byte marks it. */
  private static ByteBuf packet(int mark) {
    return Unpooled.directBuffer(64).writeByte(0x45).writeByte(mark).writeZero(18);
  }

  private static final class Idle implements Transport {
    @Override
    public void attach(Interface owner) {}

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      datagram.release();
    }

    @Override
    public int mtu() {
      return 1500;
    }

    @Override
    public String describe() {
      return "idle";
    }

    @Override
    public void close() {}
  }
}
