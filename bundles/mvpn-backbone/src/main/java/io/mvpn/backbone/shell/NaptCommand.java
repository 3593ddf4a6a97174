package io.mvpn.backbone.shell;

import io.mvpn.backbone.BackboneService;
import io.mvpn.net.nat.TenantNapt;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:napt}: the backbone's translations by tenant, and its counters. */
@Service
@Command(scope = "mvpn", name = "napt", description = "The backbone router's NAPT, by tenant")
public class NaptCommand implements Action {

  @Reference(optional = true)
  List<BackboneService> backbones;

  @Reference Session session;

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Proto");
    table.column("Tenant");
    table.column("Private address");
    table.column("Port").alignRight();
    table.column("Public port").alignRight();
    table.column("Idle s").alignRight();
    table.column("State");
    List<BackboneService> all =
        backbones == null
            ? List.of()
            : backbones.stream().filter(java.util.Objects::nonNull).toList();
    for (BackboneService b : all) {
      for (TenantNapt.MappingView m : b.mappings()) {
        table
            .addRow()
            .addContent(
                m.protocolName(),
                m.inside().tenant().toString(),
                m.inside().address().toString(),
                m.inside().port(),
                m.publicPort(),
                m.idleNanos() / 1_000_000_000L,
                m.state());
      }
    }
    table.print(session.getConsole());
    for (BackboneService b : all) {
      session
          .getConsole()
          .printf(
              "tenants %s: translated %d, refused (ports exhausted) %d, dropped %d; DNS answered %d%n",
              b.tenants(), b.translated(), b.exhausted(), b.dropped(), b.dnsAnswered());
    }
    return null;
  }
}
