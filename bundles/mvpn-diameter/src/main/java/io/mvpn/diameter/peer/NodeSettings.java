package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.Capabilities;
import java.time.Duration;

/**
 * A node's identity and timers.
 *
 * @param identity what the node says in CER/CEA; its applications are the handlers' plus relay
 * @param watchdogInterval Tw (RFC 3539 §3.4.1: at least 6 s), jittered by up to ±2 s
 * @param reconnectInterval Tc (RFC 6733 §2.1): wait before connecting again after a failure
 * @param exchangeTimeout how long connect, CER/CEA, DPR/DPA and an accepted connection's CER may
 *     take
 * @param requestTimeout how long a request waits for its answer before it is failed over or failed
 * @param relay whether requests for other realms are relayed (§2.8.2)
 */
public record NodeSettings(
    Capabilities identity,
    Duration watchdogInterval,
    Duration reconnectInterval,
    Duration exchangeTimeout,
    Duration requestTimeout,
    boolean relay) {

  public static final Duration MIN_WATCHDOG = Duration.ofSeconds(6);
  public static final Duration WATCHDOG_JITTER = Duration.ofSeconds(2);

  public NodeSettings {
    if (watchdogInterval.compareTo(MIN_WATCHDOG) < 0) {
      throw new IllegalArgumentException("Tw " + watchdogInterval + " is below RFC 3539's 6 s");
    }
  }

  /** Defaults: Tw 30 s, Tc 30 s, 10 s exchanges, 10 s requests, no relaying. */
  public static NodeSettings of(Capabilities identity) {
    return new NodeSettings(
        identity,
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        false);
  }

  public NodeSettings withWatchdog(Duration tw) {
    return new NodeSettings(
        identity, tw, reconnectInterval, exchangeTimeout, requestTimeout, relay);
  }

  public NodeSettings withReconnect(Duration tc) {
    return new NodeSettings(identity, watchdogInterval, tc, exchangeTimeout, requestTimeout, relay);
  }

  public NodeSettings withRelay(boolean on) {
    return new NodeSettings(
        identity, watchdogInterval, reconnectInterval, exchangeTimeout, requestTimeout, on);
  }
}
