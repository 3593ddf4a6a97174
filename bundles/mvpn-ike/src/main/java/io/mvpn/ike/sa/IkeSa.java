package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.crypto.IkeSaKeys;
import io.mvpn.ike.crypto.SkSuite;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.SkCipher;
import io.mvpn.ike.message.Transform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One IKE SA as one end holds it: SPIs, role, state, its paths for IKE and ESP, what IKE_SA_INIT
 * negotiated and IKE_AUTH authenticated, and the Child SAs; its message IDs, requests and cached
 * answers (RFC 7296 §2.1-§2.2) are its {@link TaskManager}'s. Touched only on the manager's
 * scheduler thread; tasks fill it in as exchanges complete.
 */
public final class IkeSa {

  private final boolean initiator;
  // Whether this end set up the first SA of this line of re-keys: MOBIKE's initiator (RFC 4555).
  private boolean originalInitiator;
  private final long spiI;
  private long spiR;
  // Where IKE and the Child SAs' ESP go, NAT detection, the peer's other addresses (MOBIKE).
  private IkePath path;
  private IkeSaState state = IkeSaState.CREATED;
  private int failure;

  // Message IDs (§2.2), our requests and the answers to the peer's: the task manager's.
  private TaskManager tasks;

  // The peer configuration this SA runs under, and whom it reports to: chosen by the remote
  // address at IKE_SA_INIT and again by the peer's identity at IKE_AUTH when this end responds.
  private IkeEngine owner;

  // IKE_SA_INIT results.
  private Proposal proposal;
  private IkeSaKeys keys;
  private SkCipher cipher;
  private byte[] nonceI;
  private byte[] nonceR;
  private byte[] realMessage1;
  private byte[] realMessage2;
  private IkeMessage peerInit;
  private boolean localBehindNat;
  private boolean remoteBehindNat;

  // IKE_AUTH results.
  private Identity remoteId;
  private boolean peerSupportsMobike;
  private final List<ChildSa> childSas = new ArrayList<>(1);
  private int childFailure;

  IkeSa(boolean initiator, long spiI, long spiR, Endpoint local, Endpoint remote) {
    this(initiator, spiI, spiR, local, remote, null);
  }

  /** An SA whose peer is reached through the tunnel {@code via} ({@link Datagram#via}). */
  IkeSa(boolean initiator, long spiI, long spiR, Endpoint local, Endpoint remote, Ipv4Address via) {
    this.initiator = initiator;
    this.spiI = spiI;
    this.spiR = spiR;
    this.path = new IkePath(local, remote, via);
    this.originalInitiator = initiator;
  }

  /**
   * Whether we were this SA's initiator: its I flag and SPI order (a re-key's initiator, §2.18).
   */
  public boolean isInitiator() {
    return initiator;
  }

  /**
   * Whether this end set up the IKE SA that this one re-keys, or re-keys of it: the initiator in
   * RFC 4555's sense, the one that moves the SA, whoever started the re-keys since (as strongSwan
   * keeps it). Equal to {@link #isInitiator()} until the peer re-keys the SA.
   */
  public boolean isOriginalInitiator() {
    return originalInitiator;
  }

  public long spiI() {
    return spiI;
  }

  public long spiR() {
    return spiR;
  }

  /** The SPI this end chose: the one the engine finds the SA by. */
  public long localSpi() {
    return initiator ? spiI : spiR;
  }

  public Endpoint local() {
    return path.local();
  }

  public Endpoint remote() {
    return path.remote();
  }

  /**
   * The tunnel the peer is reached through, for an endpoint reached through several ({@link
   * Datagram#via}); null when there is only the one way.
   */
  public Ipv4Address via() {
    return path.via();
  }

  public IkeSaState state() {
    return state;
  }

  /** The Notify error type that ended the SA, -1 for a timeout, 0 if none. */
  public int failure() {
    return failure;
  }

  /** The message ID of our next request (§2.2). */
  public long nextRequestId() {
    return tasks == null ? 0 : tasks.nextRequestId();
  }

  /** The message ID of the peer's next request (§2.2). */
  public long expectedRequestId() {
    return tasks == null ? 0 : tasks.expectedRequestId();
  }

  public Proposal proposal() {
    return proposal;
  }

  /**
   * This SA's row for Wireshark's {@code ikev2_decryption_table} (SPIi, SPIr, SK_ei, SK_er, the
   * encryption algorithm, SK_ai, SK_ar, the integrity algorithm): what the engine logs at debug
   * level when the SA is established, so an operator can decrypt a capture.
   */
  public String wiresharkKeyLine() {
    IkeSaKeys k = keys();
    java.util.HexFormat hex = java.util.HexFormat.of();
    SkSuite suite =
        SkSuite.of(
            ProposalPolicy.single(proposal, Transform.ENCR),
            ProposalPolicy.optional(proposal, Transform.INTEG));
    return String.format(
        "%016x,%016x,%s,%s,\"%s\",%s,%s,\"%s\"",
        spiI(),
        spiR(),
        hex.formatHex(k.skEi()),
        hex.formatHex(k.skEr()),
        suite.wiresharkEncryption(),
        hex.formatHex(k.skAi()),
        hex.formatHex(k.skAr()),
        suite.wiresharkIntegrity());
  }

  public IkeSaKeys keys() {
    return keys;
  }

  public SkCipher cipher() {
    return cipher;
  }

  /** Whether a NAT sits in front of this end (our NAT_DETECTION_DESTINATION_IP did not match). */
  public boolean localBehindNat() {
    return path.localBehindNat();
  }

  /** Whether a NAT sits in front of the peer (its NAT_DETECTION_SOURCE_IP did not match). */
  public boolean remoteBehindNat() {
    return path.remoteBehindNat();
  }

  public boolean natDetected() {
    return path.natDetected();
  }

  /**
   * How the Child SAs' ESP travels: in UDP between the SA's current IKE endpoints once NAT
   * detection found a NAT at either end (§2.23, RFC 3948), empty for plain ESP (IP protocol 50)
   * between the addresses of the ESP SAs. Read it per packet: it follows the peer's NAT mapping as
   * IKE does.
   */
  public Optional<UdpEncapsulation> udpEncapsulation() {
    return path.udpEncapsulation();
  }

  /**
   * Whether the Child SAs' ESP still uses the old path while a return routability check of the IKE
   * SA's new one runs (RFC 4555 §3.5).
   */
  public boolean espPathPending() {
    return path.espPathPending();
  }

  /**
   * The addresses the peer announced with N(ADDITIONAL_IP4_ADDRESS) besides the one it uses (RFC
   * 4555 §3.6), newest list; empty if it announced none or N(NO_ADDITIONAL_ADDRESSES).
   */
  public List<Ipv4Address> peerAdditionalAddresses() {
    return path.peerAdditionalAddresses();
  }

  /** Whether the peer's latest address list was N(NO_ADDITIONAL_ADDRESSES). */
  public boolean peerAnnouncedNoAdditionalAddresses() {
    return path.peerAnnouncedNoAdditional();
  }

  /**
   * The peer's IKE_SA_INIT message (the request if we respond, the response if we initiate), for
   * what it announced there: SIGNATURE_HASH_ALGORITHMS, CERTREQ. Null before IKE_SA_INIT is done.
   */
  public IkeMessage peerInitMessage() {
    return peerInit;
  }

  public Identity remoteId() {
    return remoteId;
  }

  public boolean peerSupportsMobike() {
    return peerSupportsMobike;
  }

  /**
   * The Notify error that refused the Child SA asked for with IKE_AUTH (NO_PROPOSAL_CHOSEN,
   * TS_UNACCEPTABLE), or 0: the IKE SA stays up without it (§1.2).
   */
  public int childFailure() {
    return childFailure;
  }

  public List<ChildSa> childSas() {
    return List.copyOf(childSas);
  }

  /** How often our outstanding request has been sent again so far. */
  public int retransmissions() {
    return tasks == null ? 0 : tasks.retransmissions();
  }

  @Override
  public String toString() {
    return String.format(
        "IKE_SA %016x_i %016x_r %s %s %s", spiI, spiR, initiator ? "I" : "R", remote(), state);
  }

  // ---- package-private mutators for the tasks and the engine ----------------------------------

  /**
   * The IKE SA that re-keys this one (§2.18), without keys yet: same peer, addresses, NAT state and
   * authentication, new SPIs, message IDs from 0. Whoever started the re-key is its initiator.
   */
  IkeSa successor(boolean rekeyInitiator, long newSpiI, long newSpiR) {
    IkeSa next = new IkeSa(rekeyInitiator, newSpiI, newSpiR, local(), remote());
    next.originalInitiator = originalInitiator;
    next.path = path.copy();
    next.peerInit = peerInit;
    next.remoteId = remoteId;
    next.peerSupportsMobike = peerSupportsMobike;
    next.virtualAddress = virtualAddress;
    next.owner = owner;
    next.state = IkeSaState.ESTABLISHED;
    return next;
  }

  /** The re-key is done: the Child SAs and our queued requests move here from {@code old}. */
  void takeOver(IkeSa old) {
    childSas.addAll(old.childSas);
    old.childSas.clear();
    tasks.takeOver(old.tasks);
  }

  static byte[] spiBytes(long spi) {
    return ByteBuffer.allocate(8).putLong(spi).array();
  }

  /**
   * Where the SA's messages go from now on: port 4500 once NAT detection found a NAT, or the
   * addresses of the peer's latest authenticated request while it sits behind one (§2.23).
   */
  void endpoints(Endpoint newLocal, Endpoint newRemote) {
    path.ikeEndpoints(newLocal, newRemote);
    espFollowsIke();
  }

  /** Where IKE and ESP go: the tasks move it. */
  IkePath path() {
    return path;
  }

  /** The Child SAs' ESP SAs move to the IKE SA's endpoints, same SPIs and keys. */
  void espFollowsIke() {
    path.espFollowsIke(childSas);
  }

  void state(IkeSaState next) {
    state = next;
  }

  void fail(int notifyType) {
    if (failure == 0) {
      failure = notifyType;
    }
  }

  void spiR(long spi) {
    spiR = spi;
  }

  void negotiated(Proposal chosen, IkeSaKeys derived, SkCipher skCipher, byte[] ni, byte[] nr) {
    proposal = chosen;
    keys = derived;
    cipher = skCipher;
    nonceI = ni.clone();
    nonceR = nr.clone();
  }

  // The four getters below hand out the SA's own arrays, not copies: they stay in this package,
  // whose readers only read them (AUTH octets, KEYMAT, nonce comparisons), and an IKE_AUTH
  // copied them six times for nothing.

  /** Ni as the initiator sent it; read only. */
  byte[] nonceI() {
    return nonceI;
  }

  /** Nr as the responder sent it; read only. */
  byte[] nonceR() {
    return nonceR;
  }

  /** The IKE_SA_INIT request (RealMessage1) or response (RealMessage2) as sent (§2.15). */
  void initMessage(boolean request, byte[] bytes) {
    if (request) {
      realMessage1 = bytes.clone();
    } else {
      realMessage2 = bytes.clone();
    }
  }

  void peerInitMessage(IkeMessage message) {
    peerInit = message;
  }

  /** RealMessage1; read only. */
  byte[] realMessage1() {
    return realMessage1;
  }

  /** RealMessage2; read only. */
  byte[] realMessage2() {
    return realMessage2;
  }

  private Ipv4Address virtualAddress;

  /** The initiator's internal address from the configuration payload, or null (§3.15). */
  public Ipv4Address virtualAddress() {
    return virtualAddress;
  }

  void virtualAddress(Ipv4Address address) {
    this.virtualAddress = address;
  }

  void authenticated(Identity peer, boolean mobike) {
    remoteId = peer;
    peerSupportsMobike = mobike;
  }

  void childFailed(int notifyType) {
    childFailure = notifyType;
  }

  void addChildSa(ChildSa child) {
    childSas.add(child);
  }

  /** Removes the Child SA that sends under {@code outboundSpi}; it, or null if there is none. */
  ChildSa removeChildSa(int outboundSpi) {
    for (ChildSa child : childSas) {
      if (child.outbound().spi() == outboundSpi) {
        childSas.remove(child);
        return child;
      }
    }
    return null;
  }

  /** Our requests: queued, outstanding, retransmitted; null until the SA has a manager. */
  TaskManager tasks() {
    return tasks;
  }

  void tasks(TaskManager manager) {
    tasks = manager;
  }

  IkeEngine owner() {
    return owner;
  }

  void owner(IkeEngine peer) {
    owner = peer;
  }

  PeerConfig config() {
    return owner.config();
  }

  IkeEngine.Listener listener() {
    return owner.listener();
  }
}
