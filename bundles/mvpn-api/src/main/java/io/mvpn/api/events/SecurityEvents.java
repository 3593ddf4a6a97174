package io.mvpn.api.events;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where functions report what they refused. The service keeps a bounded ring of the recent events
 * and every reason's total, and logs events at a bounded rate (logger {@code io.mvpn.security}), so
 * a flood of bad input costs a report call per datagram, never a log line per datagram.
 *
 * <p>Reasons in use: {@code mn-ha-auth-failed} (RFC 5944 code 131), {@code fa-ha-auth-failed}
 * (132), {@code replay} (133), {@code malformed} (a datagram a parser refused), {@code
 * siu-refused}, {@code ike-auth-failed}, {@code ike-refused}, {@code esp-icv-failed}, {@code
 * esp-replay}, {@code esp-unknown-spi}. Implementations are thread-safe; {@link #report} never
 * blocks on I/O.
 */
public interface SecurityEvents {

  /** Records one event, stamped with the service's clock. */
  void report(String tenant, String function, String source, String reason, String detail);

  /** The most recent events, oldest first: at most {@code limit}, of one tenant if not null. */
  List<SecurityEvent> recent(int limit, String tenant);

  /** How many events of each reason were reported since the service started. */
  SortedMap<String, Long> totals();

  /** Takes reports and keeps nothing: for engines that run without the service (tests, tools). */
  SecurityEvents NONE =
      new SecurityEvents() {
        @Override
        public void report(
            String tenant, String function, String source, String reason, String detail) {}

        @Override
        public List<SecurityEvent> recent(int limit, String tenant) {
          return List.of();
        }

        @Override
        public SortedMap<String, Long> totals() {
          return new TreeMap<>();
        }
      };
}
