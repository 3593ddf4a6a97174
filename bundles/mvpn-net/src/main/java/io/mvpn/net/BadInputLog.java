package io.mvpn.net;

import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs bad input at a bounded rate: one line per interval, then a count of what was not logged, so
 * a flood of garbage costs a counter increment per datagram and not a log line.
 */
final class BadInputLog {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Logger log;
  private final Scheduler scheduler;
  private final String vrf;
  private long nextLogAt = Long.MIN_VALUE;
  private long suppressed;

  BadInputLog(Logger log, Scheduler scheduler, String vrf) {
    this.log = log;
    this.scheduler = scheduler;
    this.vrf = vrf;
  }

  void log(Interface ingress, MalformedPacketException e) {
    if (mayLog()) {
      log.warn(
          "{}: dropped a malformed datagram from {} ({}: {}){}",
          vrf,
          ingress == null ? "the VRF itself" : ingress.name(),
          e.reason(),
          e.getMessage(),
          suppressedNote());
    }
  }

  void handlerFailed(Ipv4Packet ip, RuntimeException e) {
    if (mayLog()) {
      log.error("{}: a handler failed on {}{}", vrf, ip, suppressedNote(), e);
    }
  }

  private boolean mayLog() {
    long now = scheduler.nanoTime();
    if (now < nextLogAt) {
      suppressed++;
      return false;
    }
    nextLogAt = now + INTERVAL_NANOS;
    return true;
  }

  private String suppressedNote() {
    if (suppressed == 0) {
      return "";
    }
    String note = "; " + suppressed + " more not logged";
    suppressed = 0;
    return note;
  }
}
