package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.api.napt.NaptMappingStore;
import org.junit.jupiter.api.Test;

/** What every {@link NaptMappingStore} does, whatever keeps its content. */
abstract class NaptMappingStoreContract {

  static final int ICMP = 1;
  static final int TCP = 6;
  static final int UDP = 17;
  static final Ipv4Address PUBLIC = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address OTHER_PUBLIC = Ipv4Address.parse("203.0.113.2");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");
  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");

  /** A store, empty. */
  abstract NaptMappingStore store();

  static NaptMapping mapping(int protocol, int publicPort, MvpnId tenant, int insidePort) {
    return new NaptMapping(
        protocol, PUBLIC, publicPort, new NaptInside(tenant, FIVE, insidePort), 0);
  }

  @Test
  void oneNumberIsOnePublicPortPerProtocol() {
    NaptMappingStore store = store();
    NaptMapping udp = mapping(UDP, 40000, ACME, 5353);
    NaptMapping tcp = mapping(TCP, 40000, GLOBEX, 43512);
    NaptMapping echo = mapping(ICMP, 40000, ACME, 0x1234);
    store.put(udp);
    store.put(tcp);
    store.put(echo);
    assertThat(store.mappings(PUBLIC)).containsExactlyInAnyOrder(udp, tcp, echo);
    assertThat(store.remove(PUBLIC, TCP, 40000)).isTrue();
    assertThat(store.remove(PUBLIC, TCP, 40000)).isFalse();
    assertThat(store.mappings(PUBLIC)).containsExactlyInAnyOrder(udp, echo);
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void aChangeOfTcpStateReplacesTheMappingOnItsPort() {
    NaptMappingStore store = store();
    NaptMapping opening =
        new NaptMapping(TCP, PUBLIC, 40001, new NaptInside(ACME, FIVE, 43512), NaptMapping.SYN_OUT);
    NaptMapping established =
        new NaptMapping(
            TCP,
            PUBLIC,
            40001,
            new NaptInside(ACME, FIVE, 43512),
            NaptMapping.SYN_OUT | NaptMapping.SYN_IN);
    store.put(opening);
    store.put(established);
    assertThat(store.mappings(PUBLIC)).containsExactly(established);
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void eachPublicAddressHasItsOwnMappings() {
    NaptMappingStore store = store();
    NaptMapping here = mapping(UDP, 40000, ACME, 5353);
    NaptMapping there =
        new NaptMapping(UDP, OTHER_PUBLIC, 40000, new NaptInside(GLOBEX, FIVE, 5353), 0);
    store.put(here);
    store.put(there);
    assertThat(store.mappings(PUBLIC)).containsExactly(here);
    assertThat(store.mappings(OTHER_PUBLIC)).containsExactly(there);
    assertThat(store.remove(OTHER_PUBLIC, UDP, 40000)).isTrue();
    assertThat(store.mappings(PUBLIC)).containsExactly(here);
    assertThat(store.mappings(OTHER_PUBLIC)).isEmpty();
  }
}
