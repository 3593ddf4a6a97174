package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineCounters;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeSaManager;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * UDP port 500 of one address of a VRF (and the IKE that arrives on its port 4500), with the one
 * {@link IkeSaManager} that speaks IKE from it: every peer configuration on this address is an
 * {@link io.mvpn.ike.sa.IkeEngine} of {@link #manager()}, which finds each message's SA by the SPIs
 * in its header and gives a new IKE_SA_INIT request to the configuration that responds to its
 * sender. A datagram to another address is counted as a stray and dropped. Runs on the VRF's
 * scheduler.
 */
public final class VrfIkePort implements AutoCloseable {

  private final Vrf vrf;
  private final Ipv4Address address;
  private final IkeSaManager manager;
  private final java.util.function.Consumer<Datagram> natTraversalSender;
  private Registration binding;
  private long misaddressed;

  public VrfIkePort(Vrf vrf, Ipv4Address address, EngineSettings settings, SecureRandom random) {
    this(vrf, address, settings, random, null);
  }

  /**
   * @param natTraversalSender sends what the engines send from port 4500, where another function
   *     owns the port (a security gateway's ESP in UDP); null: from the VRF, behind the marker
   */
  public VrfIkePort(
      Vrf vrf,
      Ipv4Address address,
      EngineSettings settings,
      SecureRandom random,
      java.util.function.Consumer<Datagram> natTraversalSender) {
    this.vrf = Objects.requireNonNull(vrf, "vrf");
    this.address = Objects.requireNonNull(address, "address");
    this.natTraversalSender = natTraversalSender;
    this.manager =
        new IkeSaManager(
            vrf.scheduler(),
            this::send,
            new Endpoint(address, Endpoint.IKE_PORT),
            settings,
            random);
  }

  /** Where the engines of this port are: our address, port 500. */
  public Endpoint local() {
    return manager.local();
  }

  /** The IKE SAs of this address: make the peer configurations on it with this. */
  public IkeSaManager manager() {
    return manager;
  }

  public void start() {
    binding = vrf.bindUdp(Endpoint.IKE_PORT, (v, in, udp) -> receive(udp));
  }

  @Override
  public void close() {
    if (binding != null) {
      binding.close();
      binding = null;
    }
  }

  /**
   * Datagrams no SA or configuration of this port was waiting for: to another address, without the
   * non-ESP marker on 4500, of an unknown SPI, or a new SA's request nobody here answers.
   */
  public long strays() {
    EngineCounters c = manager.counters();
    return misaddressed + c.notIke() + c.unknownSpi() + c.noPeerConfig();
  }

  /** An IKE datagram from port 4500, still behind its non-ESP marker (four zero octets). */
  public void receiveNatT(UdpDatagram udp) {
    if (addressed(udp)) {
      manager.receiveNatT(datagram(udp, udp.payload()));
    }
  }

  private void receive(UdpDatagram udp) {
    if (addressed(udp)) {
      manager.receive(datagram(udp, udp.payload()));
    }
  }

  private boolean addressed(UdpDatagram udp) {
    if (udp.ip().destination() != address.toInt()) {
      misaddressed++;
      return false;
    }
    return true;
  }

  /**
   * The UDP payload of what an engine sends: its message, behind the non-ESP marker when it leaves
   * from port 4500 (RFC 3948 §2.2). The caller releases it.
   */
  public static ByteBuf udpPayload(Datagram d) {
    return d.source().port() == Endpoint.NAT_T_PORT
        ? Unpooled.wrappedBuffer(new byte[IkeHeader.NON_ESP_MARKER_LENGTH], d.payload())
        : Unpooled.wrappedBuffer(d.payload());
  }

  /** What an engine takes of a UDP datagram: its end points and {@code payload}'s bytes. */
  public static Datagram datagram(UdpDatagram udp, ByteBuf payload) {
    return new Datagram(
        new Endpoint(Ipv4Address.of(udp.ip().source()), udp.sourcePort()),
        new Endpoint(Ipv4Address.of(udp.ip().destination()), udp.destinationPort()),
        ByteBufUtil.getBytes(payload));
  }

  private void send(Datagram d) {
    if (natTraversalSender != null && d.source().port() == Endpoint.NAT_T_PORT) {
      natTraversalSender.accept(d);
      return;
    }
    ByteBuf payload = udpPayload(d);
    vrf.sendUdp(
        d.source().address(),
        d.destination().address(),
        d.source().port(),
        d.destination().port(),
        payload);
    payload.release();
  }
}
