package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.Transport;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * UDP port 500 of one address of a VRF, shared by the engines that speak IKE from it. A message
 * goes to the engine holding the SA our SPI in its header names (the responder's SPI if the
 * original initiator sent it, RFC 7296 §3.1); a new IKE_SA_INIT request to the responder engine, if
 * one was added. Anything else is counted as a stray and dropped. Runs on the VRF's scheduler.
 */
public final class VrfIkePort implements AutoCloseable {

  private static final int FLAG_INITIATOR = 0x08;
  private static final int HEADER_LENGTH = 28;
  private static final int NON_ESP_MARKER = 4;

  private final Vrf vrf;
  private final Ipv4Address address;
  private final List<IkeEngine> engines = new ArrayList<>();
  private IkeEngine responder;
  private Registration binding;
  private long strays;

  public VrfIkePort(Vrf vrf, Ipv4Address address) {
    this.vrf = Objects.requireNonNull(vrf, "vrf");
    this.address = Objects.requireNonNull(address, "address");
  }

  /** Where the engines of this port are: our address, port 500. */
  public Endpoint local() {
    return new Endpoint(address, Endpoint.IKE_PORT);
  }

  /** What the engines of this port send with. */
  public Transport transport() {
    return this::send;
  }

  /** Serves {@code engine}'s SAs; with {@code responder}, new IKE_SA_INIT requests go to it. */
  public void add(IkeEngine engine, boolean responder) {
    engines.add(engine);
    if (responder) {
      this.responder = engine;
    }
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

  /** Datagrams no engine of this port was waiting for. */
  public long strays() {
    return strays;
  }

  /** An IKE datagram from port 4500, still behind its non-ESP marker (four zero octets). */
  public void receiveNatT(UdpDatagram udp) {
    ByteBuf payload = udp.payload();
    if (payload.readableBytes() < NON_ESP_MARKER || payload.getInt(payload.readerIndex()) != 0) {
      strays++;
      return;
    }
    receive(
        udp,
        payload.slice(
            payload.readerIndex() + NON_ESP_MARKER, payload.readableBytes() - NON_ESP_MARKER));
  }

  private void receive(UdpDatagram udp) {
    receive(udp, udp.payload());
  }

  private void receive(UdpDatagram udp, ByteBuf payload) {
    if (udp.ip().destination() != address.toInt()) {
      strays++;
      return;
    }
    IkeEngine engine = payload.readableBytes() < HEADER_LENGTH ? null : engineFor(payload);
    if (engine == null) {
      strays++;
      return;
    }
    engine.receive(datagram(udp, payload));
  }

  /** What an engine takes of a UDP datagram: its end points and {@code payload}'s bytes. */
  public static Datagram datagram(UdpDatagram udp, ByteBuf payload) {
    return new Datagram(
        new Endpoint(Ipv4Address.of(udp.ip().source()), udp.sourcePort()),
        new Endpoint(Ipv4Address.of(udp.ip().destination()), udp.destinationPort()),
        ByteBufUtil.getBytes(payload));
  }

  private IkeEngine engineFor(ByteBuf message) {
    int at = message.readerIndex();
    long spiI = message.getLong(at);
    long spiR = message.getLong(at + 8);
    boolean fromInitiator = (message.getByte(at + 19) & FLAG_INITIATOR) != 0;
    long ours = fromInitiator ? spiR : spiI;
    if (ours == 0) {
      return fromInitiator ? responder : null;
    }
    for (IkeEngine engine : engines) {
      if (engine.sa(ours) != null) {
        return engine;
      }
    }
    return null;
  }

  private void send(Datagram d) {
    ByteBuf payload =
        d.source().port() == Endpoint.NAT_T_PORT
            ? Unpooled.wrappedBuffer(new byte[NON_ESP_MARKER], d.payload())
            : Unpooled.wrappedBuffer(d.payload());
    vrf.sendUdp(
        d.source().address(),
        d.destination().address(),
        d.source().port(),
        d.destination().port(),
        payload);
    payload.release();
  }
}
