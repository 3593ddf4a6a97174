package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The destinations a site's gateway router answers RREQs for (seed 002 c14-15), for {@link
 * MobilityRouter#setGatewayFor}. Inside its tenant's network a site is one AODV cloud: what lies
 * outside the site's range is reached through the gateway, by Mobile IP or the tenant's own routes
 * (c14). Where the tenant's security gateway also acts as the home agent of its nodes (c15), a node
 * of the site that left and registered from elsewhere is reached there too: the gateway answers for
 * it while the home agent holds a binding, so the site's traffic for it enters the home agent's
 * tunnel instead of a discovery that finds nobody.
 */
public final class SiteGateway implements Predicate<Ipv4Address> {

  private final Prefix site;
  private final Predicate<Ipv4Address> boundAtHomeAgent;

  private SiteGateway(Prefix site, Predicate<Ipv4Address> boundAtHomeAgent) {
    this.site = Objects.requireNonNull(site, "site");
    this.boundAtHomeAgent = boundAtHomeAgent;
  }

  /** The gateway of the site {@code site}, for what lies outside it (c14). */
  public static SiteGateway of(Prefix site) {
    return new SiteGateway(site, null);
  }

  /** The same gateway acting as home agent (c15): also for nodes {@code bound} away. */
  public SiteGateway actingAsHomeAgent(Predicate<Ipv4Address> bound) {
    return new SiteGateway(site, Objects.requireNonNull(bound, "bound"));
  }

  public Prefix site() {
    return site;
  }

  public boolean actsAsHomeAgent() {
    return boundAtHomeAgent != null;
  }

  @Override
  public boolean test(Ipv4Address destination) {
    return !site.contains(destination)
        || (boundAtHomeAgent != null && boundAtHomeAgent.test(destination));
  }
}
