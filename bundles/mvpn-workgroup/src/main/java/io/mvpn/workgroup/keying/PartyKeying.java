package io.mvpn.workgroup.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ike.fabric.VrfIkePort;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.net.Vrf;
import io.mvpn.workgroup.WorkgroupParty;
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
 * <p>Each peer has a configuration of its own (its selectors differ), all on our IKE port's one
 * manager ({@link VrfIkePort}), which gives each answer to the SA it names. Runs on the party's VRF
 * scheduler.
 */
public final class PartyKeying implements AutoCloseable {

  private final WorkgroupParty party;
  private final String fqdn;
  private final KeyingCredentials credentials;
  private final Map<MemberId, IkeEngine> engines = new HashMap<>();
  private final Map<MemberId, IkeSa> established = new HashMap<>();
  private final VrfIkePort port;

  public PartyKeying(WorkgroupParty party, String fqdn, Vrf vrf, KeyingCredentials credentials) {
    this.party = Objects.requireNonNull(party, "party");
    this.fqdn = Member.normalise(fqdn);
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.port =
        new VrfIkePort(
            Objects.requireNonNull(vrf, "vrf"),
            party.self().privateAddress(),
            EngineSettings.defaults(),
            credentials.random());
  }

  public void start() {
    port.start();
  }

  @Override
  public void close() {
    port.close();
    engines.keySet().forEach(party::removePeer);
    engines.clear();
    established.clear();
  }

  /** Starts keying our SA toward {@code peer}; {@link #sa} tells when it is up. */
  public void connect(Member peer) {
    engines
        .computeIfAbsent(peer.id(), id -> newEngine(peer))
        .initiate(new Endpoint(peer.gatewayAddress(), Endpoint.IKE_PORT));
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
    return port.strays();
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
    return new IkeEngine(port.manager(), config, null, false, new Installer(peer.id()));
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

    /** The Child SA, and so the party's SA, goes on under the new IKE SA. */
    @Override
    public void ikeSaRekeyed(IkeSa old, IkeSa successor) {
      established.replace(peer, old, successor);
    }

    @Override
    public void ended(IkeSa sa) {
      if (established.remove(peer, sa)) {
        party.removePeer(peer);
      }
    }
  }
}
