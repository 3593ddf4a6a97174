package io.mvpn.mn;

import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Transport;
import io.netty.buffer.ByteBuf;

/**
 * One end of a link between two VRFs of the node on one event loop: what the one sends enters the
 * other through the far interface, as if received there. The laptop's datagrams leave the host's
 * VRF (where the TUN device is) this way for the VRF of the co-located care-of address in use: the
 * engine keeps each attachment in a VRF of its own (each binds the registration port), and the TUN
 * device can be in only one.
 */
final class PatchTransport implements Transport {

  private Interface owner;
  private volatile Interface far;

  @Override
  public void attach(Interface owner) {
    this.owner = owner;
  }

  /** Where datagrams sent here go from now on; null: nowhere (they are dropped and counted). */
  void connect(Interface far) {
    this.far = far;
  }

  @Override
  public void send(ByteBuf datagram, int nextHop) {
    Interface to = far;
    if (to == null) {
      owner.counters().onDrop(DropReason.LINK);
      datagram.release();
      return;
    }
    to.receive(datagram);
  }

  @Override
  public int mtu() {
    return 65_535;
  }

  @Override
  public String describe() {
    return "patch:" + (far == null ? "-" : far.vrf().name() + "/" + far.name());
  }

  @Override
  public void close() {
    far = null;
  }
}
