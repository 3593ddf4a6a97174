package io.mvpn.api.events;

import java.util.List;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * What a function hands its engines: reports go to the {@link SecurityEvents} service bound right
 * now, and nowhere while none is. The function keeps the service in an optional, dynamic reference
 * (a volatile field), so an update of the service's bundle never stops its engines.
 */
public final class SecurityEventsRelay implements SecurityEvents {

  private final Supplier<SecurityEvents> bound;

  /**
   * @param bound the service bound now, or null
   */
  public SecurityEventsRelay(Supplier<SecurityEvents> bound) {
    this.bound = bound;
  }

  private SecurityEvents target() {
    SecurityEvents service = bound.get();
    return service == null ? NONE : service;
  }

  @Override
  public void report(String tenant, String function, String source, String reason, String detail) {
    target().report(tenant, function, source, reason, detail);
  }

  @Override
  public List<SecurityEvent> recent(int limit, String tenant) {
    return target().recent(limit, tenant);
  }

  @Override
  public SortedMap<String, Long> totals() {
    return target().totals();
  }
}
