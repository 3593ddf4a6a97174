package io.mvpn.diameter.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.diameter.DiameterNodeService;
import io.mvpn.diameter.peer.DiameterStats;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

/** {@code mvpn:diameter peers | stats}: each running Diameter node's peers or counters. */
@Service
@Command(scope = "mvpn", name = "diameter", description = "Diameter nodes: peers or stats")
public class DiameterCommand implements Action {

  @Argument(index = 0, name = "what", description = "peers (default) or stats")
  @Completion(
      value = StringsCompleter.class,
      values = {"peers", "stats"})
  String what = "peers";

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<DiameterNodeService> nodes;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<DiameterNodeService> now =
        ServicesNow.of(bundleContext, DiameterNodeService.class, nodes)) {
      nodes = now.services();
      return run();
    }
  }

  private Object run() {
    if (nodes == null || nodes.isEmpty()) {
      session.getConsole().println("no Diameter node configured (etc/io.mvpn.diameter-<name>.cfg)");
      return null;
    }
    for (DiameterNodeService n : nodes) {
      if (n.originHost() == null) {
        continue;
      }
      session.getConsole().println(n.originHost() + " (" + n.originRealm() + ")");
      if ("stats".equals(what)) {
        printStats(n.stats());
      } else {
        session
            .getConsole()
            .println(
                String.format(
                    "  %-28s %-16s %-20s %-8s %-30s %s",
                    "peer", "realm", "state", "watchdog", "connection", "applications"));
        for (DiameterNodeService.PeerView p : n.peers()) {
          session
              .getConsole()
              .println(
                  String.format(
                      "  %-28s %-16s %-20s %-8s %-30s %s",
                      p.host(),
                      p.realm(),
                      p.state(),
                      p.watchdog(),
                      p.connection(),
                      p.applications()));
        }
      }
    }
    return null;
  }

  private void printStats(DiameterStats stats) {
    for (RecordComponent c : DiameterStats.class.getRecordComponents()) {
      try {
        session
            .getConsole()
            .println(String.format("  %-20s %d", c.getName(), c.getAccessor().invoke(stats)));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
