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
import io.mvpn.ike.message.TrafficSelectorPayload;
import io.mvpn.ike.message.Transform;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * CREATE_CHILD_SA re-keying a Child SA (RFC 7296 §1.3.3, §2.8): {@code SK{N(REKEY_SA), SA, Ni,
 * [KEi], TSi, TSr}}, with a fresh D-H for perfect forward secrecy when a group is given. The new
 * Child SA takes the old one's selectors; the engine deletes the old pair once the new is in.
 */
public final class CreateChildSaTask implements IkeTask {

  private final PeerConfig config;
  private final SecureRandom random;
  private final ChildSa old;
  private final int pfsGroup;
  private int inboundSpi;
  private byte[] ni;
  private DiffieHellman dh;

  /**
   * @param pfsGroup the D-H group for PFS, or 0 for none
   */
  public CreateChildSaTask(PeerConfig config, SecureRandom random, ChildSa old, int pfsGroup) {
    this.config = config;
    this.random = random;
    this.old = old;
    this.pfsGroup = pfsGroup;
  }

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
    payloads.add(
        new NotifyPayload(
            Proposal.ESP,
            ChildSaFactory.spiOctets(old.inbound().spi()),
            NotifyPayload.REKEY_SA,
            Octets.of()));
    payloads.add(
        SecurityAssociationPayload.of(
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
    payloads.add(new TrafficSelectorPayload(true, old.localSelectors()));
    payloads.add(new TrafficSelectorPayload(false, old.remoteSelectors()));
    return payloads;
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
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
    sa.addChildSa(
        ChildSaFactory.create(
            sa,
            chosen,
            inboundSpi,
            ChildSaFactory.spiOf(chosen),
            old.localSelectors(),
            old.remoteSelectors(),
            gir,
            ni,
            nr.data().toByteArray(),
            true));
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
   * The responder's answer: the Child SA named by REKEY_SA (our outbound SPI) gets a successor with
   * the same selectors, keyed from this exchange's nonces (and a new D-H if the initiator sent
   * one). The old pair stays until the initiator deletes it.
   */
  public static List<IkePayload> respond(
      PeerConfig config, SecureRandom random, IkeSa sa, IkeMessage request) {
    NotifyPayload rekey = request.notification(NotifyPayload.REKEY_SA);
    SecurityAssociationPayload saI = request.first(SecurityAssociationPayload.class);
    NoncePayload niPayload = request.first(NoncePayload.class);
    if (rekey == null) {
      // A new Child SA besides the existing ones, or an IKE SA re-key: not offered yet.
      return List.of(NotifyPayload.of(NotifyPayload.NO_ADDITIONAL_SAS));
    }
    int spi = ChildSaFactory.spiOf(rekey.spi());
    ChildSa old = null;
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
            old.localSelectors(),
            old.remoteSelectors(),
            gir,
            niPayload.data().toByteArray(),
            nr,
            false));
    payloads.add(SecurityAssociationPayload.of(ours));
    payloads.add(new NoncePayload(Octets.of(nr)));
    if (ker != null) {
      payloads.add(ker);
    }
    payloads.add(new TrafficSelectorPayload(true, old.remoteSelectors()));
    payloads.add(new TrafficSelectorPayload(false, old.localSelectors()));
    return payloads;
  }
}
