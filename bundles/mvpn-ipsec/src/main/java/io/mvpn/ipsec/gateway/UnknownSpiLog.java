package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Says in the log, once per SPI, that ESP arrived for an SPI no SA has, and from where, so a client
 * whose traffic goes nowhere (keys it believes in, SAs the gateway lost in a restart) is not a
 * silent counter. Only the most recent {@link #REMEMBERED} SPIs are remembered, and at most {@link
 * #LINES_PER_INTERVAL} of those lines are written every ten seconds (the next one says how many
 * were left out), so a flood of random SPIs costs bounded memory and a bounded log.
 */
final class UnknownSpiLog {

  static final int REMEMBERED = 256;

  static final int LINES_PER_INTERVAL = 10;

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Map<Integer, Boolean> logged =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };
  private final String gateway;
  private final Logger log;
  private final Scheduler scheduler;
  private long intervalStart;
  private int linesInInterval;
  private long leftOut;
  private long leftOutTotal;

  UnknownSpiLog(String gateway, Logger log, Scheduler scheduler) {
    this.gateway = gateway;
    this.log = log;
    this.scheduler = scheduler;
    this.intervalStart = scheduler.nanoTime();
  }

  /**
   * True the first time {@code spi} is seen (since it was last forgotten); a line if the rate
   * allows.
   */
  boolean report(int spi, Ipv4Address source) {
    if (logged.put(spi, Boolean.TRUE) != null) {
      log.debug("{}: ESP spi 0x{} from {} dropped again: no SA", gateway, hex(spi), source);
      return false;
    }
    if (!mayLog()) {
      leftOut++;
      leftOutTotal++;
      log.debug("{}: ESP spi 0x{} from {} dropped: no SA", gateway, hex(spi), source);
      return true;
    }
    log.info(
        "{}: ESP spi 0x{} from {} dropped: no SA has that SPI (counted as unknown_spi){}",
        gateway,
        hex(spi),
        source,
        leftOut == 0 ? "" : "; " + leftOut + " more such SPIs not logged");
    leftOut = 0;
    return true;
  }

  /** First sightings of SPIs that the rate kept out of the log. */
  long notLogged() {
    return leftOutTotal;
  }

  private boolean mayLog() {
    long now = scheduler.nanoTime();
    if (now - intervalStart >= INTERVAL_NANOS) {
      intervalStart = now;
      linesInInterval = 0;
    }
    return linesInInterval++ < LINES_PER_INTERVAL;
  }

  private static String hex(int spi) {
    return String.format("%08x", spi);
  }
}
