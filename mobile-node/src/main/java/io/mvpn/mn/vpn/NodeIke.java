package io.mvpn.mn.vpn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.fabric.VrfIkePort;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.IkeSaManager;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.mobilenode.vpn.TunnelEstablishment;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The node's IKEv2 initiator toward its security gateway, over whichever access network the node is
 * in, authenticated with its certificate. It always asks for ESP in UDP 4500 (RFC 3948): its own
 * end is the unspecified address to IKE, so the NAT_DETECTION_SOURCE_IP it sends never matches what
 * the gateway sees and both ends take the NAT-T path, as strongSwan's {@code encap = yes} does. The
 * host then needs no raw ESP socket, and a NAT on the way (or a new one after a move) changes
 * nothing. The Child SA's ESP SAs are handed over pointed at the real care-of address.
 *
 * <p>Runs on the node's scheduler.
 */
public final class NodeIke implements TunnelEstablishment {

  /** IKE's idea of our address: none, so that every gateway sees a NAT in front of us. */
  static final Ipv4Address UNSPECIFIED = Ipv4Address.of(0);

  private final Ipv4Address gateway;
  private final IkeSaManager manager;
  private final IkeEngine engine;
  private Vrf vrf;
  private Ipv4Address careOf;
  private final Scheduler scheduler;
  // Made with the node, not in the move: a lambda's first evaluation links it, which costs the
  // loop half a millisecond that the datagrams behind the reply would wait.
  private final Runnable follow = this::follow;
  private IkeSa following;
  private IkeSa current;
  private long followed;
  private BiConsumer<EspSecurityAssociation, EspSecurityAssociation> waiting;
  private Ipv4Address waitingCareOf;
  private long established;

  /** How long after a fast handover's reply the IKE SA follows the node ({@link #moved}). */
  static final long FOLLOW_DELAY_MILLIS = 20;

  public NodeIke(
      Scheduler scheduler,
      VpnSettings vpn,
      Ipv4Address homeAddress,
      Ipv4Address homeAgent,
      List<Prefix> routes) {
    this.scheduler = scheduler;
    this.gateway = vpn.gateway();
    List<TrafficSelector> remote = new ArrayList<>();
    remote.add(TrafficSelector.ipv4(homeAgent, homeAgent));
    for (Prefix p : routes) {
      int last = p.networkInt() | ~Prefix.mask(p.length());
      remote.add(TrafficSelector.ipv4(p.network(), Ipv4Address.of(last)));
    }
    PeerConfig config =
        new PeerConfig(
            Identity.fqdn(vpn.identity()),
            Identity.ipv4(vpn.gateway()),
            new CertificateAuthenticator(
                vpn.credential(), CertificateValidator.trusting(vpn.ca()), Instant::now),
            List.of(TrafficSelector.ipv4(homeAddress, homeAddress)),
            remote,
            vpn.ike(),
            vpn.esp(),
            false);
    SecureRandom random = new SecureRandom();
    this.manager =
        new IkeSaManager(
            scheduler,
            this::send,
            new Endpoint(UNSPECIFIED, Endpoint.IKE_PORT),
            EngineSettings.defaults(),
            random);
    this.engine =
        new IkeEngine(manager, config, null, false, IkeEngine.Listener.of(this::up, sa -> {}));
  }

  /** The access network IKE speaks through from now on: its VRF and our address there. */
  public void through(Vrf accessVrf, Ipv4Address address) {
    this.vrf = accessVrf;
    this.careOf = address;
  }

  /** An IKE datagram that reached the host's port 500. */
  public void receive(UdpDatagram udp) {
    manager.receive(datagram(udp, Endpoint.IKE_PORT));
  }

  /** A datagram of port 4500 that starts with the non-ESP marker. */
  public void receiveNatT(UdpDatagram udp) {
    manager.receiveNatT(datagram(udp, Endpoint.NAT_T_PORT));
  }

  private static Datagram datagram(UdpDatagram udp, int port) {
    ByteBuf payload = udp.payload();
    return new Datagram(
        new Endpoint(Ipv4Address.of(udp.ip().source()), udp.sourcePort()),
        new Endpoint(UNSPECIFIED, port),
        ByteBufUtil.getBytes(payload));
  }

  /** Sends from our care-of address, the port IKE chose; behind the marker on 4500. */
  private void send(Datagram d) {
    if (vrf == null) {
      return;
    }
    ByteBuf payload = VrfIkePort.udpPayload(d);
    vrf.sendUdp(
        careOf, d.destination().address(), d.source().port(), d.destination().port(), payload);
    payload.release();
  }

  /**
   * A fresh IKE SA from {@code from}; the one before (if any) is deleted: its SAs are replaced, and
   * the gateway learns it when the Delete reaches it.
   */
  @Override
  public void establish(
      Ipv4Address from, BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready) {
    delete();
    waiting = ready;
    waitingCareOf = from;
    current = engine.initiate(new Endpoint(gateway, Endpoint.IKE_PORT));
  }

  private void up(IkeSa sa) {
    if (sa != current || waiting == null || sa.childSas().isEmpty()) {
      return;
    }
    established++;
    ChildSa child = sa.childSas().get(0);
    EspSecurityAssociation in = child.inbound();
    EspSecurityAssociation out = child.outbound();
    in.repoint(gateway, waitingCareOf);
    out.repoint(waitingCareOf, gateway);
    BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready = waiting;
    waiting = null;
    ready.accept(in, out);
  }

  /**
   * After a fast handover the IKE SA still names our old address at the gateway; an authenticated
   * request from the new one moves it there (RFC 7296 §2.23: both ends see a NAT, as above), so the
   * gateway's answers, its re-keys and the Delete at {@code down} reach us. An empty INFORMATIONAL,
   * as a liveness check, is that request. It goes {@link #FOLLOW_DELAY_MILLIS} after the
   * registration's reply, not with it: the datagrams the gateway now sends to the new address come
   * right behind the reply, and building and encrypting the request, code that runs for the first
   * time in a move, would hold them on the loop for a millisecond or more, where the IKE SA can
   * wait.
   */
  @Override
  public void moved(Ipv4Address careOf) {
    if (current != null && waiting == null) {
      following = current;
      scheduler.schedule(FOLLOW_DELAY_MILLIS, TimeUnit.MILLISECONDS, follow);
    }
  }

  /** The liveness check {@link #moved} put off, unless the IKE SA was deleted or replaced since. */
  private void follow() {
    IkeSa sa = following;
    following = null;
    if (sa != null && sa == current && waiting == null) {
      engine.checkLiveness(sa);
      followed++;
    }
  }

  /** IKE SAs told to follow a fast handover, since the start. */
  public long followed() {
    return followed;
  }

  /** Sends the gateway a Delete of the current IKE SA (its Child SAs go with it), if any. */
  public void delete() {
    if (current != null) {
      engine.delete(current);
      current = null;
    }
  }

  /** IKE SAs set up with a Child SA, since the start. */
  public long established() {
    return established;
  }

  /** Whether an IKE SA is up with the gateway. */
  public boolean up() {
    return current != null && waiting == null;
  }
}
