package io.mvpn.fabric.tenant;

import io.mvpn.api.Listeners;
import io.mvpn.api.MvpnId;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantEvent;
import io.mvpn.api.tenant.TenantListener;
import io.mvpn.api.tenant.TenantService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks the tenant services as they come and go. Two configurations naming the same tenant id are
 * a configuration error: the first one keeps the id, the second is reported and stands by until the
 * first goes, rather than letting two realms silently merge.
 */
@Component(immediate = true, service = TenantService.class)
public final class TenantManager implements TenantService {

  private static final Logger LOG = LoggerFactory.getLogger(TenantManager.class);

  /** Every tenant service by id, in arrival order; the first of each list is the one in force. */
  private final Map<MvpnId, List<Tenant>> tenants = new TreeMap<>();

  private final Listeners<TenantListener> listeners = new Listeners<>("tenant events");

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      service = Tenant.class)
  void addTenant(Tenant tenant) {
    boolean inForce;
    synchronized (this) {
      List<Tenant> sameId = tenants.computeIfAbsent(tenant.id(), id -> new ArrayList<>(1));
      sameId.add(tenant);
      inForce = sameId.size() == 1;
    }
    if (inForce) {
      post(new TenantEvent(TenantEvent.Type.ADDED, tenant));
    } else {
      LOG.error("tenant id {} is configured twice; keeping the first configuration", tenant.id());
    }
  }

  void removeTenant(Tenant tenant) {
    Tenant successor = null;
    boolean wasInForce;
    synchronized (this) {
      List<Tenant> sameId = tenants.get(tenant.id());
      if (sameId == null) {
        return;
      }
      wasInForce = sameId.get(0) == tenant;
      sameId.remove(tenant);
      if (sameId.isEmpty()) {
        tenants.remove(tenant.id());
      } else if (wasInForce) {
        successor = sameId.get(0);
      }
    }
    if (wasInForce) {
      post(new TenantEvent(TenantEvent.Type.REMOVED, tenant));
    }
    if (successor != null) {
      LOG.warn("tenant id {}: the standby configuration takes over", tenant.id());
      post(new TenantEvent(TenantEvent.Type.ADDED, successor));
    }
  }

  @Override
  public void addListener(TenantListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(TenantListener listener) {
    listeners.remove(listener);
  }

  /** Outside the lock, so a listener may call back into this service. */
  private void post(TenantEvent event) {
    listeners.tell(l -> l.event(event));
  }

  @Override
  public synchronized List<Tenant> getTenants() {
    return tenants.values().stream().map(sameId -> sameId.get(0)).toList();
  }

  @Override
  public synchronized Optional<Tenant> getTenant(MvpnId id) {
    return Optional.ofNullable(tenants.get(id)).map(sameId -> sameId.get(0));
  }
}
