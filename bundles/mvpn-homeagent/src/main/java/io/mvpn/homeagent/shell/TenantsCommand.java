package io.mvpn.homeagent.shell;

import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.homeagent.HomeAgent;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:tenants}: each tenant with its home realms, home agent and bindings. */
@Service
@Command(scope = "mvpn", name = "tenants", description = "Tenants, their home agents and bindings")
public class TenantsCommand implements Action {

  @Reference TenantService tenants;

  @Reference BindingStore store;

  @Reference(optional = true)
  List<HomeAgent> homeAgents;

  @Reference Session session;

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Tenant");
    table.column("Home realms");
    table.column("Home agent");
    table.column("Mobile nodes").alignRight();
    table.column("Bindings").alignRight();
    for (Tenant t : tenants.getTenants()) {
      String ha =
          homeAgents == null
              ? "-"
              : homeAgents.stream()
                  .filter(h -> h.tenant().equals(t.id()))
                  .map(h -> h.address().toString())
                  .findFirst()
                  .orElse("-");
      long nodes =
          homeAgents == null
              ? 0
              : homeAgents.stream()
                  .filter(h -> h.tenant().equals(t.id()))
                  .mapToLong(h -> h.config().keys().size())
                  .sum();
      table
          .addRow()
          .addContent(
              t.id(),
              t.homeRealms().stream().map(Object::toString).collect(Collectors.joining(" ")),
              ha,
              nodes,
              store.bindings(t.id()).size());
    }
    table.print(session.getConsole());
    return null;
  }
}
