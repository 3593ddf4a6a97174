package io.mvpn.dispatcher.shell;

import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.dispatcher.internal.DispatcherManager;
import io.mvpn.net.dispatch.TunnelEndpoint;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code mvpn:dispatcher}: the public tunnel endpoints (bound, or refused because another endpoint
 * owns the address) and what the dispatcher handed on or dropped.
 */
@Service
@Command(
    scope = "mvpn",
    name = "dispatcher",
    description = "Public tunnel endpoints and the dispatcher's counters")
public class DispatcherCommand implements Action {

  @Reference DispatcherManager manager;

  @Reference Session session;

  @Override
  public Object execute() {
    Dispatcher.Status status = manager.status();
    if (status == null) {
      session.getConsole().println("the dispatcher is not running");
    } else {
      print(status, session.getConsole());
    }
    return null;
  }

  /** The table and the counters, as the command shows them. */
  public static void print(Dispatcher.Status status, PrintStream out) {
    ShellTable table = new ShellTable();
    table.column("Address");
    table.column("Tenant");
    table.column("State");
    for (TunnelEndpoint e : status.endpoints()) {
      table.addRow().addContent(e.address(), e.tenant(), "bound");
    }
    for (TunnelEndpoint e : status.refused()) {
      table.addRow().addContent(e.address(), e.tenant(), "refused: address taken");
    }
    table.print(out);
    out.printf(
        "dispatched %d, unknown destination %d, refused endpoints %d%n",
        status.dispatched(), status.unknownDestination(), status.refused().size());
  }
}
