package io.mvpn.net;

import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs bad input at a bounded rate: one line per interval, then a count of what was not logged, so
 * a flood of garbage costs a counter increment per datagram and not a log line. Each one is also
 * reported as a security event, when the VRF's owner gave it somewhere to report to.
 */
final class BadInputLog {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Logger log;
  private final Scheduler scheduler;
  private final String vrf;
  private long nextLogAt = Long.MIN_VALUE;
  private long suppressed;
  private volatile SecurityEvents events = SecurityEvents.NONE;
  private volatile String tenant;

  BadInputLog(Logger log, Scheduler scheduler, String vrf) {
    this.log = log;
    this.scheduler = scheduler;
    this.vrf = vrf;
  }

  void reportTo(SecurityEvents events, String tenant) {
    this.tenant = tenant;
    this.events = events;
  }

  void log(Interface ingress, MalformedPacketException e) {
    events.report(
        tenant,
        "vrf/" + vrf,
        ingress == null ? "" : ingress.name(),
        "malformed",
        e.reason().name().toLowerCase() + ": " + e.getMessage());
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
