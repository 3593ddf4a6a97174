package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's routes through a foreign agent: the agent itself on the access interface, then the
 * configured prefixes via the agent, all from the home address, so the kernel sends the laptop's
 * traffic straight to the agent (which reverse-tunnels it home) and ARPs only for the agent. The
 * access interface needs no address of its own.
 *
 * <p>An agent heard gets only its host route, enough for the registration request to reach it; the
 * prefixes move to it once the home agent accepted the registration through it ({@link #accepted}),
 * with {@code ip route replace} (the kernel swaps the next hop in place: no moment without a
 * route), and only then do the previous agent's host routes go. An agent heard but never accepted
 * leaves the traffic where it was.
 */
final class AgentRoutes implements AutoCloseable {

  /** Runs one iproute2 command; {@link HostRoutes#run} on a host, a recorder in tests. */
  interface Commands {
    void run(String... command) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);

  private final String device;
  private final Ipv4Address home;
  private final List<Prefix> prefixes;
  private final Commands commands;
  private final Set<String> agentRoutes = new LinkedHashSet<>(); // host routes of both agents
  private final List<String> prefixRoutes = new ArrayList<>();
  private volatile Ipv4Address careOf;
  private volatile Ipv4Address router;
  private Ipv4Address pendingCareOf;
  private Ipv4Address pendingRouter;

  AgentRoutes(MnConfig config) {
    this(config.accessInterface(), config.homeAddress(), config.routes(), HostRoutes::run);
  }

  AgentRoutes(String device, Ipv4Address home, List<Prefix> prefixes, Commands commands) {
    this.device = device;
    this.home = home;
    this.prefixes = prefixes;
    this.commands = commands;
  }

  /** The care-of address of the agent the traffic goes through, or null before one accepted. */
  Ipv4Address careOf() {
    return careOf;
  }

  /** The address that agent advertised from, or null. */
  Ipv4Address router() {
    return router;
  }

  /**
   * An agent advertised itself: a host route to it (and to the address it advertised from), so a
   * registration through it can leave. Nothing to do for the agent in use or the one pending.
   */
  synchronized void heard(Ipv4Address careOf, Ipv4Address router) {
    if (careOf.equals(this.careOf) && pendingCareOf == null || careOf.equals(pendingCareOf)) {
      return;
    }
    dropPending();
    if (careOf.equals(this.careOf)) {
      return; // back to the agent in use before the other one accepted: its routes are there
    }
    try {
      onLink(careOf);
      if (!router.equals(careOf)) {
        onLink(router);
      }
      pendingCareOf = careOf;
      pendingRouter = router;
    } catch (IOException e) {
      LOG.error("host route to the foreign agent {}: {}", careOf, e.getMessage());
    }
  }

  /**
   * The home agent accepted a registration with {@code careOf}: if that is the agent pending, the
   * prefixes move to it, then the previous agent's host routes go.
   */
  synchronized void accepted(Ipv4Address careOf) {
    if (pendingCareOf == null || !pendingCareOf.equals(careOf)) {
      return;
    }
    try {
      for (Prefix p : prefixes) {
        List<String> halves =
            p.length() == 0 ? List.of("0.0.0.0/1", "128.0.0.0/1") : List.of(p.toString());
        for (String prefix : halves) {
          commands.run(
              "ip",
              "route",
              "replace",
              prefix,
              "via",
              careOf.toString(),
              "dev",
              device,
              "src",
              home.toString(),
              "onlink");
          if (!prefixRoutes.contains(prefix)) {
            prefixRoutes.add(prefix);
          }
        }
      }
    } catch (IOException e) {
      LOG.error("routes through the foreign agent {}: {}", careOf, e.getMessage());
      return;
    }
    this.careOf = careOf;
    this.router = pendingRouter;
    pendingCareOf = null;
    pendingRouter = null;
    for (String stale : new ArrayList<>(agentRoutes)) {
      Ipv4Address agent = Ipv4Address.parse(stale.substring(0, stale.indexOf('/')));
      if (!agent.equals(this.careOf) && !agent.equals(this.router)) {
        agentRoutes.remove(stale);
        delete(stale);
      }
    }
    LOG.info("routing through the foreign agent {} on {}", careOf, device);
  }

  /**
   * The link went down and up, or the laptop is on another network: the kernel dropped the routes
   * through the interface with the link (or they lead nowhere now), so the next agent heard, even
   * the same one, gets its host route again, and its accepted registration the prefixes. What was
   * installed stays on record, for {@link #accepted} and {@link #close} to take away.
   */
  synchronized void linkChanged() {
    careOf = null;
    router = null;
    pendingCareOf = null;
    pendingRouter = null;
  }

  /**
   * Back at home: the routes through the agents go, each named by its next hop so the access link's
   * own route to the home network (the same prefix, maybe) stays. After a link change the kernel
   * dropped them already; they are only forgotten then.
   */
  synchronized void leave() {
    if (careOf != null) {
      for (String prefix : prefixRoutes) {
        try {
          commands.run("ip", "route", "del", prefix, "via", careOf.toString(), "dev", device);
        } catch (IOException e) {
          // gone already
        }
      }
      agentRoutes.forEach(this::delete);
    }
    prefixRoutes.clear();
    agentRoutes.clear();
    linkChanged();
  }

  /** The host routes of an agent heard but not accepted, unless the agent in use needs them. */
  private void dropPending() {
    Ipv4Address dropped = pendingCareOf;
    Ipv4Address droppedRouter = pendingRouter;
    pendingCareOf = null;
    pendingRouter = null;
    if (dropped != null) {
      forget(dropped);
      forget(droppedRouter);
    }
  }

  private void forget(Ipv4Address agent) {
    if (agent.equals(careOf) || agent.equals(router)) {
      return;
    }
    if (agent.equals(pendingCareOf) || agent.equals(pendingRouter)) {
      return;
    }
    String prefix = agent + "/32";
    if (agentRoutes.remove(prefix)) {
      delete(prefix);
    }
  }

  private void onLink(Ipv4Address agent) throws IOException {
    String prefix = agent + "/32";
    commands.run("ip", "route", "replace", prefix, "dev", device, "src", home.toString());
    agentRoutes.add(prefix);
  }

  private void delete(String prefix) {
    try {
      commands.run("ip", "route", "del", prefix, "dev", device);
    } catch (IOException e) {
      // gone already, with the device or the link
    }
  }

  /** Removes the routes, the prefixes first; those already gone (with the device) are left. */
  @Override
  public synchronized void close() {
    for (int i = prefixRoutes.size() - 1; i >= 0; i--) {
      delete(prefixRoutes.get(i));
    }
    prefixRoutes.clear();
    List<String> hosts = new ArrayList<>(agentRoutes);
    for (int i = hosts.size() - 1; i >= 0; i--) {
      delete(hosts.get(i));
    }
    agentRoutes.clear();
    careOf = null;
    router = null;
    pendingCareOf = null;
    pendingRouter = null;
  }
}
