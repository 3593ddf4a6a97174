package io.mvpn.demo.shell;

import io.mvpn.api.shell.TenantCompleter;
import io.mvpn.demo.RoamingDemo;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code mvpn:demo-move TENANT ATTACHMENT}: hands a demo node over now, so that an operator (or a
 * test) can watch one handover on the shell, the REST API or the dashboard.
 */
@Service
@Command(
    scope = "mvpn",
    name = "demo-move",
    description = "Moves a tenant's demo mobile node to an attachment (home, cell1, cell2, colo)")
public class DemoMoveCommand implements Action {

  @Reference RoamingDemo demo;

  @Reference Session session;

  @Argument(index = 0, name = "tenant", description = "The node's tenant", required = true)
  @Completion(TenantCompleter.class)
  String tenant;

  @Argument(
      index = 1,
      name = "attachment",
      description = "home, cell1 (foreign agent fa1), cell2 (fa2) or colo (co-located)",
      required = true)
  @Completion(
      value = StringsCompleter.class,
      values = {"home", "cell1", "cell2", "colo"})
  String attachment;

  @Override
  public Object execute() {
    int moved;
    try {
      moved = demo.move(tenant, attachment);
    } catch (IllegalArgumentException e) {
      session.getConsole().println(e.getMessage());
      return null;
    }
    List<String> tenants = demo.roamers().stream().map(RoamingDemo.Roamer::tenant).toList();
    session
        .getConsole()
        .println(
            moved == 0
                ? "no demo node of tenant " + tenant + " (the demo's tenants: " + tenants + ")"
                : "moved " + tenant + "'s demo node to " + attachment);
    return null;
  }
}
