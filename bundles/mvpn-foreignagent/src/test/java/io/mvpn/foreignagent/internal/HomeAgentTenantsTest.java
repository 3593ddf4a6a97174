package io.mvpn.foreignagent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics' tenant of each home agent follows the tunnel endpoints bound, one by one. */
class HomeAgentTenantsTest {

  private static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");

  private record Endpoint(Ipv4Address address, MvpnId tenant) implements TunnelEndpoint {
    @Override
    public void registration(Vrf publicVrf, Interface ingress, UdpDatagram datagram) {}

    @Override
    public void tunnelled(Vrf publicVrf, Interface ingress, Ipv4Packet outer) {}
  }

  @Test
  void unbindingAnEndpointKeepsTheReplacementBoundBeforeIt() {
    HomeAgentTenants tenants = new HomeAgentTenants();
    Endpoint old = new Endpoint(HA, MvpnId.of("acme"));
    // Equal in every field, yet another service: the update binds it before unbinding the old one.
    Endpoint replacement = new Endpoint(HA, MvpnId.of("acme"));
    tenants.bind(old);
    tenants.bind(replacement);

    tenants.unbind(old);

    assertThat(tenants.byAddress()).isEqualTo(Map.of(HA, "acme"));
    assertThat(tenants.contains(HA)).isTrue();
    tenants.unbind(replacement);
    assertThat(tenants.byAddress()).isEmpty();
  }

  @Test
  void anAddressMovedToAnotherTenantKeepsTheNewTenantWhenTheOldEndpointGoes() {
    HomeAgentTenants tenants = new HomeAgentTenants();
    Endpoint acme = new Endpoint(HA, MvpnId.of("acme"));
    tenants.bind(acme);
    tenants.bind(new Endpoint(HA, MvpnId.of("globex")));

    tenants.unbind(acme);

    assertThat(tenants.byAddress()).isEqualTo(Map.of(HA, "globex"));
  }
}
