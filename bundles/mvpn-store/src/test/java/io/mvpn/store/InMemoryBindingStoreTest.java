package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import org.junit.jupiter.api.Test;

class InMemoryBindingStoreTest {

  private final InMemoryBindingStore store = new InMemoryBindingStore();
  private static final MvpnId ACME = MvpnId.of("acme");
  private static final MvpnId GLOBEX = MvpnId.of("globex");
  private static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");

  private static Binding binding(MvpnId tenant, String coa) {
    return new Binding(
        tenant,
        HOME,
        Ipv4Address.parse(coa),
        Ipv4Address.parse("198.51.100.10"),
        0,
        600,
        0,
        600_000_000_000L,
        1,
        Ipv4Address.parse(coa),
        434,
        Binding.Encapsulation.IP_IN_IP);
  }

  @Test
  void sameHomeAddressInTwoTenantsAreTwoMobileNodes() {
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
  void replayStateIsPerMobileNode() {
    assertThat(store.lastIdentification(ACME, HOME)).isEmpty();
    store.setLastIdentification(ACME, HOME, 42);
    assertThat(store.lastIdentification(ACME, HOME)).hasValue(42);
    assertThat(store.lastIdentification(GLOBEX, HOME)).isEmpty();
  }
}
