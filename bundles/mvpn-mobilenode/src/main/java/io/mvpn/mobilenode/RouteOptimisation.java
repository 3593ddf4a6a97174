package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.BindingAcknowledge;
import io.mvpn.packet.mip.BindingMessage;
import io.mvpn.packet.mip.BindingRequest;
import io.mvpn.packet.mip.BindingUpdate;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mobile node's side of route optimisation (draft-ietf-mobileip-optim-11, seed 000 claim 3): a
 * datagram from a correspondent that reached the node through its home agent's tunnel is the
 * correspondent's "control packet"; the node answers it with an authenticated binding update (at
 * most one per correspondent per {@code minInterval}, so a stream arriving before the update takes
 * effect does not become a stream of updates; a lost update is thereby retried by the traffic
 * itself). On every registration, a move's or a refresh's, the node updates each correspondent it
 * has told, and on coming home it withdraws their bindings: the node, which holds the correspondent
 * keys, keeps them current, rather than the home agent through binding warnings, so the home agent
 * needs no key of any correspondent. A binding request is answered with an update; an acknowledge
 * with 133 makes the node adopt that correspondent's time once and send again.
 *
 * <p>Only correspondents it holds a key for are told; datagrams tunnelled straight to the care-of
 * address are taken only from a correspondent the node has told, and only from the tunnel endpoint
 * its authenticated acknowledge or request came from. Runs on the node's scheduler.
 */
public final class RouteOptimisation implements TunnelObserver {

  /** A correspondent the node has told, for the shell and tests. */
  public record Told(Ipv4Address correspondent, Ipv4Address careOf, boolean acknowledged) {}

  private static final class Peer {
    final Ipv4Address address;
    final MobilitySecurityAssociation sa;
    final TimestampIdentifications ids;
    long lastSentNanos = Long.MIN_VALUE / 2;
    long pendingId;
    Ipv4Address careOfSent;
    // Where the correspondent's direct tunnel starts: the outer source of its authenticated binding
    // messages. Until one arrived, only such a message is taken straight from it.
    int tunnelEndpoint;
    boolean endpointKnown;
    boolean told;
    boolean acknowledged;
    boolean resynchronized;
    boolean requestAnswered;
    long lastRequestId;

    Peer(Ipv4Address address, MobilitySecurityAssociation sa, TimestampIdentifications ids) {
      this.address = address;
      this.sa = sa;
      this.ids = ids;
    }
  }

  private final MobileNode node;
  private final Scheduler scheduler;
  private final int lifetimeSeconds;
  private final long minIntervalNanos;
  private final Map<Integer, Peer> peers = new LinkedHashMap<>();
  private MobileNode.Attachment at;
  private Ipv4Address careOf; // null: at home or not registered
  private long updatesSent;
  private long acknowledgesAccepted;
  private long rateLimited;
  private long directReceived;
  private long directRefused;
  private long refusedMessages;

  /**
   * Observes {@code node}; {@code correspondents} are MN-CN associations (peer = the
   * correspondent's address), {@code lifetimeSeconds} the longest binding asked for.
   */
  public RouteOptimisation(
      MobileNode node,
      List<AssociationSpec> correspondents,
      int lifetimeSeconds,
      long minInterval,
      TimeUnit unit,
      Scheduler scheduler,
      long epochOffsetNanos) {
    this.node = node;
    this.scheduler = scheduler;
    this.lifetimeSeconds = lifetimeSeconds;
    this.minIntervalNanos = unit.toNanos(minInterval);
    for (AssociationSpec spec : correspondents) {
      peers.put(
          spec.peer().toInt(),
          new Peer(
              spec.peer(),
              spec.toAssociation(),
              new TimestampIdentifications(scheduler, epochOffsetNanos)));
    }
    node.observeTunnels(this);
  }

  @Override
  public boolean admits(boolean fromHomeAgent, int outerSource, Ipv4Packet inner) {
    Peer peer = peers.get(inner.source());
    if (fromHomeAgent) {
      if (peer != null && careOf != null) {
        if (scheduler.nanoTime() - peer.lastSentNanos < minIntervalNanos) {
          rateLimited++;
        } else {
          send(peer);
        }
      }
      return true;
    }
    if (peer == null
        || !peer.told
        || careOf == null
        || inner.destination() != node.homeAddress().toInt()) {
      directRefused++;
      return false;
    }
    if (authenticBindingMessage(peer, inner)) {
      peer.tunnelEndpoint = outerSource;
      peer.endpointKnown = true;
    } else if (!peer.endpointKnown || outerSource != peer.tunnelEndpoint) {
      // The inner source alone proves nothing: anyone can tunnel a packet that claims it.
      directRefused++;
      return false;
    }
    directReceived++;
    return true;
  }

  private boolean authenticBindingMessage(Peer peer, Ipv4Packet inner) {
    if (inner.protocol() != 17) {
      return false;
    }
    try {
      UdpDatagram udp = UdpDatagram.parse(inner);
      if (udp.destinationPort() != MipConstants.PORT
          || !BindingMessage.isBindingMessage(udp.payload())) {
        return false;
      }
      BindingMessage message = BindingMessage.parse(udp.payload());
      return (message instanceof BindingAcknowledge || message instanceof BindingRequest)
          && message.homeAddress() == node.homeAddress().toInt()
          && message.verify(peer.sa);
    } catch (MalformedPacketException e) {
      return false;
    }
  }

  @Override
  public void registered(MobileNode.Attachment attachment, Ipv4Address careOfAddress) {
    at = attachment;
    careOf = careOfAddress;
    for (Peer peer : peers.values()) {
      if (peer.told) {
        send(peer);
      }
    }
  }

  @Override
  public void bindingMessage(MobileNode.Attachment attachment, UdpDatagram udp) {
    Peer peer = peers.get(udp.ip().source());
    BindingMessage message;
    try {
      message = BindingMessage.parse(udp.payload());
    } catch (MalformedPacketException e) {
      attachment.vrf().counters().onMalformed(e.reason());
      refusedMessages++;
      return;
    }
    if (peer == null
        || message.homeAddress() != node.homeAddress().toInt()
        || !message.verify(peer.sa)) {
      refusedMessages++;
      return;
    }
    // A 133 carries the correspondent's time in its high 32 bits, our update's low 32 below it.
    if (message instanceof BindingAcknowledge ack
        && (ack.identification() == peer.pendingId
            || ack.status() == BindingAcknowledge.IDENTIFICATION_MISMATCH
                && (ack.identification() & 0xFFFFFFFFL) == (peer.pendingId & 0xFFFFFFFFL))) {
      onAcknowledge(peer, ack);
    } else if (message instanceof BindingRequest request && careOf != null) {
      // A replayed request would otherwise buy an update each time, past the rate limit.
      if (peer.requestAnswered
          && Long.compareUnsigned(request.identification(), peer.lastRequestId) <= 0) {
        refusedMessages++;
      } else if (scheduler.nanoTime() - peer.lastSentNanos < minIntervalNanos) {
        rateLimited++;
      } else {
        peer.requestAnswered = true;
        peer.lastRequestId = request.identification();
        send(peer);
      }
    }
  }

  private void onAcknowledge(Peer peer, BindingAcknowledge ack) {
    if (ack.isAccepted()) {
      peer.acknowledged = true;
      acknowledgesAccepted++;
    } else if (ack.status() == BindingAcknowledge.IDENTIFICATION_MISMATCH && !peer.resynchronized) {
      peer.resynchronized = true;
      peer.ids.adoptPeerTime(ack.identification());
      send(peer);
    }
  }

  /** An update with the current care-of address, or a removal when at home. */
  private void send(Peer peer) {
    if (at == null) {
      return;
    }
    int home = node.homeAddress().toInt();
    long now = scheduler.nanoTime();
    int lifetime = 0;
    if (careOf != null) {
      long left = TimeUnit.NANOSECONDS.toSeconds(node.registeredUntilNanos() - now);
      lifetime = (int) Math.max(1, Math.min(lifetimeSeconds, left));
    }
    long id = peer.ids.next();
    ByteBuf update =
        BindingUpdate.build(
            at.vrf().alloc(),
            BindingUpdate.FLAG_ACKNOWLEDGE | BindingUpdate.FLAG_IDENTIFICATION,
            lifetime,
            home,
            careOf == null ? home : careOf.toInt(),
            id,
            peer.sa);
    at.vrf()
        .sendUdp(node.homeAddress(), peer.address, MipConstants.PORT, MipConstants.PORT, update);
    update.release();
    peer.pendingId = id;
    peer.lastSentNanos = now;
    peer.careOfSent = careOf;
    peer.told = careOf != null;
    peer.acknowledged = false;
    updatesSent++;
  }

  /** The correspondents told of a care-of address, with what and whether they acknowledged. */
  public List<Told> told() {
    List<Told> out = new ArrayList<>();
    for (Peer p : peers.values()) {
      if (p.told) {
        out.add(new Told(p.address, p.careOfSent, p.acknowledged));
      }
    }
    return out;
  }

  public long updatesSent() {
    return updatesSent;
  }

  public long acknowledgesAccepted() {
    return acknowledgesAccepted;
  }

  /** Datagrams from the home agent that found an update to their source sent too recently. */
  public long rateLimited() {
    return rateLimited;
  }

  /** Datagrams a correspondent tunnelled straight to the care-of address. */
  public long directReceived() {
    return directReceived;
  }

  /** Datagrams tunnelled straight to the care-of address that no told correspondent sent. */
  public long directRefused() {
    return directRefused;
  }

  /** Binding messages dropped: broken, from no correspondent we know, or not authentic. */
  public long refusedMessages() {
    return refusedMessages;
  }

  @Override
  public String toString() {
    return "route optimisation: "
        + told().size()
        + " correspondents told, "
        + updatesSent
        + " sent";
  }
}
