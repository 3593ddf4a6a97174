package io.mvpn.workgroup.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.workgroup.WorkgroupParty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The IKEv2 initiator of a workgroup party (seed 002 c7-c10, c13): for each peer it learnt from the
 * portal (FQDN, private address, gateway), an IKE SA with the peer's gateway whose Child SA carries
 * exactly our address to the peer's. The outbound half becomes the party's SA toward that peer; the
 * inbound half is never used (the peer keys the other direction itself, c12). Our certificate names
 * our FQDN and our gateway's public address (c10), which the peer's gateway matches against the
 * tunnel our datagrams arrive through (c11).
 *
 * <p>Each peer has an engine of its own (its selectors differ), all on our IKE port; answers go to
 * the engine whose SA their initiator SPI names. Runs on the party's VRF scheduler.
 */
public final class PartyKeying implements AutoCloseable {

  private final WorkgroupParty party;
  private final String fqdn;
  private final Vrf vrf;
  private final KeyingCredentials credentials;
  private final Map<MemberId, IkeEngine> engines = new HashMap<>();
  private final Map<Long, IkeEngine> bySpi = new HashMap<>();
  private final Map<MemberId, IkeSa> established = new HashMap<>();
  private Registration port;
  private long strays;

  public PartyKeying(WorkgroupParty party, String fqdn, Vrf vrf, KeyingCredentials credentials) {
    this.party = Objects.requireNonNull(party, "party");
    this.fqdn = Member.normalise(fqdn);
    this.vrf = Objects.requireNonNull(vrf, "vrf");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  public void start() {
    port = vrf.bindUdp(Endpoint.IKE_PORT, (v, in, udp) -> receive(udp));
  }

  @Override
  public void close() {
    if (port != null) {
      port.close();
      port = null;
    }
    engines.keySet().forEach(party::removePeer);
    engines.clear();
    bySpi.clear();
    established.clear();
  }

  /** Starts keying our SA toward {@code peer}; {@link #sa} tells when it is up. */
  public void connect(Member peer) {
    IkeEngine engine = engines.computeIfAbsent(peer.id(), id -> newEngine(peer));
    IkeSa sa = engine.initiate(new Endpoint(peer.gatewayAddress(), Endpoint.IKE_PORT));
    bySpi.put(sa.spiI(), engine);
  }

  /** Ends the IKE SA toward {@code peer}, and with it our SA to that peer and its gateway's. */
  public void delete(MemberId peer) {
    IkeSa sa = established.get(peer);
    if (sa != null) {
      engines.get(peer).delete(sa);
    }
  }

  /** The IKE SA keying our SA toward {@code peer}, once established. */
  public Optional<IkeSa> sa(MemberId peer) {
    return Optional.ofNullable(established.get(peer));
  }

  /** Answers no engine of ours asked for. */
  public long strays() {
    return strays;
  }

  private void receive(UdpDatagram udp) {
    ByteBuf payload = udp.payload();
    IkeEngine engine =
        payload.readableBytes() >= 8 ? bySpi.get(payload.getLong(payload.readerIndex())) : null;
    if (engine == null) {
      strays++;
      return;
    }
    engine.receive(
        new Datagram(
            new Endpoint(Ipv4Address.of(udp.ip().source()), udp.sourcePort()),
            new Endpoint(Ipv4Address.of(udp.ip().destination()), udp.destinationPort()),
            ByteBufUtil.getBytes(payload)));
  }

  private IkeEngine newEngine(Member peer) {
    Ipv4Address self = party.self().privateAddress();
    PeerConfig config =
        new PeerConfig(
            Identity.fqdn(fqdn),
            Identity.ipv4(peer.gatewayAddress()),
            new CertificateAuthenticator(
                credentials.credential(), credentials.validator(), credentials.clock()),
            List.of(TrafficSelector.ipv4(self, self)),
            List.of(TrafficSelector.ipv4(peer.id().privateAddress(), peer.id().privateAddress())),
            ProposalPolicy.ikeDefault(),
            ProposalPolicy.espDefault(),
            false);
    return new IkeEngine(
        vrf.scheduler(),
        this::send,
        new Endpoint(self, Endpoint.IKE_PORT),
        config,
        EngineSettings.defaults(),
        credentials.random(),
        new Installer(peer.id()));
  }

  private void send(Datagram d) {
    ByteBuf payload = Unpooled.wrappedBuffer(d.payload());
    vrf.sendUdp(
        d.source().address(),
        d.destination().address(),
        d.source().port(),
        d.destination().port(),
        payload);
    payload.release();
  }

  /** The outbound half becomes the party's SA toward the peer; it goes when IKE ends it. */
  private final class Installer implements IkeEngine.Listener {
    private final MemberId peer;

    Installer(MemberId peer) {
      this.peer = peer;
    }

    @Override
    public void established(IkeSa sa) {
      established.put(peer, sa);
      sa.childSas().stream().findFirst().ifPresent(c -> party.addPeer(peer, c.outbound()));
    }

    @Override
    public void childSaCreated(IkeSa sa, ChildSa child) {
      party.addPeer(peer, child.outbound()); // a re-key: the new SA replaces the old one
    }

    @Override
    public void ended(IkeSa sa) {
      bySpi.remove(sa.spiI());
      if (established.remove(peer, sa)) {
        party.removePeer(peer);
      }
    }
  }
}
