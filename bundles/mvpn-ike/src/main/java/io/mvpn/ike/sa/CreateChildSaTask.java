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
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.message.TrafficSelectorPayload;
import io.mvpn.ike.message.Transform;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * CREATE_CHILD_SA for a Child SA (RFC 7296 §1.3.1, §1.3.3, §2.8): {@code SK{[N(REKEY_SA)], SA, Ni,
 * [KEi], TSi, TSr}}, with a fresh D-H for perfect forward secrecy when a group is given. A re-key
 * names the old Child SA in N(REKEY_SA) and its successor takes the old one's selectors; the engine
 * deletes the old pair once the new is in. Without N(REKEY_SA) it asks for an additional Child SA
 * for the selectors given, which the responder may narrow (§2.9).
 */
public final class CreateChildSaTask implements IkeTask {

  private final PeerConfig config;
  private final SecureRandom random;
  private final ChildSa old;
  private final List<TrafficSelector> localSelectors;
  private final List<TrafficSelector> remoteSelectors;
  private final int pfsGroup;
  private int inboundSpi;
  private byte[] ni;
  private byte[] nr;
  private DiffieHellman dh;
  private ChildSa created;
  private byte[] peerNi;
  private byte[] peerNr;

  /**
   * Re-keys {@code old}.
   *
   * @param pfsGroup the D-H group for PFS, or 0 for none
   */
  public CreateChildSaTask(PeerConfig config, SecureRandom random, ChildSa old, int pfsGroup) {
    this(config, random, old, old.localSelectors(), old.remoteSelectors(), pfsGroup);
  }

  private CreateChildSaTask(
      PeerConfig config,
      SecureRandom random,
      ChildSa old,
      List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors,
      int pfsGroup) {
    this.config = config;
    this.random = random;
    this.old = old;
    this.localSelectors = List.copyOf(localSelectors);
    this.remoteSelectors = List.copyOf(remoteSelectors);
    this.pfsGroup = pfsGroup;
  }

  /** An additional Child SA for our {@code local} and the peer's {@code remote} traffic. */
  public static CreateChildSaTask additional(
      PeerConfig config,
      SecureRandom random,
      List<TrafficSelector> local,
      List<TrafficSelector> remote,
      int pfsGroup) {
    return new CreateChildSaTask(config, random, null, local, remote, pfsGroup);
  }

  /**
   * The peer re-keyed the same Child SA while our request was out (§2.8.1): we answered with {@code
   * ourNr} to its {@code theirNi}.
   */
  void collided(byte[] theirNi, byte[] ourNr) {
    peerNi = theirNi.clone();
    peerNr = ourNr.clone();
  }

  /** The Child SA this task made, once it is DONE. */
  ChildSa created() {
    return created;
  }

  /**
   * Whether our new Child SA is the redundant one of two simultaneous re-keys, the lowest of the
   * four nonces having been in our exchange (§2.8.1); false when there was only ours.
   */
  boolean redundant() {
    return peerNi != null && Nonces.lowestIn(ni, nr, peerNi, peerNr);
  }

  /** The Child SA this task re-keys, or null when it creates an additional one. */
  public ChildSa rekeyed() {
    return old;
  }

  @Override
  public int exchangeType() {
    return IkeHeader.CREATE_CHILD_SA;
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    inboundSpi = ChildSaFactory.newSpi(random);
    ni = new byte[32];
    random.nextBytes(ni);
    List<IkePayload> payloads = new ArrayList<>();
    if (old != null) {
      payloads.add(
          new NotifyPayload(
              Proposal.ESP,
              ChildSaFactory.spiOctets(old.inbound().spi()),
              NotifyPayload.REKEY_SA,
              Octets.of()));
    }
    payloads.add(
        new SecurityAssociationPayload(
            policy(config, pfsGroup).offer(ChildSaFactory.spiOctets(inboundSpi))));
    payloads.add(new NoncePayload(Octets.of(ni)));
    if (pfsGroup != 0) {
      try {
        dh = DiffieHellman.create(pfsGroup, random);
      } catch (IkeCryptoException e) {
        throw new IllegalStateException("D-H group " + pfsGroup + " unavailable", e);
      }
      payloads.add(new KeyExchangePayload(pfsGroup, Octets.of(dh.publicValue())));
    }
    payloads.add(new TrafficSelectorPayload(true, localSelectors));
    payloads.add(new TrafficSelectorPayload(false, remoteSelectors));
    return payloads;
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    NotifyPayload error = IkeAuthTask.firstError(response);
    if (error != null) {
      sa.childFailed(error.notifyType());
      return Outcome.REFUSED; // NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE...: nothing changes
    }
    SecurityAssociationPayload saR = response.first(SecurityAssociationPayload.class);
    NoncePayload nr = response.first(NoncePayload.class);
    if (saR == null
        || nr == null
        || saR.proposals().size() != 1
        || !policy(config, pfsGroup).accepts(saR.proposals().get(0))) {
      sa.childFailed(NotifyPayload.NO_PROPOSAL_CHOSEN);
      return Outcome.REFUSED; // the old Child SA stays
    }
    byte[] gir = null;
    if (pfsGroup != 0) {
      KeyExchangePayload ke = response.first(KeyExchangePayload.class);
      try {
        if (ke == null || ke.dhGroup() != pfsGroup) {
          throw new IkeCryptoException(IkeCryptoException.Reason.KE_LENGTH, "no KEr of the group");
        }
        gir = dh.sharedSecret(ke.data().toByteArray());
      } catch (IkeCryptoException e) {
        sa.childFailed(NotifyPayload.INVALID_KE_PAYLOAD);
        return Outcome.REFUSED;
      }
    }
    Proposal chosen = saR.proposals().get(0);
    List<TrafficSelector> tsI = localSelectors;
    List<TrafficSelector> tsR = remoteSelectors;
    if (old == null) {
      // The responder may narrow but never widen what we asked for (§2.9).
      tsI = IkeAuthTask.selectors(response, true);
      tsR = IkeAuthTask.selectors(response, false);
      if (tsI.isEmpty()
          || tsR.isEmpty()
          || !TrafficSelectors.within(tsI, localSelectors)
          || !TrafficSelectors.within(tsR, remoteSelectors)) {
        sa.childFailed(NotifyPayload.TS_UNACCEPTABLE);
        return Outcome.REFUSED;
      }
    }
    this.nr = nr.data().toByteArray();
    created =
        ChildSaFactory.create(
            sa, chosen, inboundSpi, ChildSaFactory.spiOf(chosen), tsI, tsR, gir, ni, this.nr, true);
    sa.addChildSa(created);
    return Outcome.DONE;
  }

  /** The ESP policy, with the PFS group as a D-H transform when there is one. */
  static ProposalPolicy policy(PeerConfig config, int group) {
    if (group == 0) {
      return config.esp();
    }
    List<Transform> all = new ArrayList<>(config.esp().transforms());
    all.add(Transform.of(Transform.DH, group));
    return new ProposalPolicy(Proposal.ESP, all);
  }

  /**
   * The responder's answer. A re-key: the Child SA named by REKEY_SA (our outbound SPI) gets a
   * successor with the same selectors; the old pair stays until the initiator deletes it. Without
   * REKEY_SA: an additional Child SA for the offered selectors as our policy narrows them, or
   * NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE and nothing installed. Either is keyed from this exchange's
   * nonces (and a new D-H if the initiator sent one).
   */
  public static List<IkePayload> respond(
      PeerConfig config, SecureRandom random, IkeSa sa, IkeMessage request) {
    NotifyPayload rekey = request.notification(NotifyPayload.REKEY_SA);
    SecurityAssociationPayload saI = request.first(SecurityAssociationPayload.class);
    NoncePayload niPayload = request.first(NoncePayload.class);
    ChildSa old = null;
    if (rekey != null) {
      int spi = ChildSaFactory.spiOf(rekey.spi());
      for (ChildSa c : sa.childSas()) {
        if (c.outbound().spi() == spi) {
          old = c;
        }
      }
      if (old == null) {
        return List.of(
            new NotifyPayload(
                Proposal.ESP, rekey.spi(), NotifyPayload.CHILD_SA_NOT_FOUND, Octets.of()));
      }
    }
    if (saI == null || niPayload == null) {
      return List.of(NotifyPayload.of(NotifyPayload.INVALID_SYNTAX));
    }
    KeyExchangePayload ke = request.first(KeyExchangePayload.class);
    int group = ke == null ? 0 : ke.dhGroup();
    if (group != 0 && !DiffieHellman.isSupported(group)) {
      return List.of(NotifyPayload.of(NotifyPayload.NO_PROPOSAL_CHOSEN));
    }
    Proposal chosen = policy(config, group).choose(saI).orElse(null);
    int outboundSpi = chosen == null ? 0 : ChildSaFactory.spiOf(chosen);
    if (chosen == null || outboundSpi == 0) {
      return List.of(NotifyPayload.of(NotifyPayload.NO_PROPOSAL_CHOSEN));
    }
    List<TrafficSelector> local;
    List<TrafficSelector> remote;
    if (old != null) {
      local = old.localSelectors();
      remote = old.remoteSelectors();
    } else {
      TrafficSelectors.Narrowed narrowed =
          TrafficSelectors.narrow(
              config,
              sa,
              IkeAuthTask.selectors(request, true),
              IkeAuthTask.selectors(request, false));
      if (narrowed == null) {
        return List.of(NotifyPayload.of(NotifyPayload.TS_UNACCEPTABLE));
      }
      local = narrowed.responder();
      remote = narrowed.initiator();
    }
    byte[] gir = null;
    List<IkePayload> payloads = new ArrayList<>();
    KeyExchangePayload ker = null;
    if (group != 0) {
      try {
        DiffieHellman dh = DiffieHellman.create(group, random);
        gir = dh.sharedSecret(ke.data().toByteArray());
        ker = new KeyExchangePayload(group, Octets.of(dh.publicValue()));
      } catch (IkeCryptoException e) {
        return List.of(NotifyPayload.of(e.reason().notifyType()));
      }
    }
    byte[] nr = new byte[32];
    random.nextBytes(nr);
    int inboundSpi = ChildSaFactory.newSpi(random);
    Proposal ours =
        new Proposal(
            chosen.number(),
            chosen.protocolId(),
            ChildSaFactory.spiOctets(inboundSpi),
            chosen.transforms());
    sa.addChildSa(
        ChildSaFactory.create(
            sa,
            ours,
            inboundSpi,
            outboundSpi,
            local,
            remote,
            gir,
            niPayload.data().toByteArray(),
            nr,
            false));
    payloads.add(SecurityAssociationPayload.of(ours));
    payloads.add(new NoncePayload(Octets.of(nr)));
    if (ker != null) {
      payloads.add(ker);
    }
    payloads.add(new TrafficSelectorPayload(true, remote));
    payloads.add(new TrafficSelectorPayload(false, local));
    return payloads;
  }
}
