package io.mvpn.api.ipsec;

import io.mvpn.api.Ipv4Address;
import java.util.function.Consumer;

/**
 * The ESP tunnels of one running security gateway, as a function that keys them sees it: one
 * service per gateway, with the property {@value #GATEWAY} naming it, so a key exchange picks its
 * gateway with a target filter such as {@code (mvpn.gateway=gw1)}.
 *
 * <p>Every call runs on the gateway's own thread: directly when the caller is on it already (an IKE
 * engine on the gateway's outside VRF), else handed to it and awaited. The gateway keeps running
 * its seed 001 fast handover on the tunnels it was given (a home agent's update re-points the
 * outbound SA) and follows a NAT's new port once authenticated ESP shows it.
 */
public interface EspTunnelService {

  /** The service property that names the gateway. */
  String GATEWAY = "mvpn.gateway";

  /** The gateway's name, as {@value #GATEWAY} carries it. */
  String gateway();

  /** Where ESP and IKE arrive: the gateway's address in its outside VRF. */
  Ipv4Address publicAddress();

  /** The name of the gateway's outside VRF, where a key exchange speaks IKE on UDP 500. */
  String outsideVrf();

  /** Installs a node's tunnel, replacing whatever tunnel the node had (a fresh key exchange). */
  void install(EspTunnel tunnel);

  /**
   * A re-key of the node's tunnel (RFC 7296 §2.8): the new SAs take over and send where the old
   * outbound SA sends now (the node may have moved, or its NAT's port, since the exchange began);
   * the old inbound SA is still accepted, as the node sends on it until the re-key's answer reaches
   * it, until {@link #remove} names its SPI. Without a tunnel for the node, as {@link #install}.
   */
  void rekey(EspTunnel next);

  /**
   * The SA the gateway receives on under {@code inboundSpi} ends: if it is a node's current one,
   * the node's tunnel goes with it (SAs, policies, routes); if it was kept through a re-key, it is
   * only no longer accepted.
   *
   * @return false if the gateway has no such SA
   */
  boolean remove(int inboundSpi);

  /**
   * Hands {@code receiver} the IKE messages that arrive on the gateway's UDP port 4500 behind the
   * non-ESP marker, on the gateway's thread, until the returned handle is closed. One receiver at a
   * time.
   *
   * @throws IllegalStateException if another receiver holds the port
   */
  Subscription receiveNatTraversalIke(Consumer<IkeDatagram> receiver);

  /**
   * Sends an IKE message from the gateway's port 4500, behind the non-ESP marker.
   *
   * @throws IllegalArgumentException unless it is from the gateway's public address and port 4500
   */
  void sendNatTraversalIke(IkeDatagram datagram);

  /** Ends a subscription; closing twice is harmless. */
  @FunctionalInterface
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
