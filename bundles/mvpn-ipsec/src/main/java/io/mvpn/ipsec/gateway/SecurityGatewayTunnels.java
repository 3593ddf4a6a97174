package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.ipsec.IkeDatagram;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A security gateway's tunnels as the {@link EspTunnelService} its keying functions use: builds the
 * gateway's own ESP SAs from the key material it is handed, so nothing outside the gateway holds an
 * SA the gateway runs, and carries every call onto the gateway's thread. Once {@link #close}d (the
 * gateway stopped) it installs nothing more.
 */
public final class SecurityGatewayTunnels implements EspTunnelService {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityGatewayTunnels.class);
  private static final int NON_ESP_MARKER = 4;

  private final String name;
  private final SecurityGateway gateway;
  private final Vrf outside;
  private final Scheduler scheduler;
  private Consumer<IkeDatagram> natTraversalIke; // on the gateway's thread only
  private volatile boolean closed;

  /**
   * @param outside the gateway's outside VRF, on the scheduler the gateway runs on
   */
  public SecurityGatewayTunnels(String name, SecurityGateway gateway, Vrf outside) {
    this.name = Objects.requireNonNull(name, "name");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.outside = Objects.requireNonNull(outside, "outside");
    this.scheduler = outside.scheduler();
  }

  /** The gateway stops: nothing more is installed, and IKE on 4500 goes nowhere. */
  public void close() {
    onGateway(
        () -> {
          closed = true;
          natTraversalIke = null;
          gateway.setNatTraversalIke(null);
          return null;
        });
  }

  @Override
  public String gateway() {
    return name;
  }

  @Override
  public Ipv4Address publicAddress() {
    return gateway.config().publicAddress();
  }

  @Override
  public String outsideVrf() {
    return outside.name();
  }

  @Override
  public void install(EspTunnel tunnel) {
    put(tunnel, false);
  }

  @Override
  public void rekey(EspTunnel next) {
    put(next, true);
  }

  private void put(EspTunnel tunnel, boolean rekey) {
    Objects.requireNonNull(tunnel, "tunnel");
    onGateway(
        () -> {
          if (closed) {
            LOG.info(
                "{} has stopped: the tunnel of {} is not installed", name, tunnel.homeAddress());
          } else if (rekey) {
            gateway.rekeyTunnel(mobileTunnel(tunnel));
          } else {
            gateway.addTunnel(mobileTunnel(tunnel));
          }
          return null;
        });
  }

  @Override
  public boolean remove(int inboundSpi) {
    return onGateway(() -> !closed && gateway.removeInbound(inboundSpi));
  }

  @Override
  public Subscription receiveNatTraversalIke(Consumer<IkeDatagram> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    onGateway(
        () -> {
          if (natTraversalIke != null) {
            throw new IllegalStateException(name + ": port 4500 already has an IKE receiver");
          }
          if (!closed) {
            natTraversalIke = receiver;
            gateway.setNatTraversalIke(this::deliver);
          }
          return null;
        });
    return () ->
        onGateway(
            () -> {
              if (natTraversalIke == receiver) {
                natTraversalIke = null;
                gateway.setNatTraversalIke(null);
              }
              return null;
            });
  }

  @Override
  public void sendNatTraversalIke(IkeDatagram datagram) {
    if (!datagram.source().equals(publicAddress()) || datagram.sourcePort() != EspInUdp.PORT) {
      throw new IllegalArgumentException(
          name + " sends IKE on 4500 only from " + publicAddress() + ", not " + datagram);
    }
    onGateway(
        () -> {
          ByteBuf payload = Unpooled.wrappedBuffer(new byte[NON_ESP_MARKER], datagram.message());
          try {
            outside.sendUdp(
                datagram.source(),
                datagram.destination(),
                datagram.sourcePort(),
                datagram.destinationPort(),
                payload);
          } finally {
            payload.release();
          }
          return null;
        });
  }

  /** An IKE message the gateway classified on 4500: the marker stays here. */
  private void deliver(UdpDatagram udp) {
    Consumer<IkeDatagram> receiver = natTraversalIke;
    if (receiver == null) {
      return;
    }
    ByteBuf payload = udp.payload();
    receiver.accept(
        new IkeDatagram(
            Ipv4Address.of(udp.ip().source()),
            udp.sourcePort(),
            Ipv4Address.of(udp.ip().destination()),
            udp.destinationPort(),
            ByteBufUtil.getBytes(
                payload,
                payload.readerIndex() + NON_ESP_MARKER,
                payload.readableBytes() - NON_ESP_MARKER)));
  }

  private MobileTunnel mobileTunnel(EspTunnel t) {
    return MobileTunnels.build(t, publicAddress(), scheduler, name);
  }

  /** Runs {@code action} on the gateway's thread: now if this is it, else there, awaited. */
  private <T> T onGateway(Supplier<T> action) {
    return FabricService.awaitOn(scheduler, action);
  }
}
