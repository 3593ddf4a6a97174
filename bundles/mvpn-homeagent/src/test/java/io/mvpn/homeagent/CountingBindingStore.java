package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.store.InMemoryBindingStore;
import java.util.List;
import java.util.OptionalLong;

/** The in-memory store, counting binding reads: the per-datagram path must make none. */
final class CountingBindingStore implements BindingStore {

  private final InMemoryBindingStore store = new InMemoryBindingStore();
  private long reads;

  long reads() {
    return reads;
  }

  @Override
  public List<Binding> bindings(MvpnId tenant, Ipv4Address homeAddress) {
    reads++;
    return store.bindings(tenant, homeAddress);
  }

  @Override
  public List<Binding> bindings(MvpnId tenant) {
    reads++;
    return store.bindings(tenant);
  }

  @Override
  public void put(Binding binding) {
    store.put(binding);
  }

  @Override
  public void replaceAll(Binding binding) {
    store.replaceAll(binding);
  }

  @Override
  public Binding remove(MvpnId tenant, Ipv4Address homeAddress, Ipv4Address careOfAddress) {
    return store.remove(tenant, homeAddress, careOfAddress);
  }

  @Override
  public int removeAll(MvpnId tenant, Ipv4Address homeAddress) {
    return store.removeAll(tenant, homeAddress);
  }

  @Override
  public int removeTenant(MvpnId tenant) {
    return store.removeTenant(tenant);
  }

  @Override
  public OptionalLong lastIdentification(MvpnId tenant, Ipv4Address homeAddress) {
    return store.lastIdentification(tenant, homeAddress);
  }

  @Override
  public void setLastIdentification(MvpnId tenant, Ipv4Address homeAddress, long identification) {
    store.setLastIdentification(tenant, homeAddress, identification);
  }

  @Override
  public int size() {
    return store.size();
  }
}
