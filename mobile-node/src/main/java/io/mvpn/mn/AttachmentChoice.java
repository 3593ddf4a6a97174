package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * Where {@code mode: auto} attaches the laptop, from what its access link shows (RFC 5944 §2.4 and
 * §3.6): at home, when the link carries an address of the home network (no tunnel: the node
 * deregisters); still looking while the node's own home agent advertises itself on the link but
 * that address has not come yet (no care-of address on the home link). Anyone else's home agent
 * advertisement says nothing: it is no proof of being home, and trusting it would let any router
 * make the laptop deregister and route its home network out of a foreign link. Through a foreign
 * agent, when one advertised itself since the last move; else, once the node has waited {@code
 * agentWait} after the move for an agent (it solicits at once, so an agent answers well within
 * that), with the link's own address as a co-located care-of address, provided the link has a
 * default route (an address without a way out reaches no home agent). Nothing else: an attachment
 * holds until the next move, except that home wins at once and a co-located address that went away
 * ends its attachment.
 *
 * <p>A plain class on the node's clock, so its decisions are tested in virtual time.
 */
final class AttachmentChoice {

  /** Where the node is attached: home, through an agent, co-located, or still looking. */
  enum Kind {
    SEARCHING,
    HOME,
    AGENT,
    COLOCATED
  }

  /**
   * One decision: its kind and the address it is about (the address at home, the agent's care-of
   * address, the co-located care-of address; null while looking).
   */
  record Attachment(Kind kind, Ipv4Address address) {

    static final Attachment SEARCHING = new Attachment(Kind.SEARCHING, null);

    /** As {@code mvpn-mn status} shows it: home, fa ADDRESS, colocated ADDRESS or searching. */
    String describe() {
      return switch (kind) {
        case SEARCHING -> "searching";
        case HOME -> "home";
        case AGENT -> "fa " + address;
        case COLOCATED -> "colocated " + address;
      };
    }
  }

  private final Prefix homeNetwork;
  private final Ipv4Address homeAgent;
  private final long waitNanos;
  private final Scheduler clock;
  private long lookingSince;
  private Ipv4Address agentHeard;
  private boolean homeAgentHeard;
  private Attachment current = Attachment.SEARCHING;

  AttachmentChoice(
      Prefix homeNetwork, Ipv4Address homeAgent, long agentWaitMillis, Scheduler clock) {
    this.homeNetwork = homeNetwork;
    this.homeAgent = homeAgent;
    this.waitNanos = TimeUnit.MILLISECONDS.toNanos(agentWaitMillis);
    this.clock = clock;
    this.lookingSince = clock.nanoTime();
  }

  /** The laptop moved (its link came up, flapped or gained an address): look again from now. */
  void moved() {
    lookingSince = clock.nanoTime();
    agentHeard = null;
    homeAgentHeard = false;
    current = Attachment.SEARCHING;
  }

  /**
   * The link gained an address without going down (DHCP answering after the link came up): the
   * choice is made again, but the wait for an agent that began when the link came up goes on.
   */
  void addressesChanged() {
    current = Attachment.SEARCHING;
  }

  /** An agent advertised itself on the access link. */
  void heardForeignAgent(Ipv4Address careOf) {
    agentHeard = careOf;
  }

  /**
   * A home agent advertised itself on the access link from {@code router}: only the node's own home
   * agent counts, and it means the home link only with an address of the home network.
   *
   * @return whether it was the node's own home agent
   */
  boolean heardHomeAgent(Ipv4Address router) {
    if (!homeAgent.equals(router)) {
      return false;
    }
    homeAgentHeard = true;
    return true;
  }

  /** The decision now, for the link as it is and whether it has a default route. */
  Attachment decide(AccessLink link, boolean defaultRoute) {
    if (!link.up()) {
      current = Attachment.SEARCHING;
      return current;
    }
    Ipv4Address atHome =
        link.addresses().stream()
            .filter(homeNetwork::contains)
            .min(Comparator.comparingLong(a -> a.toInt() & 0xFFFFFFFFL))
            .orElse(null);
    if (atHome != null) {
      current = new Attachment(Kind.HOME, atHome);
    } else if (homeAgentHeard) {
      current = Attachment.SEARCHING; // on the home link, its address not yet there
    } else if (current.kind() == Kind.COLOCATED) {
      if (!link.addresses().contains(current.address())) {
        moved(); // renumbered under the node: look again
      }
    } else if (agentHeard != null) {
      current = new Attachment(Kind.AGENT, agentHeard);
    } else if (current.kind() == Kind.HOME) {
      current = Attachment.SEARCHING; // the home address went without a move: look again
      lookingSince = clock.nanoTime();
    } else if (clock.nanoTime() - lookingSince >= waitNanos && defaultRoute) {
      current =
          link.addresses().stream()
              .min(Comparator.comparingLong(a -> a.toInt() & 0xFFFFFFFFL))
              .map(a -> new Attachment(Kind.COLOCATED, a))
              .orElse(Attachment.SEARCHING);
    }
    return current;
  }

  /** The last decision. */
  Attachment current() {
    return current;
  }
}
