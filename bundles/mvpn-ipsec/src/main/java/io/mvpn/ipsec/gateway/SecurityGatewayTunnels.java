package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.ipsec.IkeDatagram;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.Lifetime;
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

  /**
   * The gateway's SA pair: the inbound one with seed 001's wildcard source, so the node's ESP is
   * taken from wherever it moves before any update reaches us; the SPI names it (RFC 4301 §4.1).
   */
  private MobileTunnel mobileTunnel(EspTunnel t) {
    Ipv4Address self = publicAddress();
    EspSecurityAssociation in =
        new EspSecurityAssociation(
            t.inbound().spi(),
            Direction.INBOUND,
            null,
            self,
            keyMaterial(t.inbound()),
            t.inbound().extendedSequenceNumbers(),
            t.replayWindow());
    EspSecurityAssociation out =
        new EspSecurityAssociation(
            t.outbound().spi(),
            Direction.OUTBOUND,
            self,
            t.peer(),
            keyMaterial(t.outbound()),
            t.outbound().extendedSequenceNumbers(),
            0);
    if (t.udpEncapsulated()) {
      // Behind a NAT, ESP goes in UDP between the ports the exchange floated to (RFC 7296 §2.23).
      out.setUdpPorts(t.localUdpPort(), t.peerUdpPort());
    }
    if (!t.lifetime().equals(SaLifetime.UNLIMITED)) {
      Lifetime lifetime = lifetime(t.lifetime());
      for (EspSecurityAssociation sa : new EspSecurityAssociation[] {in, out}) {
        sa.setLifetime(
            lifetime,
            scheduler::nanoTime,
            x -> LOG.info("{}: SA 0x{} asks for new keys", name, Integer.toHexString(x.spi())));
      }
    }
    return new MobileTunnel(t.homeAddress(), in, out, t.udpEncapsulated());
  }

  private static byte[] keyMaterial(EspSaKeys keys) {
    return switch (keys.algorithm()) {
      case AES_GCM_16 -> keys.keyAndSalt();
    };
  }

  private static Lifetime lifetime(SaLifetime l) {
    return new Lifetime(
        l.bytes().soft(),
        l.bytes().hard(),
        l.packets().soft(),
        l.packets().hard(),
        l.seconds().soft(),
        l.seconds().hard());
  }

  /** Runs {@code action} on the gateway's thread: now if this is it, else there, awaited. */
  private <T> T onGateway(Supplier<T> action) {
    return FabricService.awaitOn(scheduler, action);
  }
}
