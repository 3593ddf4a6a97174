package io.mvpn.ike.sa;

import io.mvpn.ike.crypto.DiffieHellman;
import io.mvpn.ike.crypto.IkeCryptoException;
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
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * CREATE_CHILD_SA re-keying the IKE SA (RFC 7296 §1.3.2, §2.18): {@code SK{SA, Ni, KEi} -> <-
 * SK{SA, Nr, KEr}}, each SA payload carrying its sender's new 8-byte SPI. The new SA's keys come
 * from the old SA's SK_d, the new D-H secret and the exchange's nonces; whoever starts the re-key
 * is the new SA's initiator. The engine moves the Child SAs over and the initiator deletes the old
 * SA.
 *
 * <p>When both ends re-key at once (§2.8.2), each answers the other's request too; the two new SAs
 * are told apart by the four nonces: the one whose exchange carried the lowest is redundant and its
 * initiator deletes it, and the initiator of the survivor deletes the old SA.
 */
final class IkeRekeyTask implements IkeTask {

  /** INVALID_KE_PAYLOAD answers before giving up. */
  private static final int MAX_RETRIES = 2;

  private final PeerConfig config;
  private final SecureRandom random;
  private final long spi;
  private final byte[] ni = new byte[IkeSaInitTask.NONCE_LENGTH];
  private DiffieHellman dh;
  private int retries;
  private IkeSa successor;
  private IkeSa peerSuccessor;
  private byte[] peerNi;
  private byte[] peerNr;

  /**
   * @param group the D-H group of our KE: the old SA's, which the peer chose before
   * @param spi our SPI of the new SA, unused by the engine
   */
  IkeRekeyTask(PeerConfig config, SecureRandom random, int group, long spi) {
    this.config = config;
    this.random = random;
    this.spi = spi;
    random.nextBytes(ni);
    dh = IkeSaInitTask.newDh(group, random);
  }

  /** The SA this re-key made, once it is DONE. */
  IkeSa successor() {
    return successor;
  }

  /** The SA of the peer's simultaneous re-key, which we answered while ours was out, or null. */
  IkeSa peerSuccessor() {
    return peerSuccessor;
  }

  /** The peer re-keyed the same SA while our request was out (§2.8.2). */
  void collided(IkeSa theirs, byte[] theirNi, byte[] ourNr) {
    peerSuccessor = theirs;
    peerNi = theirNi.clone();
    peerNr = ourNr.clone();
  }

  /**
   * Whether ours is the redundant one of two simultaneous re-keys: the lowest of the four nonces
   * was in our exchange (§2.8.2). Only after {@link #collided} and a DONE response.
   */
  boolean redundant() {
    return Nonces.lowestIn(ni, successor.nonceR(), peerNi, peerNr);
  }

  @Override
  public int exchangeType() {
    return IkeHeader.CREATE_CHILD_SA;
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    return List.of(
        new SecurityAssociationPayload(config.ike().offer(Octets.of(IkeSa.spiBytes(spi)))),
        new NoncePayload(Octets.of(ni)),
        new KeyExchangePayload(dh.group(), Octets.of(dh.publicValue())));
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    NotifyPayload invalidKe = response.notification(NotifyPayload.INVALID_KE_PAYLOAD);
    if (invalidKe != null && invalidKe.data().length() == 2 && ++retries <= MAX_RETRIES) {
      int wanted = invalidKe.data().unsignedByte(0) << 8 | invalidKe.data().unsignedByte(1);
      if (wanted != dh.group()
          && config.ike().ofType(Transform.DH).contains(Transform.of(Transform.DH, wanted))) {
        dh = IkeSaInitTask.newDh(wanted, random);
        return Outcome.RETRY;
      }
    }
    SecurityAssociationPayload saR = response.first(SecurityAssociationPayload.class);
    NoncePayload nr = response.first(NoncePayload.class);
    KeyExchangePayload ke = response.first(KeyExchangePayload.class);
    if (saR == null || nr == null || ke == null || saR.proposals().size() != 1) {
      return Outcome.REFUSED; // TEMPORARY_FAILURE, NO_PROPOSAL_CHOSEN...: the old SA goes on
    }
    Proposal chosen = saR.proposals().get(0);
    long spiR = spiOf(chosen);
    if (!config.ike().accepts(chosen)
        || spiR == 0
        || ProposalPolicy.single(chosen, Transform.DH).id() != dh.group()
        || ke.dhGroup() != dh.group()) {
      return Outcome.REFUSED;
    }
    try {
      IkeSa next = sa.successor(true, spi, spiR);
      IkeSaInitTask.derive(
          next,
          sa.keys(),
          chosen,
          dh.sharedSecret(ke.data().toByteArray()),
          ni,
          nr.data().toByteArray());
      successor = next;
    } catch (IkeCryptoException e) {
      return Outcome.REFUSED;
    }
    return Outcome.DONE;
  }

  // ---- responder ------------------------------------------------------------------------------

  /** Whether a CREATE_CHILD_SA request re-keys the IKE SA: its SA payload offers protocol IKE. */
  static boolean rekeysIkeSa(IkeMessage request) {
    SecurityAssociationPayload sa = request.first(SecurityAssociationPayload.class);
    return sa != null
        && !sa.proposals().isEmpty()
        && sa.proposals().get(0).protocolId() == Proposal.IKE;
  }

  /**
   * The responder's answer, and the new SA when it accepted (null when the payloads refuse), with
   * the exchange's nonces for telling simultaneous re-keys apart.
   */
  record Answer(List<IkePayload> payloads, IkeSa successor, byte[] ni, byte[] nr) {

    static Answer refuse(int notifyType) {
      return new Answer(List.of(NotifyPayload.of(notifyType)), null, null, null);
    }
  }

  /** Answers a re-key of {@code sa}, choosing our new SPI with {@code newSpi}. */
  static Answer respond(
      PeerConfig config, SecureRandom random, IkeSa sa, IkeMessage request, LongSupplier newSpi) {
    SecurityAssociationPayload saI = request.first(SecurityAssociationPayload.class);
    NoncePayload ni = request.first(NoncePayload.class);
    KeyExchangePayload ke = request.first(KeyExchangePayload.class);
    if (ni == null || ke == null) {
      return Answer.refuse(NotifyPayload.INVALID_SYNTAX);
    }
    IkeSaInitTask.Choice choice = IkeSaInitTask.choose(config.ike(), saI, ke);
    if (choice.chosen() == null) {
      return new Answer(List.of(choice.refusal()), null, null, null);
    }
    long spiI = spiOf(choice.chosen());
    if (spiI == 0) {
      return Answer.refuse(NotifyPayload.INVALID_SYNTAX);
    }
    long spiR = newSpi.getAsLong();
    Proposal ours =
        new Proposal(
            choice.chosen().number(),
            Proposal.IKE,
            Octets.of(IkeSa.spiBytes(spiR)),
            choice.chosen().transforms());
    DiffieHellman dh = IkeSaInitTask.newDh(ke.dhGroup(), random);
    byte[] nr = new byte[IkeSaInitTask.NONCE_LENGTH];
    random.nextBytes(nr);
    IkeSa next = sa.successor(false, spiI, spiR);
    try {
      IkeSaInitTask.derive(
          next,
          sa.keys(),
          ours,
          dh.sharedSecret(ke.data().toByteArray()),
          ni.data().toByteArray(),
          nr);
    } catch (IkeCryptoException e) {
      return Answer.refuse(e.reason().notifyType());
    }
    return new Answer(
        List.of(
            SecurityAssociationPayload.of(ours),
            new NoncePayload(Octets.of(nr)),
            new KeyExchangePayload(dh.group(), Octets.of(dh.publicValue()))),
        next,
        ni.data().toByteArray(),
        nr);
  }

  /** The 8-byte SPI of an IKE proposal, 0 when it has another size (0 is never valid, §3.1). */
  private static long spiOf(Proposal p) {
    return p.spi().length() == 8 ? ByteBuffer.wrap(p.spi().toByteArray()).getLong() : 0;
  }
}
