package io.mvpn.ipsec.esp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NatKeepaliveTest {

  static final Ipv4Address LOCAL = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address PEER = Ipv4Address.parse("198.51.100.10");
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  final VirtualTimeScheduler time = new VirtualTimeScheduler();
  final CountingScheduler scheduler = new CountingScheduler(time);
  final List<Sent> sent = new ArrayList<>();
  final NatKeepalive keepalive = new NatKeepalive(LOCAL, PEER, scheduler, recorder());

  /** Notes each keepalive with the time it left. */
  NatKeepalive.Sender recorder() {
    return (src, dst, srcPort, dstPort, payload) ->
        sent.add(new Sent(time.nanoTime(), src, dst, srcPort, dstPort, payload.duplicate()));
  }

  record Sent(
      long at,
      Ipv4Address source,
      Ipv4Address destination,
      int sourcePort,
      int destinationPort,
      ByteBuf payload) {}

  @Test
  void sendsOneByteFfFromPort4500ToPort4500ExactlyAfterTwentySecondsIdle() {
    keepalive.start();
    time.runUntil(20 * SECOND - 1);
    assertThat(sent).isEmpty();
    time.runUntil(20 * SECOND);
    assertThat(sent).hasSize(1);
    assertThat(keepalive.sent()).isEqualTo(1);
    Sent k = sent.get(0);
    assertThat(k.at()).isEqualTo(20 * SECOND);
    assertThat(k.source()).isEqualTo(LOCAL);
    assertThat(k.destination()).isEqualTo(PEER);
    assertThat(k.sourcePort()).isEqualTo(4500);
    assertThat(k.destinationPort()).isEqualTo(4500);
    assertThat(ByteBufUtil.getBytes(k.payload())).containsExactly((byte) 0xFF);
    assertThat(EspInUdp.classify(k.payload())).isEqualTo(EspInUdp.Kind.KEEPALIVE);

    // Still idle: the next one another 20 s on, the keepalive itself counting as outbound.
    time.runUntil(40 * SECOND);
    assertThat(sent).extracting(Sent::at).containsExactly(20 * SECOND, 40 * SECOND);
  }

  @Test
  void noneWhileTrafficFlowsEveryFiveSecondsThenResumesTwentySecondsAfterTheLastPacket() {
    keepalive.start();
    long lastPacket = 0;
    for (long t = 5 * SECOND; t <= 100 * SECOND; t += 5 * SECOND) {
      time.runUntil(t);
      keepalive.outboundSent();
      lastPacket = t;
    }
    assertThat(sent).isEmpty();
    // One timer, re-armed for the rest of the idle time when it fires, not one per packet: 20
    // packets, and each re-arm covers at least 15 of the 100 s.
    assertThat(scheduler.scheduled).isLessThanOrEqualTo(1 + 100 / 15);

    time.runUntil(lastPacket + 20 * SECOND - 1);
    assertThat(sent).isEmpty();
    time.runUntil(lastPacket + 20 * SECOND);
    assertThat(sent).extracting(Sent::at).containsExactly(lastPacket + 20 * SECOND);
  }

  @Test
  void trafficJustBeforeTheTimerPushesTheKeepaliveBackByTheRestOfTheIdleTime() {
    keepalive.start();
    time.runUntil(19 * SECOND);
    keepalive.outboundSent();
    time.runUntil(39 * SECOND - 1);
    assertThat(sent).isEmpty();
    time.runUntil(39 * SECOND);
    assertThat(sent).extracting(Sent::at).containsExactly(39 * SECOND);
  }

  @Test
  void noneAfterStopAndNoTimerLeftBehind() {
    keepalive.start();
    time.runUntil(20 * SECOND);
    assertThat(sent).hasSize(1);
    keepalive.stop();
    assertThat(keepalive.running()).isFalse();
    assertThat(time.isIdle()).isTrue();
    time.runUntil(200 * SECOND);
    assertThat(sent).hasSize(1);

    // Started again (the tunnel came back): idle counts from the new start.
    time.runUntil(205 * SECOND);
    keepalive.start();
    keepalive.start(); // no second timer
    time.runUntil(225 * SECOND);
    assertThat(sent).extracting(Sent::at).containsExactly(20 * SECOND, 225 * SECOND);
  }

  @Test
  void intervalIsConfigurableAndAMovedTunnelSendsToItsNewEnds() {
    Ipv4Address newLocal = Ipv4Address.parse("203.0.113.99");
    NatKeepalive fast = new NatKeepalive(LOCAL, PEER, time, recorder(), 9, TimeUnit.SECONDS);
    fast.start();
    time.runUntil(9 * SECOND);
    fast.repoint(newLocal, PEER);
    time.runUntil(18 * SECOND);
    fast.stop();
    assertThat(sent).extracting(Sent::at).containsExactly(9 * SECOND, 18 * SECOND);
    assertThat(sent).extracting(Sent::source).containsExactly(LOCAL, newLocal);
    assertThat(fast.sent()).isEqualTo(2);

    assertThatThrownBy(
            () -> new NatKeepalive(LOCAL, PEER, time, (a, b, c, d, e) -> {}, 0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSenderThatStopsTheKeepaliveIsObeyed() {
    NatKeepalive[] self = new NatKeepalive[1];
    self[0] =
        new NatKeepalive(
            LOCAL,
            PEER,
            time,
            (src, dst, srcPort, dstPort, payload) -> {
              recorder().send(src, dst, srcPort, dstPort, payload);
              self[0].stop();
            });
    self[0].start();
    time.runUntil(100 * SECOND);
    assertThat(sent).hasSize(1);
    assertThat(time.isIdle()).isTrue();
  }

  /** Counts the timers set, to show that traffic does not set one per packet. */
  static final class CountingScheduler implements Scheduler {
    final Scheduler delegate;
    int scheduled;

    CountingScheduler(Scheduler delegate) {
      this.delegate = delegate;
    }

    @Override
    public long nanoTime() {
      return delegate.nanoTime();
    }

    @Override
    public Timer schedule(long delay, TimeUnit unit, Runnable task) {
      scheduled++;
      return delegate.schedule(delay, unit, task);
    }

    @Override
    public void execute(Runnable task) {
      delegate.execute(task);
    }

    @Override
    public boolean inEventLoop() {
      return delegate.inEventLoop();
    }
  }
}
