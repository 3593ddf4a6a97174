package io.mvpn.backbone;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.store.InMemoryNaptMappingStore;
import java.util.List;
import java.util.Optional;

/**
 * The NAPT as the appliance wires it, for tests: a {@link NaptManager} over a mapping store, bound
 * to a {@link NaptGateway} on the backbone VRF as the backbone router binds the service. Runs on
 * the backbone's scheduler like the gateway.
 */
final class ApplianceNapt {

  final NaptMappingStore store;
  final NaptGateway gateway;
  NaptManager manager;

  ApplianceNapt(
      Vrf backbone, Ipv4Address publicAddress, int firstPort, int lastPort, NaptTimeouts timeouts) {
    this.store = new InMemoryNaptMappingStore();
    this.gateway = new NaptGateway(backbone);
    this.manager = new NaptManager(store, publicAddress, firstPort, lastPort, timeouts);
    gateway.use(manager);
  }

  void attach(MvpnId tenant, Vrf tenantVrf) {
    gateway.attach(tenant, tenantVrf);
  }

  /** Who is behind a UDP port now. */
  Optional<NaptInside> insideOf(int publicPort) {
    return insideOf(IpProtocol.UDP, publicPort);
  }

  Optional<NaptInside> insideOf(int protocol, int publicPort) {
    return gateway.insideOf(protocol, publicPort);
  }

  List<NaptMappingView> mappings() {
    return manager.mappings(gateway.scheduler().nanoTime());
  }

  long translated() {
    return manager.translated();
  }

  long exhausted() {
    return manager.exhausted();
  }

  long dropped() {
    return manager.dropped();
  }
}
