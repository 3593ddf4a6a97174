package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.packet.udp.UdpDatagram;

/**
 * What a foreign agent refuses for a reason of security, as security events: a visitor's failed
 * MN-FA authentication (67), a home agent's reply that fails FA-HA authentication (68), and
 * registration datagrams it cannot read. The agent serves every tenant, so these carry none.
 */
final class AgentEvents {

  private final SecurityEvents events;
  private final String function;

  AgentEvents(SecurityEvents events, Ipv4Address careOf) {
    this.events = events;
    this.function = "foreignagent/" + careOf;
  }

  void mnFaAuthFailed(UdpDatagram from, int homeAddress) {
    report(from, "mn-fa-auth-failed", "visitor " + Ipv4Address.of(homeAddress) + ": code 67");
  }

  void faHaAuthFailed(UdpDatagram from, int homeAddress) {
    report(from, "fa-ha-auth-failed", "reply for " + Ipv4Address.of(homeAddress) + ": code 68");
  }

  void loginRefused(UdpDatagram from, int homeAddress, int code) {
    report(from, "link-login-refused", "visitor " + Ipv4Address.of(homeAddress) + ": code " + code);
  }

  void malformed(UdpDatagram from, String what) {
    report(from, "malformed", what);
  }

  private void report(UdpDatagram from, String reason, String detail) {
    events.report(
        SecurityEvent.NO_TENANT,
        function,
        from.ip().sourceAddress() + ":" + from.sourcePort(),
        reason,
        detail);
  }
}
