package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.ipsec.IkeDatagram;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.net.Vrf;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The IKEv2 responder of one security gateway, which it reaches only through the gateway's {@link
 * EspTunnelService}: an engine on UDP 500 of the gateway's public address in its outside VRF, IKE
 * behind a NAT taken from and sent through the gateway's port 4500 (which it shares with ESP in
 * UDP), and each Child SA installed as the node's tunnel by a {@link MobileTunnelInstaller}.
 *
 * <p>No MOBIKE and ESP pinned: a node's tunnel moves by seed 001's update and by the port of its
 * authenticated ESP, not by where its IKE comes from. Runs on the outside VRF's scheduler, which is
 * the gateway's.
 */
public final class SecurityGatewayIke implements AutoCloseable {

  private final EspTunnelService tunnels;
  private final VrfIkePort port;
  private final IkeEngine engine;
  private final MobileTunnelInstaller installer;
  private EspTunnelService.Subscription natTraversal;

  /**
   * @param outside the gateway's outside VRF, named by {@link EspTunnelService#outsideVrf()}
   * @param homeOf the home address a node of that identity may have, or null for none
   */
  public SecurityGatewayIke(
      EspTunnelService tunnels,
      Vrf outside,
      PeerConfig config,
      EngineSettings settings,
      SecureRandom random,
      Function<Identity, Ipv4Address> homeOf) {
    this.tunnels = Objects.requireNonNull(tunnels, "tunnels");
    this.port = new VrfIkePort(outside, tunnels.publicAddress(), settings, random, this::sendNatT);
    this.installer = new MobileTunnelInstaller(tunnels, homeOf);
    this.engine = new IkeEngine(port.manager(), config, null, true, installer);
    engine.espFollowsIke(false);
  }

  public void start() {
    port.start();
    natTraversal = tunnels.receiveNatTraversalIke(this::receive);
  }

  /** Stops listening and deletes every IKE SA: the nodes learn, and their tunnels go. */
  @Override
  public void close() {
    if (natTraversal != null) {
      natTraversal.close();
      natTraversal = null;
    }
    port.close();
    List.copyOf(engine.sas()).forEach(engine::delete);
  }

  public IkeEngine engine() {
    return engine;
  }

  public MobileTunnelInstaller installer() {
    return installer;
  }

  /** The first IKE SA with that SPI (ours, the initiator's or the responder's), or null. */
  public IkeSa sa(long spi) {
    for (IkeSa sa : engine.sas()) {
      if (sa.localSpi() == spi || sa.spiI() == spi || sa.spiR() == spi) {
        return sa;
      }
    }
    return null;
  }

  private void receive(IkeDatagram d) {
    port.manager()
        .receive(
            new Datagram(
                new Endpoint(d.source(), d.sourcePort()),
                new Endpoint(d.destination(), d.destinationPort()),
                d.message()));
  }

  /** Port 4500 belongs to the gateway: IKE from it goes through the gateway's tunnel service. */
  private void sendNatT(Datagram d) {
    tunnels.sendNatTraversalIke(
        new IkeDatagram(
            d.source().address(),
            d.source().port(),
            d.destination().address(),
            d.destination().port(),
            d.payload()));
  }
}
