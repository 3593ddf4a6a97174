package io.mvpn.ipsec.gateway;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.ipsec.esp.EspException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a security gateway counts ({@link GatewayCounter}, and ESP refusals by reason). With a
 * {@link CounterStore} the counters live there, in scope {@code securitygateway/<name>}, so a new
 * engine after an update of the gateway goes on from the same totals; without one they live and die
 * with the engine. Counters are lock-free adds, safe to read from any thread.
 */
public final class GatewayCounts {

  private final Counter[] counters = new Counter[GatewayCounter.values().length];
  private final Map<EspException.Reason, Counter> refusals =
      new EnumMap<>(EspException.Reason.class);

  /** Counters of the engine's own. */
  public GatewayCounts() {
    this(null, "");
  }

  public GatewayCounts(CounterStore store, String scope) {
    for (GatewayCounter c : GatewayCounter.values()) {
      counters[c.ordinal()] = counter(store, scope, name(c.name()));
    }
    for (EspException.Reason r : EspException.Reason.values()) {
      refusals.put(r, counter(store, scope, "refused-" + name(r.name())));
    }
  }

  /** The scope of a gateway's counters in the store. */
  public static String scope(String gateway) {
    return "securitygateway/" + gateway;
  }

  private static String name(String constant) {
    return constant.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Counter counter(CounterStore store, String scope, String name) {
    return store == null ? Counter.standalone() : store.counter(scope, name);
  }

  void count(GatewayCounter c) {
    counters[c.ordinal()].increment();
  }

  void refuse(EspException.Reason reason) {
    count(GatewayCounter.ESP_REFUSED);
    refusals.get(reason).increment();
  }

  public long get(GatewayCounter c) {
    return counters[c.ordinal()].get();
  }

  /** ESP packets refused by the gateway's SAs, per reason: the reasons seen at least once. */
  public Map<EspException.Reason, Long> refusals() {
    Map<EspException.Reason, Long> seen = new EnumMap<>(EspException.Reason.class);
    refusals.forEach(
        (reason, counter) -> {
          if (counter.get() > 0) {
            seen.put(reason, counter.get());
          }
        });
    return seen;
  }
}
