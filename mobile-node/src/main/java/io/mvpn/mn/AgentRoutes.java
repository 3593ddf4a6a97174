package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's routes through a foreign agent: the agent itself on the access interface, then the
 * configured prefixes via the agent, all from the home address, so the kernel sends the laptop's
 * traffic straight to the agent (which reverse-tunnels it home) and ARPs only for the agent. The
 * access interface needs no address of its own. Set when an agent is first heard, moved when
 * another one is, taken back on {@link #close}.
 */
final class AgentRoutes implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);

  private final String device;
  private final Ipv4Address home;
  private final List<Prefix> prefixes;
  private final List<String> installed = new ArrayList<>();
  private volatile Ipv4Address careOf;
  private volatile Ipv4Address router;

  AgentRoutes(MnConfig config) {
    this.device = config.accessInterface();
    this.home = config.homeAddress();
    this.prefixes = config.routes();
  }

  /** The care-of address of the agent routed through, or null before one was heard. */
  Ipv4Address careOf() {
    return careOf;
  }

  /** The address the agent advertised from, or null. */
  Ipv4Address router() {
    return router;
  }

  /** Routes through the agent at {@code careOf}; nothing to do if it is the one in use. */
  synchronized void use(Ipv4Address careOf, Ipv4Address router) {
    if (careOf.equals(this.careOf)) {
      return;
    }
    close();
    try {
      onLink(careOf);
      if (!router.equals(careOf)) {
        onLink(router);
      }
      for (Prefix p : prefixes) {
        List<String> halves =
            p.length() == 0 ? List.of("0.0.0.0/1", "128.0.0.0/1") : List.of(p.toString());
        for (String prefix : halves) {
          HostRoutes.run(
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
          installed.add(prefix);
        }
      }
      this.careOf = careOf;
      this.router = router;
      LOG.info("routing through the foreign agent {} on {}", careOf, device);
    } catch (IOException e) {
      LOG.error("routes through the foreign agent {}: {}", careOf, e.getMessage());
    }
  }

  private void onLink(Ipv4Address agent) throws IOException {
    String prefix = agent + "/32";
    HostRoutes.run("ip", "route", "replace", prefix, "dev", device, "src", home.toString());
    installed.add(prefix);
  }

  /** Removes the routes, newest first; those already gone (with the device) are left. */
  @Override
  public synchronized void close() {
    for (int i = installed.size() - 1; i >= 0; i--) {
      try {
        HostRoutes.run("ip", "route", "del", installed.get(i), "dev", device);
      } catch (IOException e) {
        // gone already
      }
    }
    installed.clear();
    careOf = null;
    router = null;
  }
}
