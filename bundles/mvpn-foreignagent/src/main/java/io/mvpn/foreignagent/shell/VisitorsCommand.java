package io.mvpn.foreignagent.shell;

import io.mvpn.foreignagent.ForeignAgentService;
import io.mvpn.foreignagent.Visitor;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:visitors}: every foreign agent's visitor list and relay counters. */
@Service
@Command(scope = "mvpn", name = "visitors", description = "Foreign agents' visitor lists")
public class VisitorsCommand implements Action {

  @Reference(optional = true)
  List<ForeignAgentService> agents;

  @Reference Session session;

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Care-of address");
    table.column("Home agent");
    table.column("Home address");
    table.column("Station").alignRight();
    table.column("Lifetime").alignRight();
    if (agents != null) {
      for (ForeignAgentService fa : agents) {
        for (Visitor v : fa.visitors()) {
          table
              .addRow()
              .addContent(
                  fa.careOf(), v.homeAgent(), v.homeAddress(), v.station(), v.lifetimeSeconds());
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
