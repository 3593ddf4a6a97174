package io.mvpn.sam.client;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/**
 * A node's IP stack (its {@link Vrf}) sending to its SA manager's nodes in ESP on the SAs the
 * manager hands out (seed 000 c1): what the node originates for a peer the manager knows goes
 * through a {@link SamEspPath}, whose ESP the VRF routes like any datagram; ESP addressed to the
 * node is opened there and what it carried is delivered to the VRF's own handlers (UDP ports,
 * protocols) as if it had arrived in the clear. Anything else the node sends is routed as usual.
 *
 * <p>Runs on the VRF's scheduler, as the node's {@link SamClient} does.
 */
public final class SamEspNode implements AutoCloseable {

  private final Vrf vrf;
  private final SamEspPath.Peers peers;
  private final SamEspPath path;
  private final Registration esp;
  private long notLocal;

  /** {@code self}: the node's address in {@code vrf}, the outer source of its ESP. */
  public SamEspNode(
      Vrf vrf,
      Ipv4Address self,
      SamClient client,
      SamEspPath.Peers peers,
      SamEspPath.Settings settings) {
    this.vrf = vrf;
    this.peers = peers;
    if (!vrf.isLocal(self.toInt())) {
      throw new IllegalArgumentException(self + " is no address of VRF " + vrf.name());
    }
    this.path =
        new SamEspPath(
            client,
            self,
            peers,
            vrf.alloc(),
            vrf::send,
            this::deliverHere,
            settings,
            SaKeeper.IN_MEMORY);
    // The VRF's buffer is valid only during the call; the path takes a copy it owns.
    this.esp =
        vrf.registerProtocol(
            IpProtocol.ESP, (at, ingress, packet) -> path.receive(packet.datagram().copy()));
  }

  /**
   * What came out of ESP is for this node only (the path checked it was addressed to {@code self}):
   * it is looped back to the VRF's own handlers and never routed on, so no peer can use the node as
   * a relay. Should the address have left the VRF since, the datagram is dropped and counted.
   */
  private void deliverHere(ByteBuf inner) {
    Ipv4Address destination;
    try {
      destination = Ipv4Packet.parse(inner).destinationAddress();
    } catch (MalformedPacketException e) {
      inner.release();
      return; // the path parsed it already: cannot happen
    }
    if (vrf.isLocal(destination.toInt())) {
      vrf.send(inner);
    } else {
      notLocal++;
      inner.release();
    }
  }

  /** Datagrams opened after the node's address had left its VRF: dropped. */
  public long droppedNotLocal() {
    return notLocal;
  }

  /** The node's ESP data path, with its counters. */
  public SamEspPath path() {
    return path;
  }

  /**
   * Sends a datagram the node originates: in ESP if its destination is one of the manager's nodes,
   * else routed in the clear. Takes the buffer.
   */
  public boolean send(ByteBuf datagram) {
    Ipv4Address destination;
    try {
      destination = Ipv4Packet.parse(datagram).destinationAddress();
    } catch (MalformedPacketException e) {
      return vrf.send(datagram); // the VRF counts and drops it as it does every malformed one
    }
    if (peers.nodeAt(destination) == null) {
      return vrf.send(datagram);
    }
    path.send(datagram);
    return true;
  }

  @Override
  public void close() {
    esp.close();
    path.close();
  }
}
