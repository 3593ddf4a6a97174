package io.mvpn.net;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/**
 * The transport of a tunnel interface: each datagram routed into it is handed, parsed, to {@link
 * #forward}, which wraps it for the far end (IP in IP, RFC 3519 UDP...) and sends the result from
 * another VRF or interface. The buffer is released here after {@code forward} returns.
 */
public abstract class EncapsulatingTransport implements Transport {

  private final String description;
  private final int mtu;
  private Interface owner;

  protected EncapsulatingTransport(String description, int mtu) {
    this.description = description;
    this.mtu = mtu;
  }

  /** The tunnel interface this transport carries. */
  protected Interface owner() {
    return owner;
  }

  /** Wraps and sends one datagram; {@code nextHop} is what the route chose (see Route). */
  protected abstract void forward(Ipv4Packet inner, int nextHop);

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
  }

  @Override
  public final void send(ByteBuf datagram, int nextHop) {
    try {
      forward(Ipv4Packet.parse(datagram), nextHop);
    } catch (MalformedPacketException e) {
      owner.counters().onMalformed(e.reason());
    } finally {
      datagram.release();
    }
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {}
}
