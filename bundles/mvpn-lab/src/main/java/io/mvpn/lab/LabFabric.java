package io.mvpn.lab;

import io.mvpn.api.MvpnId;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.link.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a lab as the appliance's fabric, for a function's component run without a framework:
 * its VRFs by their names in the topology ({@link FabricService#PUBLIC_VRF} and each tenant's id),
 * the lab's segments. What only the fabric function does (creating VRFs, configuring interfaces) is
 * refused.
 */
public final class LabFabric implements FabricService {

  private final Lab lab;
  private final String node;

  public LabFabric(Lab lab, String node) {
    this.lab = Objects.requireNonNull(lab, "lab");
    this.node = Objects.requireNonNull(node, "node");
  }

  @Override
  public List<Vrf> vrfs() {
    return List.copyOf(lab.vrfs(node).values());
  }

  @Override
  public Optional<Vrf> vrf(String name) {
    return Optional.ofNullable(lab.vrfs(node).get(name));
  }

  @Override
  public Vrf tenantVrf(MvpnId tenant) {
    return vrf(tenant.toString())
        .orElseThrow(() -> new IllegalArgumentException(node + " has no VRF " + tenant));
  }

  @Override
  public Vrf createVrf(String name) {
    throw new UnsupportedOperationException("a lab's VRFs come from its topology: " + name);
  }

  @Override
  public MemorySegment segment(String name) {
    return lab.segment(name);
  }

  @Override
  public Optional<Interface> findInterface(String name) {
    return vrfs().stream().map(v -> v.getInterface(name)).filter(Objects::nonNull).findFirst();
  }

  @Override
  public void configureInterface(
      String vrfName, String name, String address, String transport, List<String> routes) {
    throw new UnsupportedOperationException("a lab's interfaces come from its topology: " + name);
  }

  @Override
  public boolean removeInterface(String name) {
    return false;
  }

  @Override
  public long epochOffsetNanos() {
    return 0;
  }
}
