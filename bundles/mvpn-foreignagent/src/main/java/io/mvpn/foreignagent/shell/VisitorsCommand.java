package io.mvpn.foreignagent.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.foreignagent.ForeignAgentService;
import io.mvpn.foreignagent.Visitor;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

/** {@code mvpn:visitors}: every foreign agent's visitor list and relay counters. */
@Service
@Command(scope = "mvpn", name = "visitors", description = "Foreign agents' visitor lists")
public class VisitorsCommand implements Action {

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<ForeignAgentService> agents;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<ForeignAgentService> now =
        ServicesNow.of(bundleContext, ForeignAgentService.class, agents)) {
      agents = now.services();
      return run();
    }
  }

  private Object run() {
    ShellTable table = new ShellTable();
    table.column("Care-of address");
    table.column("Home agent");
    table.column("Home address");
    table.column("Station").alignRight();
    table.column("Lifetime").alignRight();
    table.column("Remaining").alignRight();
    if (agents != null) {
      for (ForeignAgentService fa : agents) {
        long now = fa.nanoTime();
        for (Visitor v : fa.visitors()) {
          table
              .addRow()
              .addContent(
                  fa.careOf(),
                  v.homeAgent(),
                  v.homeAddress(),
                  v.station(),
                  v.lifetimeSeconds(),
                  v.remainingSeconds(now));
        }
      }
    }
    table.print(session.getConsole());
    if (agents != null) {
      for (ForeignAgentService fa : agents) {
        session
            .getConsole()
            .printf(
                "%s: relayed %d requests, %d replies; delivered %d, reverse-tunnelled %d, dropped %d%n",
                fa.careOf(),
                fa.relayedRequests(),
                fa.relayedReplies(),
                fa.deliveredToVisitors(),
                fa.reverseTunnelled(),
                fa.dropped());
      }
    }
    return null;
  }
}
