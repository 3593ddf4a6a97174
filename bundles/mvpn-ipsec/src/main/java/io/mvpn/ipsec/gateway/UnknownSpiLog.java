package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Says in the log, once per SPI, that ESP arrived for an SPI no SA has, and from where, so a client
 * whose traffic goes nowhere (keys it believes in, SAs the gateway lost in a restart) is not a
 * silent counter. Only the most recent {@link #REMEMBERED} SPIs are remembered, so a flood of
 * random SPIs costs bounded memory and, at worst, a log line per packet at debug level.
 */
final class UnknownSpiLog {

  static final int REMEMBERED = 256;

  private final Map<Integer, Boolean> logged =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };
  private final String gateway;
  private final Logger log;

  UnknownSpiLog(String gateway, Logger log) {
    this.gateway = gateway;
    this.log = log;
  }

  /** True, and a log line, the first time {@code spi} is seen (since it was last forgotten). */
  boolean report(int spi, Ipv4Address source) {
    if (logged.put(spi, Boolean.TRUE) != null) {
      log.debug("{}: ESP spi 0x{} from {} dropped again: no SA", gateway, hex(spi), source);
      return false;
    }
    log.info(
        "{}: ESP spi 0x{} from {} dropped: no SA has that SPI (counted as unknown_spi)",
        gateway,
        hex(spi),
        source);
    return true;
  }

  private static String hex(int spi) {
    return String.format("%08x", spi);
  }
}
