package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;

/**
 * What route optimisation needs to see of a {@link MobileNode} (draft-ietf-mobileip-optim): which
 * correspondents' datagrams still reach it through the home agent's tunnel, which arrive tunnelled
 * straight from a correspondent, the route optimisation messages at its port 434, and where it is
 * registered. Called on the node's scheduler.
 */
public interface TunnelObserver {

  /**
   * A datagram tunnelled to the care-of address (the inner packet, not to be kept): by the home
   * agent ({@code fromHomeAgent}), which the observer may take as a cue to send its source a
   * binding update, or by someone else, let in only if the observer says so (a correspondent the
   * node gave a binding to). Returns whether the node takes it.
   */
  boolean admits(boolean fromHomeAgent, int outerSource, Ipv4Packet inner);

  /** A route optimisation message (type 255) arrived at port 434 of the active attachment. */
  void bindingMessage(MobileNode.Attachment at, UdpDatagram udp);

  /** The node registered this care-of address, or came home (null). */
  void registered(MobileNode.Attachment at, Ipv4Address careOf);
}
