package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.ipsec.esp.EspException;

/**
 * What a security gateway refuses for a reason of security, as security events: ESP that fails its
 * ICV or is replayed, ESP for an SPI no SA has, and Security Information Updates it does not apply
 * (unreadable, from an unknown home agent, forged, replayed, for no tunnel). A gateway serves one
 * private network but knows no tenant id, so its events carry none; the function names it.
 */
final class GatewayEvents {

  private final String function;
  private SecurityEvents events = SecurityEvents.NONE;

  GatewayEvents(Ipv4Address publicAddress) {
    this.function = "securitygateway/" + publicAddress;
  }

  void reportTo(SecurityEvents securityEvents) {
    this.events = securityEvents;
  }

  /** An inbound ESP packet an SA refused. */
  void espRefused(int source, EspException e) {
    String reason =
        switch (e.reason()) {
          case ICV -> "esp-icv-failed";
          case REPLAY -> "esp-replay";
          case EXPIRED -> "esp-expired";
          default -> "malformed";
        };
    report(Ipv4Address.of(source).toString(), reason, e.getMessage());
  }

  void unknownSpi(int spi, Ipv4Address source) {
    report(source.toString(), "esp-unknown-spi", "spi 0x" + Integer.toHexString(spi));
  }

  /** An update not applied, with the counter that counted it. */
  void siuRefused(Ipv4Address source, GatewayCounter why) {
    report(source.toString(), "siu-refused", why.name().toLowerCase());
  }

  private void report(String source, String reason, String detail) {
    events.report(SecurityEvent.NO_TENANT, function, source, reason, detail);
  }
}
