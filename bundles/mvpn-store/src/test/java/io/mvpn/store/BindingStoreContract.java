package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import org.junit.jupiter.api.Test;

/** What every {@link BindingStore} does, whatever keeps its content. */
abstract class BindingStoreContract {

  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");

  /** A store, empty. */
  abstract BindingStore store();

  static Binding binding(MvpnId tenant, String coa) {
    return binding(tenant, coa, 0, 600);
  }

  static Binding binding(MvpnId tenant, String coa, long registeredAtNanos, int lifetime) {
    return new Binding(
        tenant,
        HOME,
        Ipv4Address.parse(coa),
        Ipv4Address.parse("198.51.100.10"),
        0,
        lifetime,
        registeredAtNanos,
        registeredAtNanos + lifetime * 1_000_000_000L,
        1,
        Ipv4Address.parse(coa),
        434,
        Binding.Encapsulation.IP_IN_IP);
  }

  @Test
  void sameHomeAddressInTwoTenantsAreTwoMobileNodes() {
    BindingStore store = store();
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(GLOBEX, "203.0.113.2"));
    assertThat(store.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.1");
    assertThat(store.bindings(GLOBEX, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.2");
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.removeTenant(ACME)).isEqualTo(1);
    assertThat(store.bindings(GLOBEX)).hasSize(1);
  }

  @Test
  void simultaneousBindingsAndReplacement() {
    BindingStore store = store();
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(ACME, "203.0.113.2"));
    store.put(binding(ACME, "203.0.113.2"));
    assertThat(store.bindings(ACME, HOME)).hasSize(2);
    store.replaceAll(binding(ACME, "203.0.113.9"));
    assertThat(store.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.9");
    assertThat(store.remove(ACME, HOME, Ipv4Address.parse("203.0.113.9"))).isNotNull();
    assertThat(store.size()).isZero();
    assertThat(store.bindings(ACME)).isEmpty();
  }

  @Test
  void aBindingComesBackAsItWasStored() {
    BindingStore store = store();
    Binding b = binding(ACME, "203.0.113.1", 5_000_000_000L, 300);
    store.put(b);
    assertThat(store.bindings(ACME, HOME)).containsExactly(b);
    assertThat(store.remove(ACME, HOME, b.careOfAddress())).isEqualTo(b);
    assertThat(store.remove(ACME, HOME, b.careOfAddress())).isNull();
  }

  @Test
  void removingAMobileNodeRemovesAllItsBindingsOnly() {
    BindingStore store = store();
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(ACME, "203.0.113.2"));
    store.put(binding(GLOBEX, "203.0.113.3"));
    assertThat(store.removeAll(ACME, HOME)).isEqualTo(2);
    assertThat(store.removeAll(ACME, HOME)).isZero();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void replayStateIsPerMobileNode() {
    BindingStore store = store();
    assertThat(store.lastIdentification(ACME, HOME)).isEmpty();
    assertThat(store.lastIdentification(ACME, HOME, -1)).isEqualTo(-1);
    store.setLastIdentification(ACME, HOME, 42);
    assertThat(store.lastIdentification(ACME, HOME)).hasValue(42);
    assertThat(store.lastIdentification(ACME, HOME, -1)).isEqualTo(42);
    assertThat(store.lastIdentification(GLOBEX, HOME)).isEmpty();
    assertThat(store.lastIdentification(GLOBEX, HOME, -1)).isEqualTo(-1);
    store.removeTenant(ACME);
    assertThat(store.lastIdentification(ACME, HOME)).isEmpty();
    assertThat(store.lastIdentification(ACME, HOME, -1)).isEqualTo(-1);
  }

  @Test
  void aRegistrationsBindingAndIdentificationGoInTogether() {
    BindingStore store = store();
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(ACME, "203.0.113.2"));
    store.replaceAll(binding(ACME, "203.0.113.3"), 9);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.3");
    assertThat(store.lastIdentification(ACME, HOME)).hasValue(9);
    store.replaceAll(binding(ACME, "203.0.113.3"), 10); // a renewal from where it is
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.lastIdentification(ACME, HOME)).hasValue(10);
    assertThat(store.lastIdentification(GLOBEX, HOME)).isEmpty();
  }

  @Test
  void replayStateOutlivesTheNodesBindingsAndBindingsComeBackAfterIt() {
    // A node that deregisters keeps its last identification: a copy of its old request must still
    // be a replay. Counts stay right when a node's bindings go and come back around it.
    BindingStore store = store();
    store.setLastIdentification(ACME, HOME, 7);
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(ACME, "203.0.113.2"));
    store.replaceAll(binding(ACME, "203.0.113.3"));
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.remove(ACME, HOME, Ipv4Address.parse("203.0.113.3"))).isNotNull();
    assertThat(store.removeAll(ACME, HOME)).isZero();
    assertThat(store.lastIdentification(ACME, HOME)).hasValue(7);
    assertThat(store.bindings(ACME)).isEmpty();
    store.replaceAll(binding(ACME, "203.0.113.4"));
    store.setLastIdentification(ACME, HOME, 8);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.4");
    assertThat(store.lastIdentification(ACME, HOME)).hasValue(8);
    assertThat(store.removeTenant(ACME)).isEqualTo(1);
    assertThat(store.size()).isZero();
    assertThat(store.lastIdentification(ACME, HOME)).isEmpty();
  }
}
