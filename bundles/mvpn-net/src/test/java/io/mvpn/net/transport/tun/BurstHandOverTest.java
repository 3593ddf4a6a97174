package io.mvpn.net.transport.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** The bound on packets the TUN readers hand to a VRF that has not taken them yet. */
class BurstHandOverTest {

  private final Queue<Runnable> vrfTasks = new ArrayDeque<>();
  private final List<ByteBuf> received = new ArrayList<>();
  private final List<ReaderStage.Result> staged = new ArrayList<>();
  private int overrunsCounted;

  private BurstHandOver handOver(int limit) {
    return new BurstHandOver(
        vrfTasks::add, received::add, staged::add, () -> overrunsCounted++, limit);
  }

  private static ByteBuf[] burst(int count) {
    ByteBuf[] packets = new ByteBuf[count];
    for (int i = 0; i < count; i++) {
      packets[i] = Unpooled.directBuffer(1500).writeByte(0x45).writeByte(i);
    }
    return packets;
  }

  private void runVrf() {
    for (Runnable task; (task = vrfTasks.poll()) != null; ) {
      task.run();
    }
  }

  @Test
  void aFloodFasterThanTheVrfIsDroppedAboveTheBoundAndCountedAsOverruns() {
    BurstHandOver h = handOver(64);
    List<ByteBuf> all = new ArrayList<>();
    for (int b = 0; b < 10; b++) { // 320 packets read while the VRF takes none
      ByteBuf[] packets = burst(32);
      all.addAll(List.of(packets));
      h.handOver(packets, 32);
    }

    assertThat(h.inFlight()).isEqualTo(64);
    assertThat(h.overruns()).isEqualTo(256);
    assertThat(all.stream().filter(p -> p.refCnt() > 0)).hasSize(64); // the rest freed at once

    runVrf();
    assertThat(received).hasSize(64);
    assertThat(overrunsCounted).isEqualTo(256); // on the VRF's thread, with the burst it took
    assertThat(h.inFlight()).isZero();

    ByteBuf[] after = burst(32);
    h.handOver(after, 32);
    runVrf();
    assertThat(received).hasSize(96); // room again once the VRF caught up
    assertThat(h.overruns()).isEqualTo(256);
  }

  @Test
  void aReceiverThatThrowsLeavesNoBufferOfTheBurstHeld() {
    List<ByteBuf> taken = new ArrayList<>();
    BurstHandOver h =
        new BurstHandOver(
            vrfTasks::add,
            p -> {
              taken.add(p);
              if (taken.size() == 2) {
                throw new IllegalStateException("a handler's bug");
              }
              p.release();
            },
            staged::add,
            () -> {},
            64);
    ByteBuf[] packets = burst(5);
    h.handOver(packets, 5);

    assertThatThrownBy(this::runVrf).isInstanceOf(IllegalStateException.class);
    assertThat(taken).hasSize(2);
    for (int i = 2; i < 5; i++) {
      assertThat(packets[i].refCnt()).as("packet %d", i).isZero();
    }
    assertThat(h.inFlight()).isZero();
  }

  /** A stage's result that remembers whether it ran or was discarded. */
  private static final class Outcome implements ReaderStage.Result {
    boolean ran;
    boolean discarded;

    @Override
    public void onLoop(Interface ingress) {
      ran = true;
    }

    @Override
    public void discard() {
      discarded = true;
    }
  }

  @Test
  void aStagesResultsTravelInTheBurstInOrderAndAreDiscardedAboveTheBound() {
    BurstHandOver h = handOver(3);
    Outcome first = new Outcome();
    Outcome last = new Outcome();
    ByteBuf[] raw = burst(2);
    h.handOver(new Object[] {first, raw[0], raw[1], last}, 4);

    assertThat(last.discarded).isTrue(); // the fourth of a bound of 3: an overrun
    assertThat(h.overruns()).isEqualTo(1);
    runVrf();
    assertThat(staged).containsExactly(first);
    assertThat(received).containsExactly(raw[0], raw[1]);
    assertThat(first.discarded).isFalse();
    assertThat(h.inFlight()).isZero();
    raw[0].release();
    raw[1].release();
  }

  @Test
  void aStagesResultIsDiscardedWhenTheVrfNoLongerTakesTasks() {
    BurstHandOver h =
        new BurstHandOver(
            t -> {
              throw new java.util.concurrent.RejectedExecutionException("stopped");
            },
            received::add,
            staged::add,
            () -> {},
            8);
    Outcome one = new Outcome();
    ByteBuf[] raw = burst(1);
    h.handOver(new Object[] {one, raw[0]}, 2);

    assertThat(one.discarded).isTrue();
    assertThat(raw[0].refCnt()).isZero();
    assertThat(h.inFlight()).isZero();
  }
}
