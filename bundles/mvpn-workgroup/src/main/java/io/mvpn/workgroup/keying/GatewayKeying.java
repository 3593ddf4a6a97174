package io.mvpn.workgroup.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.ike.fabric.VrfIkePort;
import io.mvpn.ike.message.IdentificationPayload;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.IkeSaManager;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.workgroup.WorkgroupGateway;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The IKEv2 responder of a workgroup gateway (seed 002 c8-c11). A party behind another tenant's
 * gateway keys its unidirectional SA into our realm with IKE sent to our public address inside that
 * gateway's IP-IP tunnel. It is admitted only if its certificate validates, names the tunnel source
 * in a subjectAltName IP address (c10, c11), and its ID is the FQDN the directory holds for the
 * member at the IKE source address behind that gateway, a member of some workgroup. Then the
 * inbound half of each Child SA goes into the gateway for (tunnel source, SPI) with that member as
 * its party; the outbound half is left unused, since the reverse direction is keyed by the other
 * party (c7, c12).
 *
 * <p>One {@link IkeSaManager} for the gateway's IKE endpoint (its public address, port 500), as
 * strongSwan keeps one per local endpoint, with one peer configuration for every party. The same
 * private address behind two gateways is two parties, so each datagram carries the tunnel it came
 * through ({@link Datagram#via}): an IKE SA answers only through the tunnel it was set up through,
 * takes nothing from another, and its party must be the member behind that tunnel source. Runs on
 * the gateway's scheduler; not thread-safe.
 */
public final class GatewayKeying implements AutoCloseable {

  private final WorkgroupGateway gateway;
  private final WorkgroupService directory;
  private final KeyingCredentials credentials;
  private final List<TrafficSelector> realm;
  private final Scheduler scheduler;

  /** Most Child SAs one party may hold at a time through one IKE SA (re-keys overlap briefly). */
  static final int MAX_CHILD_SAS = 4;

  private final IkeSaManager manager;
  private final IkeEngine engine;
  // Who each IKE SA authenticated as, fixed at IKE_AUTH: not looked up again by address.
  private final Map<IkeSa, MemberId> parties = new java.util.HashMap<>();
  private final List<CertificateAuthenticator.Refusal> refusals = new ArrayList<>();
  private long installed;
  private long notAdmitted;
  private boolean detached;

  /**
   * @param realm our side of every Child SA: the realm's prefixes a party may send to
   */
  public GatewayKeying(
      WorkgroupGateway gateway,
      WorkgroupService directory,
      KeyingCredentials credentials,
      List<TrafficSelector> realm,
      Scheduler scheduler) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.realm = List.copyOf(realm);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.manager =
        new IkeSaManager(
            scheduler,
            this::send,
            new Endpoint(gateway.publicAddress(), Endpoint.IKE_PORT),
            EngineSettings.defaults(),
            credentials.random());
    this.engine = new IkeEngine(manager, peerConfig(), null, true, new Installer());
  }

  public void start() {
    gateway.setKeyExchange(this::receive);
  }

  /** Deletes every IKE SA (the parties learn at once) and takes their SAs out of the gateway. */
  @Override
  public void close() {
    for (IkeSa sa : List.copyOf(engine.sas())) {
      sa.childSas().forEach(c -> gateway.removeInboundSa(sa.via(), c.inbound().spi()));
      engine.delete(sa);
    }
    gateway.setKeyExchange(null);
    parties.clear();
  }

  /**
   * Stops keying without ending any IKE SA, as an update of the bundle does: the parties keep their
   * SAs, whose copies in the store carry their ESP into the next instance of the gateway. Nothing
   * still scheduled here (a retransmission, a timeout) reaches the gateway afterwards.
   */
  public void detach() {
    detached = true;
    gateway.setKeyExchange(null);
    parties.clear();
  }

  /** The IKE SAs of parties behind {@code tunnelSource}. */
  public List<IkeSa> sas(Ipv4Address tunnelSource) {
    return engine.sas().stream().filter(sa -> tunnelSource.equals(sa.via())).toList();
  }

  /** The gateway's one IKE SA manager, for its counters. */
  public IkeSaManager manager() {
    return manager;
  }

  /** Parties refused at IKE_AUTH, oldest first. */
  public List<CertificateAuthenticator.Refusal> refusals() {
    return List.copyOf(refusals);
  }

  /** Inbound SAs installed into the gateway so far. */
  public long installed() {
    return installed;
  }

  /** Child SAs of authenticated parties that were not installed (and deleted again). */
  public long notAdmitted() {
    return notAdmitted;
  }

  private void receive(Ipv4Address tunnelSource, UdpDatagram udp) {
    ByteBuf payload = udp.payload();
    Datagram d = VrfIkePort.datagram(udp, payload);
    manager.receive(new Datagram(d.source(), d.destination(), d.payload(), tunnelSource));
  }

  /** Back to the party through the tunnel its IKE SA came through; nothing without one. */
  private void send(Datagram d) {
    if (detached || d.via() == null) {
      return;
    }
    ByteBuf payload = Unpooled.wrappedBuffer(d.payload());
    try {
      gateway.sendKeyExchange(
          d.via(), d.destination().address(), d.source().port(), d.destination().port(), payload);
    } finally {
      payload.release();
    }
  }

  /**
   * Every party's configuration: the certificate must name the tunnel source the SA came through
   * (c11), and the party must be the member there. Any initiator selector: the gateway admits only
   * the party's own source on the SA anyway.
   */
  private PeerConfig peerConfig() {
    CertificateAuthenticator authenticator =
        new CertificateAuthenticator(
                credentials.credential(), credentials.validator(), credentials.clock())
            .requireTunnelSource(IkeSa::via)
            .withPeerPolicy(this::refusal)
            .withRefusalListener(refusals::add);
    return new PeerConfig(
        Identity.ipv4(gateway.publicAddress()),
        null,
        authenticator,
        realm,
        List.of(TrafficSelector.ipv4(Ipv4Address.of(0), Ipv4Address.of(-1))),
        ProposalPolicy.ikeDefault(),
        ProposalPolicy.espDefault(),
        false);
  }

  /** The member behind {@code tunnelSource} at {@code address}, if the directory has one. */
  private Optional<Member> memberAt(Ipv4Address tunnelSource, Ipv4Address address) {
    return directory.members().stream()
        .filter(m -> m.gatewayAddress().equals(tunnelSource))
        .filter(m -> m.id().privateAddress().equals(address))
        .findFirst();
  }

  /** Null if the authenticated peer is the workgroup member it must be, else why not. */
  private String refusal(IkeSa sa, IdentificationPayload id, X509Certificate cert) {
    if (sa == null || sa.via() == null) {
      return "no SA to find the party by";
    }
    Ipv4Address tunnelSource = sa.via();
    if (sa.natDetected()) {
      // Parties and gateways talk between unique addresses inside IP-IP: a NAT here is a lie that
      // would let the SA follow the sender's address to another member's.
      return "NAT detected on a path that has none";
    }
    Ipv4Address address = sa.remote().address();
    Optional<Member> member = memberAt(tunnelSource, address);
    if (member.isEmpty()) {
      return "no member at " + address + " behind " + tunnelSource;
    }
    String claimed =
        id.idType() == IdentificationPayload.ID_FQDN
            ? new String(id.data().toByteArray(), StandardCharsets.US_ASCII)
            : null;
    if (claimed == null || !Member.normalise(claimed).equals(member.get().fqdn())) {
      return "ID " + id + " is not " + member.get().fqdn() + ", the member at " + address;
    }
    if (directory.workgroupsOf(member.get().id()).isEmpty()) {
      return member.get().fqdn() + " is in no workgroup";
    }
    parties.put(sa, member.get().id());
    return null;
  }

  /**
   * Whether {@code child} may carry {@code party}'s datagrams into the realm now: the directory
   * still holds that member behind {@code tunnelSource} under the FQDN the SA authenticated, the
   * Child SA carries exactly the member's address, and the party holds few enough.
   */
  private boolean admissible(Ipv4Address tunnelSource, IkeSa sa, MemberId party, ChildSa child) {
    Optional<Member> now = directory.member(party);
    Identity claimed = sa.remoteId();
    Ipv4Address address = party.privateAddress();
    return now.isPresent()
        && now.get().gatewayAddress().equals(tunnelSource)
        && claimed != null
        && claimed.equals(Identity.fqdn(now.get().fqdn()))
        && child.remoteSelectors().size() == 1
        && child.remoteSelectors().get(0).isIpv4()
        && child.remoteSelectors().get(0).startIpv4().equals(address)
        && child.remoteSelectors().get(0).endIpv4().equals(address)
        && sa.childSas().size() <= MAX_CHILD_SAS;
  }

  /** Puts the inbound halves into the gateway, and takes them out when IKE ends them. */
  private final class Installer implements IkeEngine.Listener {

    @Override
    public void established(IkeSa sa) {
      sa.childSas().forEach(c -> install(sa, c));
    }

    @Override
    public void childSaCreated(IkeSa sa, ChildSa child) {
      install(sa, child);
    }

    @Override
    public void childSaDeleted(IkeSa sa, ChildSa child) {
      if (!detached) {
        gateway.removeInboundSa(sa.via(), child.inbound().spi());
      }
    }

    @Override
    public void ikeSaRekeyed(IkeSa old, IkeSa successor) {
      MemberId party = parties.remove(old);
      if (party != null) {
        parties.put(successor, party);
      }
    }

    @Override
    public void ended(IkeSa sa) {
      parties.remove(sa);
      if (!detached) {
        sa.childSas().forEach(c -> gateway.removeInboundSa(sa.via(), c.inbound().spi()));
      }
    }

    private void install(IkeSa sa, ChildSa child) {
      if (detached) {
        return;
      }
      MemberId party = parties.get(sa);
      Ipv4Address tunnelSource = sa.via();
      if (party == null || !admissible(tunnelSource, sa, party, child)) {
        // Not this party's to have (it left, or asked for more than its own address): the Child
        // SA goes again, nothing installed.
        notAdmitted++;
        scheduler.execute(() -> engine.deleteChildSa(sa, child));
        return;
      }
      gateway.addInboundSa(new WorkgroupGateway.InboundSa(tunnelSource, party, child.inbound()));
      installed++;
    }
  }
}
