package io.mvpn.rest.internal;

import io.mvpn.rest.HandoverHistory;
import io.mvpn.rest.TrafficHistory;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the dashboard's histories from the appliance: the bindings four times a second (so a
 * handover reaches the page within about a second of its poll), the traffic counters and the
 * foreign agents' addresses once a second. On the wall clock: the dashboard shows wall-clock times,
 * and nothing here takes part in a protocol.
 */
final class DashboardSampler implements AutoCloseable {

  static final long TICK_MILLIS = 250;

  /** Ticks per traffic sample: one a second. */
  static final int TICKS_PER_SAMPLE = 4;

  private static final long ERROR_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(DashboardSampler.class);

  private final ServiceView view;
  private final ServiceView.Configured configured;
  private final HandoverHistory handovers;
  private final TrafficHistory traffic;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private Map<String, String> agentsByCareOf = Map.of();
  private long ticks;
  private long lastErrorLogged;

  DashboardSampler(
      ServiceView view,
      ServiceView.Configured configured,
      HandoverHistory handovers,
      TrafficHistory traffic,
      Clock clock) {
    this.view = view;
    this.configured = configured;
    this.handovers = handovers;
    this.traffic = traffic;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mvpn-rest-dashboard");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      Instant now = clock.instant();
      boolean sample = ticks++ % TICKS_PER_SAMPLE == 0;
      if (sample) {
        agentsByCareOf = configured.foreignAgentsByCareOf();
      }
      Set<String> tenants = view.tenantNames();
      handovers.observe(now, tenants, view.locations(tenants, agentsByCareOf));
      if (sample) {
        traffic.record(now, tenants, TrafficHistory.totals(view.counters()));
      }
    } catch (RuntimeException e) {
      // A function going away under a look; the next tick looks again. A scheduled task that
      // throws would never run again, so nothing may leave here.
      long now = System.nanoTime();
      if (lastErrorLogged == 0 || now - lastErrorLogged >= ERROR_LOG_INTERVAL_NANOS) {
        lastErrorLogged = now;
        LOG.warn("dashboard: a look at the appliance failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
