package io.mvpn.api.tenant;

/** Told of each tenant that comes into force or leaves; called on the thread that changed it. */
@FunctionalInterface
public interface TenantListener {

  void event(TenantEvent event);
}
