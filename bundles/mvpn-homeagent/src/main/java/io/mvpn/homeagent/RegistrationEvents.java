package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.homeagent.RegistrationCheck.Verdict;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.udp.UdpDatagram;

/**
 * The registrations a home agent refuses for a reason of security, as security events: failed MN-HA
 * (131) and FA-HA (132) authentication, replays (133) and requests it cannot read (134, or dropped
 * unanswered). Denials for want of resources or policy are counted, not reported.
 */
final class RegistrationEvents {

  private final SecurityEvents events;
  private final String tenant;
  private final String function;

  RegistrationEvents(SecurityEvents events, String tenant) {
    this.events = events;
    this.tenant = tenant;
    this.function = "homeagent/" + tenant;
  }

  /** Reports the verdict on a request if it is one an operator should see. */
  void verdict(UdpDatagram datagram, Verdict verdict) {
    String reason =
        switch (verdict.action()) {
          case DROP_MALFORMED -> "malformed";
          case DENY -> reasonOf(verdict.code());
          default -> null;
        };
    if (reason == null) {
      return;
    }
    String detail =
        verdict.action() == RegistrationCheck.Action.DENY
            ? ReplyCode.describe(verdict.code())
                + " (home address "
                + Ipv4Address.of(verdict.homeAddress())
                + ")"
            : "registration request unreadable";
    events.report(
        tenant,
        function,
        datagram.ip().sourceAddress() + ":" + datagram.sourcePort(),
        reason,
        detail);
  }

  private static String reasonOf(int code) {
    return switch (code) {
      case ReplyCode.HA_MN_AUTH_FAILED -> "mn-ha-auth-failed";
      case ReplyCode.HA_FA_AUTH_FAILED -> "fa-ha-auth-failed";
      case ReplyCode.HA_IDENTIFICATION_MISMATCH -> "replay";
      case ReplyCode.HA_POORLY_FORMED_REQUEST -> "malformed";
      default -> null;
    };
  }
}
