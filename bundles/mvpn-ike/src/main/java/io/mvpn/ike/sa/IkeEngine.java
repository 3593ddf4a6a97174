package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.message.Transform;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One peer configuration served by an endpoint's {@link IkeSaManager}, and what the other modules
 * ask of IKE through it: start an SA with that configuration, delete, re-key, add a Child SA, move
 * it (MOBIKE); and a {@link Listener} for what happens to its SAs. An engine made with its own
 * transport has an endpoint of its own (its manager serves it alone); several engines on one
 * manager share the endpoint, and the manager gives each IKE SA the configuration of the peer it
 * talks to.
 *
 * <p>All methods run on the manager's scheduler thread.
 */
public final class IkeEngine {

  /** What happens to the SAs, for whoever installs Child SAs or reports state. */
  public interface Listener {

    /** IKE_AUTH done: both ends authenticated, Child SAs (if any) in {@link IkeSa#childSas()}. */
    default void established(IkeSa sa) {}

    /** The SA is gone: deleted by either end, failed, or its peer stopped answering. */
    default void ended(IkeSa sa) {}

    /** The peer deleted one Child SA of an IKE SA that stays up (§1.4.1). */
    default void childSaDeleted(IkeSa sa, ChildSa child) {}

    /** A Child SA came in by CREATE_CHILD_SA (a re-key or an additional one), at either end. */
    default void childSaCreated(IkeSa sa, ChildSa child) {}

    /**
     * A re-key replaced {@code old} by {@code successor} (§2.18), at either end: the Child SAs are
     * the successor's now, unchanged, and {@code old} ends, without them, once it is deleted.
     */
    default void ikeSaRekeyed(IkeSa old, IkeSa successor) {}

    /** A listener of two callbacks, e.g. {@code List::add} of two lists. */
    static Listener of(Consumer<IkeSa> established, Consumer<IkeSa> ended) {
      return new Listener() {
        @Override
        public void established(IkeSa sa) {
          established.accept(sa);
        }

        @Override
        public void ended(IkeSa sa) {
          ended.accept(sa);
        }
      };
    }
  }

  private final IkeSaManager manager;
  private final PeerConfig config;
  private final Endpoint remote;
  private final boolean responds;
  private final Listener listener;
  private MobikePolicy mobikePolicy = MobikePolicy.defaults();
  private boolean espFollowsIke = true;

  /** The one peer configuration of an endpoint of its own: it answers anyone's IKE_SA_INIT. */
  public IkeEngine(
      Scheduler scheduler,
      Transport transport,
      Endpoint local,
      PeerConfig config,
      EngineSettings settings,
      SecureRandom random,
      Listener listener) {
    this(
        new IkeSaManager(scheduler, transport, local, settings, random),
        config,
        null,
        true,
        listener);
  }

  /**
   * One peer configuration of a shared endpoint's {@link IkeSaManager}.
   *
   * @param remote where this peer is: the IKE_SA_INIT requests from there are this configuration's
   *     (from its address, if no configuration names the port); null: from anywhere no other
   *     configuration names
   * @param responds whether this configuration answers IKE_SA_INIT requests at all, or only
   *     initiates
   */
  public IkeEngine(
      IkeSaManager manager,
      PeerConfig config,
      Endpoint remote,
      boolean responds,
      Listener listener) {
    this.manager = Objects.requireNonNull(manager, "manager");
    this.config = Objects.requireNonNull(config, "config");
    this.remote = remote;
    this.responds = responds;
    this.listener = Objects.requireNonNull(listener, "listener");
    manager.add(this);
  }

  /** The endpoint's manager, which this configuration shares with the endpoint's others. */
  public IkeSaManager manager() {
    return manager;
  }

  public PeerConfig config() {
    return config;
  }

  /** Where this peer is expected, or null for anywhere. */
  public Endpoint remote() {
    return remote;
  }

  boolean responds() {
    return responds;
  }

  Listener listener() {
    return listener;
  }

  public Endpoint local() {
    return manager.local();
  }

  /** The counters of the whole endpoint. */
  public EngineCounters counters() {
    return manager.counters();
  }

  /** How MOBIKE updates are checked from now on (RFC 4555 §3.5, §3.9). */
  public void mobikePolicy(MobikePolicy policy) {
    mobikePolicy = Objects.requireNonNull(policy, "policy");
  }

  MobikePolicy mobikePolicy() {
    return mobikePolicy;
  }

  /**
   * With {@code false}, the Child SAs' ESP SAs stay where they are when an IKE SA moves (a NAT
   * rebinding, a MOBIKE update): for a security gateway whose tunnels are moved by other means
   * (seed 001's update, the port of authenticated ESP). Applies to SAs made from now on.
   */
  public void espFollowsIke(boolean follow) {
    espFollowsIke = follow;
  }

  boolean espFollowsIke() {
    return espFollowsIke;
  }

  /** The SAs of this peer configuration. */
  public Collection<IkeSa> sas() {
    List<IkeSa> mine = new ArrayList<>();
    for (IkeSa sa : manager.sas()) {
      if (sa.owner() == this) {
        mine.add(sa);
      }
    }
    return mine;
  }

  /** The SA of this peer configuration whose local SPI this is, or null. */
  public IkeSa sa(long localSpi) {
    IkeSa sa = manager.sa(localSpi);
    return sa != null && sa.owner() == this ? sa : null;
  }

  /**
   * Starts IKE_SA_INIT and IKE_AUTH towards {@code remote}; the SA reports through the listener.
   */
  public IkeSa initiate(Endpoint remote) {
    return manager.initiate(this, remote);
  }

  /** One UDP/500 payload that arrived: the endpoint's manager finds its SA. */
  public void receive(Datagram datagram) {
    manager.receive(datagram);
  }

  /** Deletes the IKE SA and its Child SAs (§1.4.1); the SA ends when the peer answers. */
  public void delete(IkeSa sa) {
    manager.queue(sa, InformationalTask.deleteIkeSa());
  }

  /** Deletes one Child SA of {@code sa} (§1.4.1); it goes when the peer answers. */
  public void deleteChildSa(IkeSa sa, ChildSa child) {
    manager.queue(sa, InformationalTask.deleteChildSa(child));
  }

  /**
   * MOBIKE initiator (RFC 4555 §3.5): our address changed to {@code newLocal}'s; the SA and its
   * Child SAs move there at once and the responder is told from it with N(UPDATE_SA_ADDRESSES),
   * N(COOKIE2) and NAT-D (and N(NO_NATS_ALLOWED) if the {@link MobikePolicy} says so). A new path
   * uses the NAT-T port at both ends (port 500 becomes 4500), as IKE does once it found a NAT: a
   * NAT may sit on the new path. Only after MOBIKE was negotiated, by the original initiator.
   */
  public boolean updateAddresses(IkeSa sa, Endpoint newLocal) {
    if (!sa.isOriginalInitiator()
        || !sa.peerSupportsMobike()
        || !sa.config().mobike()
        || sa.state() != IkeSaState.ESTABLISHED) {
      return false;
    }
    Endpoint oldLocal = sa.local();
    Endpoint oldRemote = sa.remote();
    sa.endpoints(natTPort(newLocal), natTPort(oldRemote));
    manager.queue(
        sa,
        MobikeTask.update(manager.cookie2(), mobikePolicy.noNatsAllowed(), oldLocal, oldRemote));
    return true;
  }

  /**
   * MOBIKE (RFC 4555 §3.6): tells the peer where else we can be reached, with
   * N(ADDITIONAL_IP4_ADDRESS) each, or N(NO_ADDITIONAL_ADDRESSES) for an empty list. A gateway
   * moves an SA to an announced address without a return routability check.
   */
  public boolean announceAddresses(IkeSa sa, List<Ipv4Address> additional) {
    if (!sa.peerSupportsMobike() || !sa.config().mobike() || sa.state() != IkeSaState.ESTABLISHED) {
      return false;
    }
    manager.queue(sa, MobikeTask.addresses(additional));
    return true;
  }

  private static Endpoint natTPort(Endpoint e) {
    return e.port() == Endpoint.IKE_PORT ? e.withPort(Endpoint.NAT_T_PORT) : e;
  }

  /**
   * Re-keys one Child SA with CREATE_CHILD_SA (§1.3.3), with perfect forward secrecy in {@code
   * pfsGroup} (0: none); the old pair is deleted once the new one is in.
   */
  public void rekeyChildSa(IkeSa sa, ChildSa child, int pfsGroup) {
    manager.queue(sa, new CreateChildSaTask(sa.config(), manager.random(), child, pfsGroup));
  }

  /**
   * Asks for an additional Child SA with CREATE_CHILD_SA (§1.3.1) for our {@code local} and the
   * peer's {@code remote} traffic, which the peer may narrow (§2.9), with perfect forward secrecy
   * in {@code pfsGroup} (0: none). {@link Listener#childSaCreated} reports it; a refusal leaves
   * {@link IkeSa#childFailure()} set and nothing installed.
   */
  public void createChildSa(
      IkeSa sa,
      List<io.mvpn.ike.message.TrafficSelector> local,
      List<io.mvpn.ike.message.TrafficSelector> remote,
      int pfsGroup) {
    manager.queue(
        sa, CreateChildSaTask.additional(sa.config(), manager.random(), local, remote, pfsGroup));
  }

  /**
   * Re-keys the IKE SA with CREATE_CHILD_SA (§1.3.2, §2.18), in the D-H group it has: the new SA
   * takes over the Child SAs and this end then deletes the old one. {@link Listener#ikeSaRekeyed}
   * reports it.
   */
  public void rekeyIkeSa(IkeSa sa) {
    if (sa.state() != IkeSaState.ESTABLISHED) {
      return; // nothing to re-key yet, or re-keyed already
    }
    int group = ProposalPolicy.single(sa.proposal(), Transform.DH).id();
    manager.queue(sa, new IkeRekeyTask(sa.config(), manager.random(), group, manager.newIkeSpi()));
  }

  /** Sends an empty INFORMATIONAL: the SA ends if the peer never answers (§2.4). */
  public void checkLiveness(IkeSa sa) {
    manager.queue(sa, InformationalTask.liveness());
  }

  /** For tests: bytes the fragment sets of all SAs hold now. */
  long fragmentBytesHeld() {
    return manager.fragmentation().bytesHeld();
  }

  /** For tests: what all fragment sets together may hold, instead of 16 MiB. */
  void limitFragmentMemory(long bytes) {
    manager.fragmentation().limitMemory(bytes);
  }
}
