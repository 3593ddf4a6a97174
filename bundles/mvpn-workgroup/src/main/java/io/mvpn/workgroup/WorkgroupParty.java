package io.mvpn.workgroup;

import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * An initiating party of a workgroup (seed 002 c5, c7): for each peer it may reach, a
 * unidirectional ESP SA from its private address to the peer's gateway. The peer is named by its
 * member id, not by its address, because the peer's private address may equal one in our own realm
 * (or our own). Runs on the party's VRF scheduler.
 */
public final class WorkgroupParty {

  private final MemberId self;
  private final Vrf vrf;
  private final Map<MemberId, EspSecurityAssociation> outbound = new HashMap<>();

  public WorkgroupParty(MemberId self, Vrf vrf) {
    this.self = self;
    this.vrf = vrf;
  }

  public MemberId self() {
    return self;
  }

  /** The SA toward {@code peer}'s gateway (its tunnel destination is that gateway). */
  public void addPeer(MemberId peer, EspSecurityAssociation sa) {
    if (sa.direction() != EspSecurityAssociation.Direction.OUTBOUND) {
      throw new IllegalArgumentException("SA " + sa.spi() + " is not outbound");
    }
    outbound.put(peer, sa);
  }

  /** Forgets the SA toward {@code peer}; true if there was one. */
  public boolean removePeer(MemberId peer) {
    return outbound.remove(peer) != null;
  }

  /**
   * Sends one datagram (our private address to the peer's) through the peer's SA; our gateway
   * carries the ESP on in IP-IP. Takes ownership. False if there is no SA for the peer.
   */
  public boolean send(MemberId peer, ByteBuf datagram) {
    EspSecurityAssociation sa = outbound.get(peer);
    try {
      if (sa == null) {
        return false;
      }
      return vrf.send(sa.encapsulate(vrf.alloc(), Ipv4Packet.parse(datagram), 64));
    } catch (MalformedPacketException | EspException e) {
      return false;
    } finally {
      datagram.release();
    }
  }
}
