package io.mvpn.api.tenant;

import java.util.Objects;

/**
 * A tenant came into force or left. When a duplicate configuration takes over an id, listeners see
 * the old tenant's REMOVED and then the new one's ADDED.
 */
public record TenantEvent(Type type, Tenant tenant) {

  public enum Type {
    ADDED,
    REMOVED
  }

  public TenantEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenant, "tenant");
  }
}
