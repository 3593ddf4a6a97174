package io.mvpn.api.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing a function refused for a reason an operator should see: who sent it, which tenant and
 * function it concerned, why it was refused.
 *
 * @param time when the service received the report (wall-clock)
 * @param tenant the tenant it concerned, or {@link #NO_TENANT} on the public side before any tenant
 *     is known
 * @param function the reporting function and instance, such as {@code homeagent/acme} or {@code
 *     vrf/public}
 * @param source the sender: an address, {@code address:port}, or an interface name
 * @param reason a short, stable, lower-case name to count and filter by, such as {@code
 *     mn-ha-auth-failed} (see {@link SecurityEvents} for the names in use)
 * @param detail free text: what was wrong, for a human
 */
public record SecurityEvent(
    Instant time, String tenant, String function, String source, String reason, String detail) {

  /** The tenant of an event that concerns none. */
  public static final String NO_TENANT = "-";

  public SecurityEvent {
    Objects.requireNonNull(time, "time");
    tenant = tenant == null || tenant.isBlank() ? NO_TENANT : tenant;
    function = Objects.requireNonNull(function, "function");
    source = source == null ? "" : source;
    reason = Objects.requireNonNull(reason, "reason");
    detail = detail == null ? "" : detail;
  }
}
