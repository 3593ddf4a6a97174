package io.mvpn.store.events;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's {@link SecurityEvents}: it lives in the store bundle, so the recent events and
 * totals outlive an update of the function that reported them. Lines go to the logger {@code
 * io.mvpn.security}, which the appliance's {@code etc/org.ops4j.pax.logging.cfg} sends to {@code
 * data/log/security.log}: at most 10 a second, 5 of one reason, and a summary of the rest.
 */
@Component(immediate = true, service = SecurityEvents.class)
public final class SecurityEventLog implements SecurityEvents {

  /** The logger operators route; its name is part of the appliance's interface. */
  public static final String LOGGER = "io.mvpn.security";

  static final int CAPACITY = 4096;
  static final int LINES_PER_SECOND = 10;
  static final int LINES_PER_REASON = 5;

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final SecurityEventJournal journal =
      new SecurityEventJournal(
          CAPACITY,
          new LogRateLimiter(1, TimeUnit.SECONDS, LINES_PER_SECOND, LINES_PER_REASON),
          // Wall-clock nanoseconds: the limiter's windows are then the log's seconds.
          () -> System.currentTimeMillis() * 1_000_000L,
          Instant::now,
          LOG::warn);

  private ScheduledExecutorService flusher;

  @Activate
  void activate() {
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mvpn-security-events");
              t.setDaemon(true);
              return t;
            });
    // The summary of a window must appear even when the flood that filled it has stopped.
    flusher.scheduleWithFixedDelay(journal::flush, 250, 250, TimeUnit.MILLISECONDS);
  }

  @Deactivate
  void deactivate() {
    flusher.shutdownNow();
    journal.flush();
  }

  @Override
  public void report(String tenant, String function, String source, String reason, String detail) {
    journal.report(tenant, function, source, reason, detail);
  }

  @Override
  public List<SecurityEvent> recent(int limit, String tenant) {
    return journal.recent(limit, tenant);
  }

  @Override
  public SortedMap<String, Long> totals() {
    return journal.totals();
  }
}
