package io.mvpn.homeagent.shell;

import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.shell.ByteUnits;
import io.mvpn.api.shell.ServicesNow;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.homeagent.HomeAgent;
import io.mvpn.homeagent.RegistrationStats;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

/** {@code mvpn:tenants}: each tenant with its home realms, home agent and bindings. */
@Service
@Command(scope = "mvpn", name = "tenants", description = "Tenants, their home agents and bindings")
public class TenantsCommand implements Action {

  @Reference TenantService tenants;

  @Reference BindingStore store;

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<HomeAgent> homeAgents;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<HomeAgent> now = ServicesNow.of(bundleContext, HomeAgent.class, homeAgents)) {
      homeAgents = now.services();
      return run();
    }
  }

  private Object run() {
    ShellTable table = new ShellTable();
    table.column("Tenant");
    table.column("Home realms");
    table.column("Home agent");
    table.column("Mobile nodes").alignRight();
    table.column("Bindings").alignRight();
    // Through the nodes' tunnels: Rx out of them into the tenant, Tx into them.
    table.column("Rx packets").alignRight();
    table.column("Rx").alignRight();
    table.column("Tx packets").alignRight();
    table.column("Tx").alignRight();
    for (Tenant t : tenants.getTenants()) {
      List<HomeAgent> own =
          homeAgents == null
              ? List.of()
              : homeAgents.stream().filter(h -> h.tenant().equals(t.id())).toList();
      String ha = own.stream().map(h -> h.address().toString()).findFirst().orElse("-");
      long nodes = own.stream().mapToLong(h -> h.config().keys().size()).sum();
      List<Object> row = new ArrayList<>();
      row.add(t.id());
      row.add(t.homeRealms().stream().map(Object::toString).collect(Collectors.joining(" ")));
      row.add(ha);
      row.add(nodes);
      row.add(store.bindings(t.id()).size());
      row.addAll(traffic(own.stream().map(HomeAgent::stats).toList()));
      table.addRow().addContent(row);
    }
    table.print(session.getConsole());
    return null;
  }

  /**
   * The Rx and Tx cells of a tenant's row: packets as plain counts, bytes in binary units, summed
   * over its home agents ("-" for a tenant without one).
   */
  static List<String> traffic(List<RegistrationStats> stats) {
    if (stats.isEmpty()) {
      return List.of("-", "-", "-", "-");
    }
    return List.of(
        Long.toString(stats.stream().mapToLong(RegistrationStats::tunnelledAccepted).sum()),
        ByteUnits.format(stats.stream().mapToLong(RegistrationStats::tunnelledAcceptedBytes).sum()),
        Long.toString(stats.stream().mapToLong(RegistrationStats::tunnelledSent).sum()),
        ByteUnits.format(stats.stream().mapToLong(RegistrationStats::tunnelledSentBytes).sum()));
  }
}
