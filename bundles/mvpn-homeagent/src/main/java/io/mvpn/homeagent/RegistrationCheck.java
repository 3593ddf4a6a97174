package io.mvpn.homeagent;

import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.Binding;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.mip.UdpTunnel;
import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.OptionalLong;
import java.util.function.IntPredicate;

/**
 * The home agent's decision on one registration request (RFC 5944 §3.8.2, RFC 3024, RFC 3519 §4.6):
 * a request, where it came from, the node's last accepted identification and the time go in; a
 * {@link Verdict} comes out. It reads no store, sends nothing and changes nothing, so the home
 * agent applies a verdict only once everything that can refuse a request has been checked, the
 * authenticator first.
 *
 * <p>Holds the home agent's associations; their MACs make it single-threaded, like its engine.
 */
public final class RegistrationCheck {

  /**
   * Extensions this home agent understands; any other non-skippable one voids a request. A test of
   * the type number: a set of {@code Integer}s would box the type of every extension looked up.
   */
  static final IntPredicate KNOWN_EXTENSIONS =
      type ->
          type == MipConstants.EXT_MN_HA_AUTH
              || type == MipConstants.EXT_MN_FA_AUTH
              || type == MipConstants.EXT_FA_HA_AUTH
              || type == MipConstants.EXT_UDP_TUNNEL_REQUEST;

  /** RFC 3024 §3.4: the requested encapsulation (minimal or GRE) is unavailable. */
  public static final int HA_ENCAPSULATION_UNAVAILABLE = 139;

  /**
   * The "no identification yet" of {@link #check(RegistrationRequest, int, long, long)}. No
   * identification of 0 was ever accepted: its timestamp half is 0, never within the tolerance of
   * the home agent's NTP clock.
   */
  public static final long NO_IDENTIFICATION = 0;

  /** What the home agent does with a request. */
  public enum Action {
    /** Bind the care-of address for the granted lifetime and answer 0. */
    REGISTER,
    /** Remove the binding(s) named by the request and answer 0 with lifetime 0. */
    DEREGISTER,
    /** Answer with the denial code; nothing changes. */
    DENY,
    /** Unreadable: no reply, counted as malformed. */
    DROP_MALFORMED,
    /** An unknown non-skippable extension: silently discarded (RFC 5944 §1.9), counted. */
    DROP_UNKNOWN_EXTENSION
  }

  /**
   * The decision, with everything the reply and the binding need.
   *
   * @param homeAddress the reply's home address field
   * @param lifetime granted seconds (0 for every denial and for a deregistration)
   * @param identification the reply's identification: the request's, or for 133 the home agent's
   *     seconds in the high half and the request's low half
   * @param careOf the binding's care-of address: behind a NAT the request's source (RFC 3519 §4.6)
   * @param tunnelReply whether the reply carries an RFC 3519 tunnel reply extension
   * @param mnHa the verified MN-HA association to authenticate the reply with, or null
   * @param faHa the FA-HA association of the relaying foreign agent, for the reply, or null
   */
  public record Verdict(
      Action action,
      int code,
      int homeAddress,
      int lifetime,
      long identification,
      int careOf,
      Binding.Encapsulation encapsulation,
      boolean simultaneous,
      boolean tunnelReply,
      MobilitySecurityAssociation mnHa,
      MobilitySecurityAssociation faHa) {

    public boolean accepted() {
      return action == Action.REGISTER || action == Action.DEREGISTER;
    }

    /** The RFC 3519 reply code for the tunnel reply extension. */
    public int tunnelReplyCode() {
      return encapsulation == Binding.Encapsulation.UDP
          ? UdpTunnel.REPLY_ACCEPTED
          : UdpTunnel.REPLY_DECLINED;
    }

    static Verdict drop(Action action) {
      return new Verdict(
          action, -1, 0, 0, 0, 0, Binding.Encapsulation.IP_IN_IP, false, false, null, null);
    }
  }

  private final HomeAgentConfig config;
  private final Prefix[] homeRealms;
  // Keyed by primitive addresses and SPIs: a lookup per request boxes nothing.
  private final IntObjectMap<LongObjectMap<MobilitySecurityAssociation>> keys =
      new IntObjectHashMap<>();
  private final IntObjectMap<MobilitySecurityAssociation> foreignAgents = new IntObjectHashMap<>();

  public RegistrationCheck(HomeAgentConfig config) {
    this.config = config;
    this.homeRealms = config.homeRealms().toArray(new Prefix[0]);
    for (AssociationSpec k : config.foreignAgentKeys()) {
      foreignAgents.put(k.peer().toInt(), k.toAssociation());
    }
    for (AssociationSpec k : config.keys()) {
      LongObjectMap<MobilitySecurityAssociation> forNode = keys.get(k.peer().toInt());
      if (forNode == null) {
        forNode = new LongObjectHashMap<>(2);
        keys.put(k.peer().toInt(), forNode);
      }
      forNode.put(k.spi(), k.toAssociation());
    }
  }

  /**
   * Decides on a parsed request.
   *
   * @param source the request's IP source (a foreign agent, a NAT, or the node itself)
   * @param lastIdentification the identification of the node's last accepted registration
   * @param ntpSeconds the home agent's clock, NTP seconds (RFC 5944 §5.7)
   */
  public Verdict check(
      RegistrationRequest request, int source, OptionalLong lastIdentification, long ntpSeconds) {
    return check(request, source, lastIdentification.orElse(NO_IDENTIFICATION), ntpSeconds);
  }

  /**
   * As {@link #check(RegistrationRequest, int, OptionalLong, long)}, the last identification given
   * as a number, {@link #NO_IDENTIFICATION} if there is none.
   */
  public Verdict check(
      RegistrationRequest request, int source, long lastIdentification, long ntpSeconds) {
    if (request.firstUnknownNonSkippable(KNOWN_EXTENSIONS) != null) {
      return Verdict.drop(Action.DROP_UNKNOWN_EXTENSION);
    }
    MobilitySecurityAssociation faHa = foreignAgents.get(source);
    MobilitySecurityAssociation mnHa = authenticate(request);
    if (mnHa == null) {
      // Without a verified association there is nothing to authenticate the reply with.
      return deny(request, ReplyCode.HA_MN_AUTH_FAILED, null, faHa);
    }
    // A foreign agent we share an association with must authenticate what it relays (§3.8.2.1).
    if (faHa != null && !request.isDeregistration()) {
      MipExtension ext = request.find(MipConstants.EXT_FA_HA_AUTH);
      if (ext == null || !faHa.verify(request, ext)) {
        return deny(request, ReplyCode.HA_FA_AUTH_FAILED, mnHa, faHa);
      }
    }
    if (request.homeAgent() != config.address().toInt()) {
      return deny(request, ReplyCode.HA_UNKNOWN_HA_ADDRESS, mnHa, faHa);
    }
    long replayId = staleIdentification(request.identification(), lastIdentification, ntpSeconds);
    if (replayId != 0) {
      return new Verdict(
          Action.DENY,
          ReplyCode.HA_IDENTIFICATION_MISMATCH,
          request.homeAddress(),
          0,
          replayId,
          0,
          Binding.Encapsulation.IP_IN_IP,
          false,
          false,
          mnHa,
          faHa);
    }
    int flags = request.flags();
    if ((flags & (MipConstants.FLAG_RESERVED_R | MipConstants.FLAG_RESERVED_X)) != 0) {
      return deny(request, ReplyCode.HA_POORLY_FORMED_REQUEST, mnHa, faHa);
    }
    if ((flags & (MipConstants.FLAG_MINIMAL | MipConstants.FLAG_GRE)) != 0) {
      return deny(request, HA_ENCAPSULATION_UNAVAILABLE, mnHa, faHa);
    }
    if (!inHomeRealm(request.homeAddress())) {
      return deny(request, ReplyCode.HA_ADMIN_PROHIBITED, mnHa, faHa);
    }
    // RFC 3519: UDP tunnelling when a NAT is in the way (source is not the care-of address) or
    // the node forces it; declined otherwise, and IP in IP is used.
    MipExtension tunnelRequest = request.find(MipConstants.EXT_UDP_TUNNEL_REQUEST);
    boolean udp = false;
    if (tunnelRequest != null) {
      if (!UdpTunnel.requestReservedClear(tunnelRequest)) {
        return deny(request, ReplyCode.HA_POORLY_FORMED_REQUEST, mnHa, faHa);
      }
      int encapsulation = UdpTunnel.requestEncapsulation(tunnelRequest);
      if (encapsulation != UdpTunnel.ENCAPSULATION_IP_IN_UDP && encapsulation != 0) {
        return deny(request, ReplyCode.HA_UDP_ENCAPSULATION_UNAVAILABLE, mnHa, faHa);
      }
      boolean natSeen = source != request.careOfAddress();
      udp = natSeen || (UdpTunnel.requestFlags(tunnelRequest) & UdpTunnel.REQUEST_FORCE) != 0;
    }
    boolean deregistration = request.isDeregistration();
    return new Verdict(
        deregistration ? Action.DEREGISTER : Action.REGISTER,
        ReplyCode.ACCEPTED,
        request.homeAddress(),
        deregistration ? 0 : Math.min(request.lifetime(), config.maxLifetimeSeconds()),
        request.identification(),
        udp ? source : request.careOfAddress(),
        udp ? Binding.Encapsulation.UDP : Binding.Encapsulation.IP_IN_IP,
        request.hasFlag(MipConstants.FLAG_SIMULTANEOUS),
        tunnelRequest != null && !deregistration,
        mnHa,
        faHa);
  }

  /**
   * Decides on a payload that did not parse as a request: if its fixed part is there, 134 with the
   * identification and home address it carries; otherwise nothing to answer with, dropped.
   */
  public Verdict unparsable(ByteBuf payload) {
    if (payload.readableBytes() < RegistrationRequest.FIXED_LENGTH
        || payload.getUnsignedByte(payload.readerIndex()) != MipConstants.REGISTRATION_REQUEST) {
      return Verdict.drop(Action.DROP_MALFORMED);
    }
    int at = payload.readerIndex();
    return new Verdict(
        Action.DENY,
        ReplyCode.HA_POORLY_FORMED_REQUEST,
        payload.getInt(at + 4),
        0,
        payload.getLong(at + 16),
        0,
        Binding.Encapsulation.IP_IN_IP,
        false,
        false,
        null,
        null);
  }

  /** The FA-HA association shared with {@code address}, or null. */
  MobilitySecurityAssociation foreignAgent(int address) {
    return foreignAgents.get(address);
  }

  private static Verdict deny(
      RegistrationRequest request,
      int code,
      MobilitySecurityAssociation mnHa,
      MobilitySecurityAssociation faHa) {
    return new Verdict(
        Action.DENY,
        code,
        request.homeAddress(),
        0,
        request.identification(),
        0,
        Binding.Encapsulation.IP_IN_IP,
        false,
        false,
        mnHa,
        faHa);
  }

  /** The MN-HA association whose authenticator verifies, or null (131). */
  private MobilitySecurityAssociation authenticate(RegistrationRequest request) {
    MipExtension first = request.firstAuthentication();
    // The MN-HA extension must be the first authentication extension (RFC 5944 §3.2).
    if (first == null || first.type() != MipConstants.EXT_MN_HA_AUTH) {
      return null;
    }
    LongObjectMap<MobilitySecurityAssociation> forNode = keys.get(request.homeAddress());
    MobilitySecurityAssociation sa =
        forNode == null ? null : forNode.get(first.spi() & 0xFFFFFFFFL);
    return sa != null && sa.verify(request, first) ? sa : null;
  }

  /**
   * Timestamp replay protection (RFC 5944 §5.7): 0 if the identification is fresh, else the
   * identification for the 133 reply: our time in the high 32 bits, the request's low 32 bits.
   */
  private long staleIdentification(long id, long last, long ourSeconds) {
    long theirSeconds = id >>> 32;
    boolean fresh =
        Math.abs(theirSeconds - ourSeconds) <= config.replayToleranceSeconds()
            && (last == NO_IDENTIFICATION || Long.compareUnsigned(id, last) > 0);
    return fresh ? 0 : (ourSeconds << 32) | (id & 0xFFFFFFFFL);
  }

  private boolean inHomeRealm(int address) {
    for (Prefix p : homeRealms) {
      if (p.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
