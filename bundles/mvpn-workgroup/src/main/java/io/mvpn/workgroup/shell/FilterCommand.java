package io.mvpn.workgroup.shell;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.workgroup.WorkgroupFilter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code mvpn:filter TENANT}: the realm-indexed workgroup filter at the tenant's ingress gateway,
 * as the membership model makes it now: tunnel source -> inner source -> admitted targets.
 */
@Service
@Command(scope = "mvpn", name = "filter", description = "A tenant's workgroup filter table")
public class FilterCommand implements Action {

  @Argument(index = 0, name = "tenant", required = true)
  String tenant;

  @Reference WorkgroupService directory;

  @Reference Session session;

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Tunnel source");
    table.column("Inner source");
    table.column("Admitted targets");
    try (WorkgroupFilter filter = new WorkgroupFilter(MvpnId.of(tenant), directory)) {
      Map<String, Map<Ipv4Address, Set<Ipv4Address>>> sorted = new TreeMap<>();
      filter.entries().forEach((gw, realm) -> sorted.put(gw.toString(), realm));
      sorted.forEach(
          (gw, realm) ->
              realm.forEach(
                  (src, targets) ->
                      table
                          .addRow()
                          .addContent(
                              gw,
                              src.toString(),
                              String.join(
                                  ", ",
                                  targets.stream().map(Object::toString).sorted().toList()))));
    }
    table.print(session.getConsole());
    return null;
  }
}
