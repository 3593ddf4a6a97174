package io.mvpn.fabric.shell;

import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:routes [vrf]}: the routing tables, one VRF or all. */
@Service
@Command(scope = "mvpn", name = "routes", description = "Shows the routing table of a VRF, or all")
public class RoutesCommand implements Action {

  @Reference FabricService fabric;

  @Reference Session session;

  @Argument(index = 0, name = "vrf", description = "public or a tenant id", required = false)
  @Completion(VrfCompleter.class)
  String vrf;

  @Override
  public Object execute() throws CommandException {
    List<Vrf> vrfs =
        vrf == null
            ? fabric.vrfs()
            : List.of(fabric.vrf(vrf).orElseThrow(() -> new CommandException("no VRF " + vrf)));
    ShellTable table = new ShellTable();
    table.column("VRF");
    table.column("Prefix");
    table.column("Next hop");
    table.column("Interface");
    table.column("Origin");
    for (Vrf v : vrfs) {
      for (Route r : fabric.onLoop(v, v::routes)) {
        table
            .addRow()
            .addContent(
                v.name(),
                r.prefix(),
                r.nextHop() == null ? "connected" : r.nextHop(),
                r.via().name(),
                r.origin().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    table.print(session.getConsole());
    return null;
  }
}
