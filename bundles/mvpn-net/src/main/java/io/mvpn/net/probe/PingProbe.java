package io.mvpn.net.probe;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.icmp.IcmpMessage;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@code count} ICMP echo requests from a VRF at a fixed interval and measures each reply's
 * round-trip time on the VRF's scheduler clock. The report completes when every reply is in or a
 * timeout after the last request, whichever comes first.
 */
public final class PingProbe {

  private final Vrf vrf;
  private final Ipv4Address target;
  private final int identifier;
  private final int count;
  private final long intervalNanos;
  private final long timeoutNanos;
  private final int payloadSize;
  private final long[] sentAt;
  private final long[] rtt;
  private final CompletableFuture<ProbeReport> report = new CompletableFuture<>();
  private Registration listening;
  private int sent;
  private int received;
  private long duplicates;

  private PingProbe(
      Vrf vrf,
      Ipv4Address target,
      int identifier,
      int count,
      long intervalNanos,
      long timeoutNanos,
      int payloadSize) {
    if (count < 1 || count > 0xFFFF) {
      throw new IllegalArgumentException("count " + count + " outside 1..65535");
    }
    this.vrf = vrf;
    this.target = target;
    this.identifier = identifier & 0xFFFF;
    this.count = count;
    this.intervalNanos = intervalNanos;
    this.timeoutNanos = timeoutNanos;
    this.payloadSize = payloadSize;
    this.sentAt = new long[count];
    this.rtt = new long[count];
    Arrays.fill(rtt, -1);
  }

  /** Starts the probe on the VRF's scheduler (safe to call from any thread). */
  public static PingProbe start(
      Vrf vrf,
      Ipv4Address target,
      int identifier,
      int count,
      long interval,
      long timeout,
      TimeUnit unit,
      int payloadSize) {
    PingProbe probe =
        new PingProbe(
            vrf,
            target,
            identifier,
            count,
            unit.toNanos(interval),
            unit.toNanos(timeout),
            payloadSize);
    vrf.scheduler().execute(probe::begin);
    return probe;
  }

  public CompletableFuture<ProbeReport> report() {
    return report;
  }

  private void begin() {
    listening = vrf.listenForEchoReplies(identifier, (v, reply) -> onReply(reply));
    sendNext();
  }

  private void sendNext() {
    int sequence = sent;
    ByteBuf payload = vrf.alloc().buffer(payloadSize);
    for (int i = 0; i < payloadSize; i++) {
      payload.writeByte(i);
    }
    sentAt[sequence] = vrf.scheduler().nanoTime();
    sent++;
    try {
      vrf.ping(target, identifier, sequence, payload);
    } finally {
      payload.release();
    }
    if (sent < count) {
      vrf.scheduler().schedule(intervalNanos, TimeUnit.NANOSECONDS, this::sendNext);
    } else {
      vrf.scheduler().schedule(timeoutNanos, TimeUnit.NANOSECONDS, this::finish);
    }
  }

  private void onReply(IcmpMessage reply) {
    int sequence = reply.sequence();
    if (sequence >= sent || report.isDone()) {
      return;
    }
    if (rtt[sequence] >= 0) {
      duplicates++;
      return;
    }
    rtt[sequence] = vrf.scheduler().nanoTime() - sentAt[sequence];
    received++;
    if (received == count) {
      finish();
    }
  }

  private void finish() {
    if (report.isDone()) {
      return;
    }
    listening.close();
    report.complete(ProbeReport.of(target, sent, rtt, duplicates));
  }
}
