package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.crypto.AuthOctets;
import io.mvpn.ike.message.ConfigurationAttribute;
import io.mvpn.ike.message.ConfigurationPayload;
import io.mvpn.ike.message.IdentificationPayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.SecurityAssociationPayload;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.message.TrafficSelectorPayload;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * IKE_AUTH (RFC 7296 §1.2, §2.15): {@code SK{IDi, [IDr], AUTH, [N(MOBIKE_SUPPORTED)], SAi2, TSi,
 * TSr} -> <- SK{IDr, AUTH, [N(MOBIKE_SUPPORTED)], SAr2, TSi, TSr}}. Authentication goes through an
 * {@link Authenticator}; the first Child SA comes with it. A Child SA that cannot be agreed
 * (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE) leaves the IKE SA up without it (§1.2).
 */
public final class IkeAuthTask implements IkeTask {

  private final PeerConfig config;
  private final int inboundSpi;

  public IkeAuthTask(PeerConfig config, SecureRandom random) {
    this.config = config;
    this.inboundSpi = ChildSaFactory.newSpi(random);
  }

  @Override
  public int exchangeType() {
    return IkeHeader.IKE_AUTH;
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    IdentificationPayload idI = config.localId().payload(true);
    byte[] octets = initiatorOctets(sa, idI);
    List<IkePayload> payloads = new ArrayList<>();
    payloads.add(idI);
    if (config.remoteId() != null) {
      payloads.add(config.remoteId().payload(false));
    }
    payloads.addAll(config.authenticator().prove(sa, octets));
    if (config.mobike()) {
      payloads.add(NotifyPayload.of(NotifyPayload.MOBIKE_SUPPORTED));
    }
    if (config.virtualAddresses() != null) {
      // §3.15: a road warrior asks for its address inside the network.
      payloads.add(
          ConfigurationPayload.of(
              ConfigurationPayload.CFG_REQUEST,
              new ConfigurationAttribute(
                  ConfigurationAttribute.INTERNAL_IP4_ADDRESS, Octets.of())));
    }
    payloads.add(
        new SecurityAssociationPayload(config.esp().offer(ChildSaFactory.spiOctets(inboundSpi))));
    payloads.add(new TrafficSelectorPayload(true, config.localSelectors()));
    payloads.add(new TrafficSelectorPayload(false, config.remoteSelectors()));
    return payloads;
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    if (response.notification(NotifyPayload.AUTHENTICATION_FAILED) != null) {
      return failed(sa, NotifyPayload.AUTHENTICATION_FAILED);
    }
    IdentificationPayload idR = response.first(IdentificationPayload.class);
    if (idR == null || idR.initiator()) {
      NotifyPayload error = firstError(response);
      return failed(sa, error != null ? error.notifyType() : NotifyPayload.INVALID_SYNTAX);
    }
    byte[] octets = responderOctets(sa, idR);
    if (!acceptable(Identity.of(idR)) || !config.authenticator().verify(sa, octets, response)) {
      return failed(sa, NotifyPayload.AUTHENTICATION_FAILED);
    }
    sa.authenticated(
        Identity.of(idR), response.notification(NotifyPayload.MOBIKE_SUPPORTED) != null);
    sa.state(IkeSaState.ESTABLISHED);
    ConfigurationPayload cp = response.first(ConfigurationPayload.class);
    if (cp != null && cp.cfgType() == ConfigurationPayload.CFG_REPLY) {
      for (ConfigurationAttribute a : cp.attributes()) {
        if (a.type() == ConfigurationAttribute.INTERNAL_IP4_ADDRESS && a.value().length() == 4) {
          sa.virtualAddress(
              Ipv4Address.of(java.nio.ByteBuffer.wrap(a.value().toByteArray()).getInt()));
        }
      }
    }
    sa.childFailed(installChild(sa, response));
    return Outcome.DONE;
  }

  /** Our Child SA from the responder's SAr2, TSi and TSr; 0, or the error that refused it. */
  private int installChild(IkeSa sa, IkeMessage response) {
    NotifyPayload error = firstError(response);
    if (error != null) {
      return error.notifyType();
    }
    SecurityAssociationPayload saR = response.first(SecurityAssociationPayload.class);
    List<TrafficSelector> tsI = selectors(response, true);
    List<TrafficSelector> tsR = selectors(response, false);
    if (saR == null
        || saR.proposals().size() != 1
        || !config.esp().accepts(saR.proposals().get(0))
        || ChildSaFactory.spiOf(saR.proposals().get(0)) == 0) {
      return NotifyPayload.NO_PROPOSAL_CHOSEN;
    }
    // The responder may narrow but never widen what we asked for (§2.9).
    if (tsI.isEmpty()
        || tsR.isEmpty()
        || !TrafficSelectors.within(tsI, config.localSelectors())
        || !TrafficSelectors.within(tsR, config.remoteSelectors())) {
      return NotifyPayload.TS_UNACCEPTABLE;
    }
    Proposal chosen = saR.proposals().get(0);
    sa.addChildSa(
        ChildSaFactory.create(sa, chosen, inboundSpi, ChildSaFactory.spiOf(chosen), tsI, tsR));
    return 0;
  }

  private boolean acceptable(Identity peer) {
    return config.remoteId() == null || config.remoteId().equals(peer);
  }

  private static Outcome failed(IkeSa sa, int notifyType) {
    sa.fail(notifyType);
    return Outcome.FAILED;
  }

  // ---- responder ------------------------------------------------------------------------------

  /**
   * The responder's answer to a decrypted IKE_AUTH request. When the initiator does not
   * authenticate, the answer is N(AUTHENTICATION_FAILED) alone and {@link IkeSa#failure()} is set:
   * the engine sends it and drops the SA, installing nothing.
   */
  public static List<IkePayload> respond(
      PeerConfig config, SecureRandom random, IkeSa sa, IkeMessage request) {
    IdentificationPayload idI = request.first(IdentificationPayload.class);
    if (idI == null || !idI.initiator()) {
      sa.fail(NotifyPayload.INVALID_SYNTAX);
      return List.of(NotifyPayload.of(NotifyPayload.INVALID_SYNTAX));
    }
    byte[] peerOctets = initiatorOctets(sa, idI);
    Identity peer = Identity.of(idI);
    if ((config.remoteId() != null && !config.remoteId().equals(peer))
        || !config.authenticator().verify(sa, peerOctets, request)) {
      sa.fail(NotifyPayload.AUTHENTICATION_FAILED);
      return List.of(NotifyPayload.of(NotifyPayload.AUTHENTICATION_FAILED));
    }
    IdentificationPayload idR = config.localId().payload(false);
    byte[] octets = responderOctets(sa, idR);
    List<IkePayload> payloads = new ArrayList<>();
    payloads.add(idR);
    payloads.addAll(config.authenticator().prove(sa, octets));
    boolean peerMobike = request.notification(NotifyPayload.MOBIKE_SUPPORTED) != null;
    if (config.mobike() && peerMobike) {
      payloads.add(NotifyPayload.of(NotifyPayload.MOBIKE_SUPPORTED));
    }
    sa.authenticated(peer, peerMobike);
    sa.state(IkeSaState.ESTABLISHED);
    ConfigurationPayload cp = request.first(ConfigurationPayload.class);
    if (cp != null
        && cp.cfgType() == ConfigurationPayload.CFG_REQUEST
        && config.virtualAddresses() != null) {
      Ipv4Address address = config.virtualAddresses().apply(peer);
      if (address != null) {
        sa.virtualAddress(address);
        int v = address.toInt();
        payloads.add(
            ConfigurationPayload.of(
                ConfigurationPayload.CFG_REPLY,
                new ConfigurationAttribute(
                    ConfigurationAttribute.INTERNAL_IP4_ADDRESS,
                    Octets.of((byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v))));
      }
    }
    payloads.addAll(respondChild(config, random, sa, request));
    return payloads;
  }

  /** SAr2, TSi, TSr for the Child SA requested, or the Notify that refuses it. */
  private static List<IkePayload> respondChild(
      PeerConfig config, SecureRandom random, IkeSa sa, IkeMessage request) {
    SecurityAssociationPayload saI = request.first(SecurityAssociationPayload.class);
    List<TrafficSelector> tsI = selectors(request, true);
    List<TrafficSelector> tsR = selectors(request, false);
    if (saI == null || tsI.isEmpty() || tsR.isEmpty()) {
      return List.of(); // no Child SA asked for
    }
    Proposal chosen = config.esp().choose(saI).orElse(null);
    int outboundSpi = chosen == null ? 0 : ChildSaFactory.spiOf(chosen);
    if (chosen == null || outboundSpi == 0) {
      return refuseChild(sa, NotifyPayload.NO_PROPOSAL_CHOSEN);
    }
    TrafficSelectors.Narrowed narrowed = TrafficSelectors.narrow(config, sa, tsI, tsR);
    if (narrowed == null) {
      return refuseChild(sa, NotifyPayload.TS_UNACCEPTABLE);
    }
    List<TrafficSelector> narrowedI = narrowed.initiator();
    List<TrafficSelector> narrowedR = narrowed.responder();
    int inboundSpi = ChildSaFactory.newSpi(random);
    Proposal ours =
        new Proposal(
            chosen.number(),
            chosen.protocolId(),
            ChildSaFactory.spiOctets(inboundSpi),
            chosen.transforms());
    sa.addChildSa(ChildSaFactory.create(sa, ours, inboundSpi, outboundSpi, narrowedR, narrowedI));
    return List.of(
        SecurityAssociationPayload.of(ours),
        new TrafficSelectorPayload(true, narrowedI),
        new TrafficSelectorPayload(false, narrowedR));
  }

  private static List<IkePayload> refuseChild(IkeSa sa, int notifyType) {
    sa.childFailed(notifyType);
    return List.of(NotifyPayload.of(notifyType));
  }

  // ---- both -----------------------------------------------------------------------------------

  /** What the initiator's AUTH covers: RealMessage1, Nr, prf(SK_pi, IDi) (§2.15). */
  private static byte[] initiatorOctets(IkeSa sa, IdentificationPayload idI) {
    return AuthOctets.initiatorSignedOctets(
        sa.keys().prf(), sa.keys().skPi(), sa.realMessage1(), sa.nonceR(), idI.restOfIdPayload());
  }

  /** What the responder's AUTH covers: RealMessage2, Ni, prf(SK_pr, IDr) (§2.15). */
  private static byte[] responderOctets(IkeSa sa, IdentificationPayload idR) {
    return AuthOctets.responderSignedOctets(
        sa.keys().prf(), sa.keys().skPr(), sa.realMessage2(), sa.nonceI(), idR.restOfIdPayload());
  }

  static List<TrafficSelector> selectors(IkeMessage message, boolean initiator) {
    for (TrafficSelectorPayload ts : message.all(TrafficSelectorPayload.class)) {
      if (ts.initiator() == initiator) {
        return ts.selectors();
      }
    }
    return List.of();
  }

  static NotifyPayload firstError(IkeMessage message) {
    for (NotifyPayload n : message.all(NotifyPayload.class)) {
      if (n.isError()) {
        return n;
      }
    }
    return null;
  }
}
