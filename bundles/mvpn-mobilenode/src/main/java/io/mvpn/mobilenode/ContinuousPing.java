package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Vrf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mobile node's application traffic: an ICMP echo to one target at a fixed interval from
 * whichever attachment is active, with every reply's round trip and arrival time kept, so that loss
 * and the interruption of each handover can be read off afterwards.
 */
public final class ContinuousPing {

  /** One echo: when it was sent, and when its reply came (-1: none). */
  public record Echo(int sequence, long sentAtNanos, long repliedAtNanos) {}

  private final MobileNode node;
  private final Ipv4Address target;
  private final int identifier;
  private final long intervalNanos;
  private final Scheduler scheduler;
  private final List<long[]> echoes = new ArrayList<>();
  private Scheduler.Timer timer;
  private long notSent;

  public ContinuousPing(
      MobileNode node,
      Ipv4Address target,
      int identifier,
      long interval,
      TimeUnit unit,
      Scheduler scheduler) {
    this.node = node;
    this.target = target;
    this.identifier = identifier & 0xFFFF;
    this.intervalNanos = unit.toNanos(interval);
    this.scheduler = scheduler;
    for (MobileNode.Attachment a : node.attachments()) {
      a.vrf().listenForEchoReplies(this.identifier, (v, reply) -> onReply(reply.sequence()));
    }
  }

  public void start() {
    tick();
  }

  public void stop() {
    if (timer != null) {
      timer.cancel();
    }
  }

  private void tick() {
    if (node.connected() && echoes.size() < 0xFFFF) {
      Vrf vrf = node.active().vrf();
      int sequence = echoes.size();
      echoes.add(new long[] {scheduler.nanoTime(), -1});
      vrf.ping(target, identifier, sequence, Unpooled.EMPTY_BUFFER);
    } else {
      notSent++;
    }
    timer = scheduler.schedule(intervalNanos, TimeUnit.NANOSECONDS, this::tick);
  }

  private void onReply(int sequence) {
    if (sequence < echoes.size() && echoes.get(sequence)[1] < 0) {
      echoes.get(sequence)[1] = scheduler.nanoTime();
    }
  }

  public List<Echo> echoes() {
    List<Echo> all = new ArrayList<>(echoes.size());
    for (int i = 0; i < echoes.size(); i++) {
      all.add(new Echo(i, echoes.get(i)[0], echoes.get(i)[1]));
    }
    return all;
  }

  public long sent() {
    return echoes.size();
  }

  public long received() {
    return echoes.stream().filter(e -> e[1] >= 0).count();
  }

  /** Ticks when the node had no working attachment (moving, not yet registered). */
  public long notSent() {
    return notSent;
  }

  /**
   * The interruption of a handover that began at {@code atNanos}: until the first reply to an echo
   * sent after it; -1 if none came.
   */
  public long interruptionAfter(long atNanos) {
    long first = Long.MAX_VALUE;
    for (long[] e : echoes) {
      if (e[0] >= atNanos && e[1] >= 0) {
        first = Math.min(first, e[1]);
      }
    }
    return first == Long.MAX_VALUE ? -1 : first - atNanos;
  }
}
