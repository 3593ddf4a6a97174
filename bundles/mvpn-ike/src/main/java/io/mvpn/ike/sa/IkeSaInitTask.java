package io.mvpn.ike.sa;

import io.mvpn.ike.crypto.DiffieHellman;
import io.mvpn.ike.crypto.IkeCryptoException;
import io.mvpn.ike.crypto.IkeSaKeys;
import io.mvpn.ike.crypto.NatDetection;
import io.mvpn.ike.crypto.Prf;
import io.mvpn.ike.crypto.SkSuite;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.KeyExchangePayload;
import io.mvpn.ike.message.NoncePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.SecurityAssociationPayload;
import io.mvpn.ike.message.Transform;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * IKE_SA_INIT (RFC 7296 §1.2): {@code HDR, SAi1, KEi, Ni, N(NAT_D)s -> <- HDR, SAr1, KEr, Nr,
 * N(NAT_D)s}. The initiator repeats the request after a COOKIE (§2.6, the cookie first) or an
 * INVALID_KE_PAYLOAD naming another offered group (§1.3); the responder picks one proposal (§3.3.6)
 * and takes the KE's group when it accepts it, which saves the round trip.
 */
public final class IkeSaInitTask implements IkeTask {

  public static final int NONCE_LENGTH = 32;

  /** Retries before giving up: a responder that keeps asking is broken or hostile. */
  private static final int MAX_RETRIES = 3;

  private final PeerConfig config;
  private final SecureRandom random;
  private final byte[] nonce = new byte[NONCE_LENGTH];
  private DiffieHellman dh;
  private Octets cookie;
  private int retries;

  public IkeSaInitTask(PeerConfig config, SecureRandom random) {
    this.config = config;
    this.random = random;
    random.nextBytes(nonce);
    dh = newDh(config.ike().ofType(Transform.DH).get(0).id(), random);
  }

  @Override
  public int exchangeType() {
    return IkeHeader.IKE_SA_INIT;
  }

  /** The D-H group of the KE payload we send now. */
  public int group() {
    return dh.group();
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    List<IkePayload> payloads = new ArrayList<>();
    if (cookie != null) {
      payloads.add(NotifyPayload.of(NotifyPayload.COOKIE, cookie)); // first, §2.6
    }
    payloads.add(new SecurityAssociationPayload(config.ike().offer(Octets.EMPTY)));
    payloads.add(new KeyExchangePayload(dh.group(), Octets.of(dh.publicValue())));
    payloads.add(new NoncePayload(Octets.of(nonce)));
    payloads.addAll(natDetection(sa, 0));
    payloads.addAll(config.authenticator().initPayloads(true));
    sa.state(IkeSaState.INIT_SENT);
    return payloads;
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    NotifyPayload n = response.notification(NotifyPayload.COOKIE);
    if (n != null) {
      cookie = n.data();
      return retry(sa);
    }
    n = response.notification(NotifyPayload.INVALID_KE_PAYLOAD);
    if (n != null) {
      return invalidKe(sa, n);
    }
    for (NotifyPayload error : response.all(NotifyPayload.class)) {
      if (error.isError()) {
        return failed(sa, error.notifyType());
      }
    }
    SecurityAssociationPayload saR = response.first(SecurityAssociationPayload.class);
    KeyExchangePayload ke = response.first(KeyExchangePayload.class);
    NoncePayload nr = response.first(NoncePayload.class);
    if (saR == null || ke == null || nr == null || response.header().spiR() == 0) {
      return failed(sa, NotifyPayload.INVALID_SYNTAX);
    }
    Proposal chosen = saR.proposals().get(0);
    if (saR.proposals().size() != 1 || !config.ike().accepts(chosen)) {
      return failed(sa, NotifyPayload.NO_PROPOSAL_CHOSEN);
    }
    if (ProposalPolicy.single(chosen, Transform.DH).id() != dh.group()
        || ke.dhGroup() != dh.group()) {
      return failed(sa, NotifyPayload.INVALID_KE_PAYLOAD);
    }
    sa.spiR(response.header().spiR());
    try {
      byte[] gir = dh.sharedSecret(ke.data().toByteArray());
      derive(sa, null, chosen, gir, nonce, nr.data().toByteArray());
    } catch (IkeCryptoException e) {
      return failed(sa, e.reason().notifyType());
    }
    sa.initMessage(false, raw);
    sa.peerInitMessage(response);
    detectNat(sa, response, sa.spiR());
    if (sa.natDetected()) {
      // §2.23: with a NAT on the path, IKE_AUTH and all later messages use port 4500 at both
      // ends, so that IKE and UDP-encapsulated ESP share one NAT mapping.
      sa.endpoints(
          sa.local().withPort(Endpoint.NAT_T_PORT), sa.remote().withPort(Endpoint.NAT_T_PORT));
    }
    sa.state(IkeSaState.INIT_DONE);
    return Outcome.DONE;
  }

  private Outcome invalidKe(IkeSa sa, NotifyPayload n) {
    int wanted =
        n.data().length() == 2 ? n.data().unsignedByte(0) << 8 | n.data().unsignedByte(1) : -1;
    boolean offered =
        config.ike().ofType(Transform.DH).contains(Transform.of(Transform.DH, wanted));
    if (!offered || wanted == dh.group()) {
      return failed(sa, NotifyPayload.INVALID_KE_PAYLOAD);
    }
    dh = newDh(wanted, random);
    return retry(sa);
  }

  private Outcome retry(IkeSa sa) {
    return ++retries > MAX_RETRIES ? failed(sa, NotifyPayload.INVALID_SYNTAX) : Outcome.RETRY;
  }

  private static Outcome failed(IkeSa sa, int notifyType) {
    sa.fail(notifyType);
    return Outcome.FAILED;
  }

  // ---- responder ------------------------------------------------------------------------------

  /**
   * The responder's answer to an IKE_SA_INIT request. {@code accepted}: the SA is half-open now;
   * otherwise the payloads are an error (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, INVALID_SYNTAX)
   * sent without keeping any state.
   */
  public record Answer(List<IkePayload> payloads, boolean accepted) {

    static Answer error(int notifyType, Octets data) {
      return new Answer(List.of(NotifyPayload.of(notifyType, data)), false);
    }
  }

  /** Answers {@code request} for the new responder SA {@code sa} (its SPIr already chosen). */
  public static Answer respond(
      PeerConfig config, SecureRandom random, IkeSa sa, IkeMessage request, byte[] raw) {
    SecurityAssociationPayload saI = request.first(SecurityAssociationPayload.class);
    KeyExchangePayload ke = request.first(KeyExchangePayload.class);
    NoncePayload ni = request.first(NoncePayload.class);
    if (saI == null || ke == null || ni == null) {
      return Answer.error(NotifyPayload.INVALID_SYNTAX, Octets.EMPTY);
    }
    Choice choice = choose(config.ike(), saI, ke);
    if (choice.chosen() == null) {
      return new Answer(List.of(choice.refusal()), false);
    }
    Proposal chosen = choice.chosen();
    DiffieHellman dh = newDh(ke.dhGroup(), random);
    byte[] nr = new byte[NONCE_LENGTH];
    random.nextBytes(nr);
    try {
      derive(
          sa, null, chosen, dh.sharedSecret(ke.data().toByteArray()), ni.data().toByteArray(), nr);
    } catch (IkeCryptoException e) {
      return Answer.error(NotifyPayload.INVALID_SYNTAX, Octets.EMPTY);
    }
    sa.initMessage(true, raw);
    sa.peerInitMessage(request);
    detectNat(sa, request, 0);
    sa.state(IkeSaState.INIT_DONE);
    List<IkePayload> payloads = new ArrayList<>();
    payloads.add(SecurityAssociationPayload.of(chosen));
    payloads.add(new KeyExchangePayload(dh.group(), Octets.of(dh.publicValue())));
    payloads.add(new NoncePayload(Octets.of(nr)));
    payloads.addAll(natDetection(sa, sa.spiR()));
    payloads.addAll(config.authenticator().initPayloads(false));
    return new Answer(payloads, true);
  }

  /**
   * The proposal a responder picks, with the D-H group of the KE payload (§1.2, §1.3), or the
   * Notify that refuses the offer: NO_PROPOSAL_CHOSEN, or INVALID_KE_PAYLOAD naming our group.
   */
  record Choice(Proposal chosen, NotifyPayload refusal) {}

  /** IKE_SA_INIT and the re-key of an IKE SA (§1.3.2) choose alike. */
  static Choice choose(
      ProposalPolicy policy, SecurityAssociationPayload offered, KeyExchangePayload ke) {
    Proposal chosen = policy.choose(offered).orElse(null);
    if (chosen == null) {
      return new Choice(null, NotifyPayload.of(NotifyPayload.NO_PROPOSAL_CHOSEN));
    }
    Transform keGroup = Transform.of(Transform.DH, ke.dhGroup());
    if (!ProposalPolicy.holds(offered.proposal(chosen.number()).transforms(), keGroup)
        || !ProposalPolicy.holds(policy.transforms(), keGroup)) {
      int preferred = ProposalPolicy.single(chosen, Transform.DH).id();
      return new Choice(
          null,
          NotifyPayload.of(
              NotifyPayload.INVALID_KE_PAYLOAD,
              Octets.of((byte) (preferred >>> 8), (byte) preferred)));
    }
    return new Choice(ProposalPolicy.replace(chosen, keGroup), null);
  }

  // ---- both -----------------------------------------------------------------------------------

  static DiffieHellman newDh(int group, SecureRandom random) {
    try {
      return DiffieHellman.create(group, random);
    } catch (IkeCryptoException e) {
      throw new IllegalArgumentException("configured D-H group " + group + " unsupported", e);
    }
  }

  /**
   * Keys and SK cipher of the SA from the chosen proposal and the D-H secret: from the nonces for a
   * new SA (§2.14), from the SK_d of the SA it re-keys when {@code old} is given (§2.18).
   */
  static void derive(IkeSa sa, IkeSaKeys old, Proposal chosen, byte[] gir, byte[] ni, byte[] nr) {
    Prf prf =
        Prf.forTransformId(ProposalPolicy.single(chosen, Transform.PRF).id())
            .orElseThrow(() -> new IllegalStateException("PRF of " + chosen));
    SkSuite suite =
        SkSuite.of(
            ProposalPolicy.single(chosen, Transform.ENCR),
            ProposalPolicy.optional(chosen, Transform.INTEG));
    byte[] spiI = IkeSa.spiBytes(sa.spiI());
    byte[] spiR = IkeSa.spiBytes(sa.spiR());
    IkeSaKeys keys =
        old == null
            ? IkeSaKeys.derive(prf, suite, gir, ni, nr, spiI, spiR)
            : IkeSaKeys.rekey(old, prf, suite, gir, ni, nr, spiI, spiR);
    sa.negotiated(chosen, keys, suite.cipher(keys, sa.isInitiator()), ni, nr);
  }

  /** N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) as this end sends them. */
  private static List<IkePayload> natDetection(IkeSa sa, long spiR) {
    return natDetection(sa.spiI(), spiR, sa.local(), sa.remote());
  }

  /**
   * The NAT-D pair of a message from {@code source} to {@code destination}: in IKE_SA_INIT (§2.23)
   * and in MOBIKE's INFORMATIONAL exchanges, there with both SPIs (RFC 4555 §3.5).
   */
  static List<IkePayload> natDetection(
      long spiI, long spiR, Endpoint source, Endpoint destination) {
    byte[] i = IkeSa.spiBytes(spiI);
    byte[] r = IkeSa.spiBytes(spiR);
    return List.of(
        NotifyPayload.of(
            NotifyPayload.NAT_DETECTION_SOURCE_IP,
            Octets.of(NatDetection.hash(i, r, source.address().toBytes(), source.port()))),
        NotifyPayload.of(
            NotifyPayload.NAT_DETECTION_DESTINATION_IP,
            Octets.of(
                NatDetection.hash(i, r, destination.address().toBytes(), destination.port()))));
  }

  /** What a peer's NAT-D payloads said: a NAT in front of this end, of the peer. */
  record NatState(boolean local, boolean remote) {

    boolean any() {
      return local || remote;
    }
  }

  private static void detectNat(IkeSa sa, IkeMessage peer, long spiR) {
    NatState nat = natState(sa.spiI(), spiR, peer, sa.local(), sa.remote());
    if (nat != null) {
      sa.path().nat(nat.local(), nat.remote());
    }
  }

  /**
   * Compares the peer's NAT_D hashes with the addresses the datagram really had (§2.23): its source
   * hash against where it came from ({@code remote}), its destination hash against us ({@code
   * local}). Null if the peer sent none: it does not do NAT traversal, nothing is detected.
   */
  static NatState natState(long spiI, long spiR, IkeMessage peer, Endpoint local, Endpoint remote) {
    byte[] i = IkeSa.spiBytes(spiI);
    byte[] r = IkeSa.spiBytes(spiR);
    NotifyPayload dst = peer.notification(NotifyPayload.NAT_DETECTION_DESTINATION_IP);
    if (dst == null || peer.notification(NotifyPayload.NAT_DETECTION_SOURCE_IP) == null) {
      return null;
    }
    byte[] localHash = NatDetection.hash(i, r, local.address().toBytes(), local.port());
    byte[] remoteHash = NatDetection.hash(i, r, remote.address().toBytes(), remote.port());
    boolean remoteNat = true;
    for (IkePayload p : peer.payloads()) {
      // One source hash per address of a multihomed peer (§2.23): any of them may match.
      if (p instanceof NotifyPayload n
          && n.notifyType() == NotifyPayload.NAT_DETECTION_SOURCE_IP
          && n.data().contentEquals(remoteHash)) {
        remoteNat = false;
        break;
      }
    }
    return new NatState(!dst.data().contentEquals(localHash), remoteNat);
  }
}
