package io.mvpn.dispatcher.internal;

import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.net.FabricService;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import java.util.LinkedHashSet;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the dispatcher on the appliance's public VRF and follows the tunnel endpoints (the tenants'
 * home agents) as their services come and go.
 */
@Component(immediate = true, service = DispatcherManager.class)
public final class DispatcherManager {

  private static final Logger LOG = LoggerFactory.getLogger(DispatcherManager.class);

  @Reference FabricService fabric;

  private final Set<TunnelEndpoint> endpoints = new LinkedHashSet<>();
  private Dispatcher dispatcher;
  private Vrf publicVrf;

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      service = TunnelEndpoint.class)
  synchronized void addEndpoint(TunnelEndpoint endpoint) {
    endpoints.add(endpoint);
    if (dispatcher != null) {
      fabric.onLoop(publicVrf, () -> add(endpoint));
    }
  }

  synchronized void removeEndpoint(TunnelEndpoint endpoint) {
    endpoints.remove(endpoint);
    if (dispatcher != null) {
      fabric.onLoop(
          publicVrf,
          () -> {
            dispatcher.remove(endpoint);
            return null;
          });
    }
  }

  private Void add(TunnelEndpoint endpoint) {
    dispatcher.add(endpoint); // a refused endpoint is logged and listed by the dispatcher
    return null;
  }

  @Activate
  synchronized void activate() {
    publicVrf =
        fabric
            .vrf(FabricService.PUBLIC_VRF)
            .orElseThrow(() -> new IllegalStateException("the fabric has no public VRF"));
    dispatcher = new Dispatcher(publicVrf);
    fabric.onLoop(
        publicVrf,
        () -> {
          dispatcher.open();
          endpoints.forEach(this::add);
          return null;
        });
    LOG.info("dispatcher open on the public VRF with {} endpoints", endpoints.size());
  }

  @Deactivate
  synchronized void deactivate() {
    fabric.onLoop(
        publicVrf,
        () -> {
          endpoints.forEach(dispatcher::remove);
          dispatcher.close();
          return null;
        });
    dispatcher = null;
  }

  /** For the shell: endpoints and counters, read on the dispatcher's thread; null when down. */
  public synchronized Dispatcher.Status status() {
    Dispatcher running = dispatcher;
    return running == null ? null : fabric.onLoop(publicVrf, running::status);
  }
}
