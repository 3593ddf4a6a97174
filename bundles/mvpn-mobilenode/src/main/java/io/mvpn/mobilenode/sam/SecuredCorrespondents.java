package io.mvpn.mobilenode.sam;

import io.mvpn.api.Ipv4Address;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Registration;
import io.mvpn.net.UdpHandler;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.sam.client.SaKeeper;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.client.SamEspPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A mobile node's datagrams to the correspondents its security association manager knows, in ESP on
 * the SAs the manager hands out (seed 000 c1). The SA is made between the home address and the
 * correspondent's, so it does not depend on where the node is: its ESP leaves from the home address
 * through whichever attachment is active (inside the Mobile IP tunnel while away, directly at
 * home), and ESP for the home address comes back the same way. A move changes the path, never the
 * SA, so the traffic goes on with no message to the manager.
 *
 * <p>KINK to the manager (UDP 910) travels the same way, from the home address: a node away from
 * home reaches the manager of its home network through its home agent.
 *
 * <p>Built after the node's attachments are added; runs on the node's scheduler. It takes ESP and
 * UDP 910 on every attachment's VRF, so it cannot share one with another function that takes them
 * (inner IPsec, the VPN mode): it refuses to start then, holding nothing.
 */
public final class SecuredCorrespondents implements AutoCloseable {

  /** KINK's port (RFC 4430 section 3). */
  public static final int KINK_PORT = 910;

  private final MobileNode node;
  private final SamClient client;
  private final SamEspPath.Peers peers;
  private final SamEspPath path;
  private final List<Registration> registrations = new ArrayList<>();
  private long notAttached;
  private long clearFromPeer;

  /**
   * @param client the node's SAM client, its KINK sent with {@link #kinkTo}
   * @param peers the correspondents the manager keys SAs with, by name and address
   */
  public SecuredCorrespondents(
      MobileNode node, SamClient client, SamEspPath.Peers peers, SamEspPath.Settings settings) {
    this.node = node;
    this.client = client;
    this.peers = peers;
    this.path =
        new SamEspPath(
            client,
            node.homeAddress(),
            peers,
            ByteBufAllocator.DEFAULT,
            this::toNetwork,
            this::toNode,
            settings,
            SaKeeper.IN_MEMORY);
    for (MobileNode.Attachment a : node.attachments()) {
      try {
        claim(a.vrf());
      } catch (IllegalStateException e) {
        close(); // nothing stays claimed on the attachments before this one
        throw new IllegalStateException(
            "attachment "
                + a.name()
                + ": its VRF already takes ESP or UDP "
                + KINK_PORT
                + " (inner IPsec or the VPN mode on the same attachment?); the SAM path cannot"
                + " share them",
            e);
      }
    }
  }

  /** ESP and KINK on one attachment's VRF: both exclusive there. */
  private void claim(Vrf vrf) {
    // The VRF's buffer is valid only during the call; the path takes a copy it owns.
    registrations.add(
        vrf.registerProtocol(
            IpProtocol.ESP, (v, in, packet) -> path.receive(packet.datagram().copy())));
    registrations.add(
        vrf.bindUdp(
            KINK_PORT,
            (v, in, udp) -> {
              if (udp.sourcePort() == KINK_PORT) {
                client.receive(ByteBufUtil.getBytes(udp.payload()));
              }
            }));
  }

  /**
   * Where a node's SAM client sends its KINK: to {@code manager}'s port 910 from the home address,
   * through the attachment active when it is sent; dropped while the node is attached nowhere (the
   * client asks again after its retry wait).
   */
  public static Consumer<byte[]> kinkTo(MobileNode node, Ipv4Address manager) {
    return datagram -> {
      MobileNode.Attachment at = node.active();
      if (at != null) {
        at.vrf()
            .sendUdp(
                node.homeAddress(),
                manager,
                KINK_PORT,
                KINK_PORT,
                Unpooled.wrappedBuffer(datagram));
      }
    };
  }

  /**
   * Sends a datagram the node originates from its home address: in ESP if it is for a correspondent
   * the manager knows, else as the active attachment routes it. Takes the buffer.
   */
  public void send(ByteBuf datagram) {
    Ipv4Address destination;
    try {
      destination = Ipv4Packet.parse(datagram).destinationAddress();
    } catch (MalformedPacketException e) {
      destination = null; // the path counts it as malformed
    }
    if (destination != null && peers.nodeAt(destination) == null) {
      toNetwork(datagram);
      return;
    }
    path.send(datagram);
  }

  /**
   * Binds one of the node's applications to a UDP port on every attachment. It hears what ESP
   * brought from a correspondent and what other hosts send in the clear, never a correspondent's
   * datagram that came in the clear: RFC 4301 §5.2 has traffic a PROTECT policy covers discarded
   * when it arrives unprotected, so it is dropped and counted ({@link #droppedClearFromPeer}).
   */
  public Registration bindUdp(int port, UdpHandler handler) {
    List<Registration> bound = new ArrayList<>();
    Registration all = () -> bound.forEach(Registration::close);
    try {
      for (MobileNode.Attachment a : node.attachments()) {
        bound.add(
            a.vrf()
                .bindUdp(
                    port,
                    (v, in, udp) -> {
                      // No ingress: the loopback of what the path opened (toNode).
                      if (in != null && peers.nodeAt(udp.ip().sourceAddress()) != null) {
                        clearFromPeer++;
                        return;
                      }
                      handler.receive(v, in, udp);
                    }));
      }
    } catch (RuntimeException e) {
      all.close();
      throw e;
    }
    registrations.add(all);
    return all;
  }

  /** Correspondents' datagrams that arrived in the clear, dropped. */
  public long droppedClearFromPeer() {
    return clearFromPeer;
  }

  /** The node's ESP data path, with its counters. */
  public SamEspPath path() {
    return path;
  }

  /** The node's SAM client, with its counters. */
  public SamClient client() {
    return client;
  }

  /** The SAs the node holds now. */
  public List<HeldSa> sas() {
    return HeldSa.of(client);
  }

  /** Datagrams dropped because the node was attached nowhere. */
  public long droppedNotAttached() {
    return notAttached;
  }

  private void toNetwork(ByteBuf datagram) {
    MobileNode.Attachment at = node.active();
    if (at == null) {
      notAttached++;
      datagram.release();
      return;
    }
    at.vrf().send(datagram);
  }

  /**
   * What came out of ESP is for the home address only (the path checked it): looped back to the
   * active attachment's own handlers, never routed on.
   */
  private void toNode(ByteBuf inner) {
    MobileNode.Attachment at = node.active();
    if (at == null || !at.vrf().isLocal(node.homeAddress().toInt())) {
      notAttached++;
      inner.release();
      return;
    }
    at.vrf().send(inner);
  }

  @Override
  public void close() {
    registrations.forEach(Registration::close);
    path.close();
  }
}
