package io.mvpn.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.dispatcher.shell.DispatcherCommand;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher on an appliance's public VRF (seed 002 claim 17), in virtual time: two tenants'
 * mobile nodes, both 10.1.0.5 at home, send registrations and reverse-tunnelled datagrams to their
 * home agents' public addresses.
 */
class DispatcherTest {

  private static final Ipv4Address APPLIANCE = Ipv4Address.parse("203.0.113.1");
  private static final Ipv4Address ACME_HA = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address GLOBEX_HA = Ipv4Address.parse("198.51.100.20");
  private static final Ipv4Address ACME_COA = Ipv4Address.parse("203.0.113.51");
  private static final Ipv4Address GLOBEX_COA = Ipv4Address.parse("203.0.113.52");
  private static final Ipv4Address MN_HOME = Ipv4Address.parse("10.1.0.5");
  private static final Ipv4Address HOME_HOST = Ipv4Address.parse("10.1.0.100");

  private final Lab lab =
      Lab.virtual(
          new TopologyBuilder(17)
              .segment("internet", "5ms")
              .node("appliance")
              .vrf("public")
              .iface("pub0", "internet", APPLIANCE + "/24")
              .node("mn-acme")
              .vrf("main")
              .iface("wlan0", "internet", ACME_COA + "/24")
              .route("198.51.100.0/24", APPLIANCE.toString())
              .node("mn-globex")
              .vrf("main")
              .iface("wlan0", "internet", GLOBEX_COA + "/24")
              .route("198.51.100.0/24", APPLIANCE.toString())
              .build());
  private final Vrf publicVrf = lab.vrf("appliance", "public");
  private final Dispatcher dispatcher = new Dispatcher(publicVrf);
  private final RecordingEndpoint acme = new RecordingEndpoint("acme", ACME_HA);
  private final RecordingEndpoint globex = new RecordingEndpoint("globex", GLOBEX_HA);

  @AfterEach
  void close() {
    lab.close();
  }

  /** A tunnel endpoint that notes what reaches it: "reg FROM home HOME", "ipip FROM [IN>OUT]". */
  private static final class RecordingEndpoint implements TunnelEndpoint {
    final MvpnId tenant;
    final Ipv4Address address;
    final List<String> received = new ArrayList<>();

    RecordingEndpoint(String tenant, Ipv4Address address) {
      this.tenant = MvpnId.of(tenant);
      this.address = address;
    }

    @Override
    public Ipv4Address address() {
      return address;
    }

    @Override
    public MvpnId tenant() {
      return tenant;
    }

    @Override
    public void registration(Vrf vrf, Interface ingress, UdpDatagram datagram) {
      ByteBuf p = datagram.payload();
      received.add(
          "reg "
              + datagram.ip().sourceAddress()
              + " home "
              + Ipv4Address.of(p.getInt(p.readerIndex() + 4)));
    }

    @Override
    public void tunnelled(Vrf vrf, Interface ingress, Ipv4Packet outer) {
      try {
        Ipv4Packet inner = IpInIp.decapsulate(outer);
        received.add(
            "ipip "
                + outer.sourceAddress()
                + " ["
                + inner.sourceAddress()
                + ">"
                + inner.destinationAddress()
                + "]");
      } catch (MalformedPacketException e) {
        throw new AssertionError(e);
      }
    }
  }

  private void run() {
    lab.virtualTime().advance(1, TimeUnit.SECONDS);
  }

  /** A registration request from a node's care-of address to a home agent address. */
  private void register(String node, Ipv4Address careOf, Ipv4Address homeAgent) {
    Vrf vrf = lab.vrf(node, "main");
    ByteBuf request =
        RegistrationBuilder.request(
                vrf.alloc(),
                MipConstants.FLAG_DECAPSULATION_BY_MN | MipConstants.FLAG_REVERSE_TUNNEL,
                300,
                MN_HOME.toInt(),
                homeAgent.toInt(),
                careOf.toInt(),
                1)
            .build();
    try {
      vrf.sendUdp(careOf, homeAgent, MipConstants.PORT, MipConstants.PORT, request);
    } finally {
      request.release();
    }
  }

  /** A ping from the home address to the home host, reverse-tunnelled to {@code homeAgent}. */
  private void reverseTunnel(String node, Ipv4Address careOf, Ipv4Address homeAgent)
      throws MalformedPacketException {
    Vrf vrf = lab.vrf(node, "main");
    ByteBuf echo =
        IcmpBuilder.echoRequest(
            vrf.alloc(), MN_HOME.toInt(), HOME_HOST.toInt(), 7, 1, Unpooled.EMPTY_BUFFER, 64);
    try {
      vrf.send(
          IpInIp.encapsulate(
              vrf.alloc(), careOf.toInt(), homeAgent.toInt(), Ipv4Packet.parse(echo), 64, 1));
    } finally {
      echo.release();
    }
  }

  @Test
  void twoTenantsHomeAgentsServingTheSameHomeAddressEachGetOnlyTheirOwnTraffic() throws Exception {
    dispatcher.open();
    dispatcher.add(acme);
    dispatcher.add(globex);
    assertThat(dispatcher.endpoints()).containsExactlyInAnyOrder(acme, globex);
    register("mn-acme", ACME_COA, ACME_HA);
    register("mn-globex", GLOBEX_COA, GLOBEX_HA);
    reverseTunnel("mn-acme", ACME_COA, ACME_HA);
    reverseTunnel("mn-globex", GLOBEX_COA, GLOBEX_HA);
    run();
    assertThat(acme.received)
        .containsExactly(
            "reg 203.0.113.51 home 10.1.0.5", "ipip 203.0.113.51 [10.1.0.5>10.1.0.100]");
    assertThat(globex.received)
        .containsExactly(
            "reg 203.0.113.52 home 10.1.0.5", "ipip 203.0.113.52 [10.1.0.5>10.1.0.100]");
    assertThat(dispatcher.dispatched()).isEqualTo(4);
    assertThat(dispatcher.unknownDestination()).isZero();
  }

  @Test
  void aSecondEndpointWithATakenAddressIsRefusedAndListed() {
    dispatcher.open();
    RecordingEndpoint impostor = new RecordingEndpoint("globex", ACME_HA);
    dispatcher.add(acme);
    dispatcher.add(impostor);
    assertThat(dispatcher.endpoint(ACME_HA)).isSameAs(acme);
    assertThat(dispatcher.endpoints()).containsExactly(acme);
    assertThat(dispatcher.refused()).containsExactly(impostor);

    register("mn-acme", ACME_COA, ACME_HA);
    run();
    assertThat(acme.received).hasSize(1);
    assertThat(impostor.received).isEmpty();

    // Shown to the operator.
    assertThat(shell()).contains("refused: address taken").contains("refused endpoints 1");
  }

  @Test
  void whenTheOwnerOfAnAddressGoesTheRefusedEndpointTakesIt() {
    dispatcher.open();
    RecordingEndpoint waiting = new RecordingEndpoint("globex", ACME_HA);
    dispatcher.add(acme);
    dispatcher.add(waiting);
    dispatcher.remove(acme);
    assertThat(dispatcher.endpoint(ACME_HA)).isSameAs(waiting);
    assertThat(dispatcher.refused()).isEmpty();

    register("mn-acme", ACME_COA, ACME_HA);
    run();
    assertThat(waiting.received).hasSize(1);
    assertThat(acme.received).isEmpty();
  }

  @Test
  void datagramsForAnAddressNoEndpointOwnsAreCountedAndShownByTheShellCommand() throws Exception {
    dispatcher.open();
    dispatcher.add(acme);
    // The appliance's own public address is local, but no home agent answers for it.
    register("mn-acme", ACME_COA, APPLIANCE);
    reverseTunnel("mn-acme", ACME_COA, APPLIANCE);
    run();
    assertThat(dispatcher.unknownDestination()).isEqualTo(2);
    assertThat(dispatcher.dispatched()).isZero();
    assertThat(acme.received).isEmpty();

    // An endpoint that left no longer owns its address: what comes for it is not delivered.
    dispatcher.remove(acme);
    register("mn-acme", ACME_COA, ACME_HA);
    run();
    assertThat(acme.received).isEmpty();

    // Its address is no longer the appliance's: the public VRF drops that datagram itself.
    assertThat(dispatcher.unknownDestination()).isEqualTo(2);

    assertThat(shell())
        .doesNotContain("198.51.100.10")
        .contains("dispatched 0, unknown destination 2, refused endpoints 0");
  }

  @Test
  void theShellCommandListsBoundEndpointsWithTheirTenants() {
    dispatcher.open();
    dispatcher.add(acme);
    dispatcher.add(globex);
    String shown = shell();
    assertThat(shown)
        .containsPattern("198\\.51\\.100\\.10\\s*\\|\\s*acme\\s*\\|\\s*bound")
        .containsPattern("198\\.51\\.100\\.20\\s*\\|\\s*globex\\s*\\|\\s*bound");
  }

  private String shell() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DispatcherCommand.print(
        dispatcher.status(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
