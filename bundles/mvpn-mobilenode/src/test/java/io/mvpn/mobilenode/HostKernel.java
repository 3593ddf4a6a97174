package io.mvpn.mobilenode;

import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * A host's TUN device seen from the engine, for tests of nodes whose applications live in a host's
 * kernel (the mvpn-mn launcher): each datagram written into the kernel is shown to {@code kernel},
 * parsed, then released.
 */
public final class HostKernel implements Transport {

  private final int mtu;
  private final Consumer<Ipv4Packet> kernel;

  public HostKernel(Consumer<Ipv4Packet> kernel) {
    this(1500, kernel);
  }

  /** A device of {@code mtu}: a datagram written larger than that fails the test. */
  public HostKernel(int mtu, Consumer<Ipv4Packet> kernel) {
    this.mtu = mtu;
    this.kernel = kernel;
  }

  @Override
  public void attach(Interface owner) {}

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    try {
      if (datagram.readableBytes() > mtu) {
        throw new AssertionError(datagram.readableBytes() + " bytes into a device of MTU " + mtu);
      }
      kernel.accept(Ipv4Packet.parse(datagram));
    } catch (Exception e) {
      throw new AssertionError(e);
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
    return "tun:host";
  }

  @Override
  public void close() {}
}
