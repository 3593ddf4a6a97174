package io.mvpn.workgroup.shell;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.shell.TenantCompleter;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.workgroup.WorkgroupFilter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
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

  // Not required: without it the command says what is missing and its usage, not Karaf's error.
  @Argument(index = 0, name = "tenant")
  @Completion(TenantCompleter.class)
  String tenant;

  @Reference WorkgroupService directory;

  @Reference Session session;

  @Override
  public Object execute() {
    MvpnId id;
    try {
      id = MvpnId.of(java.util.Objects.requireNonNull(tenant, "which tenant?"));
    } catch (IllegalArgumentException | NullPointerException e) {
      session
          .getConsole()
          .println("mvpn:filter: " + e.getMessage() + "\nusage: mvpn:filter TENANT");
      return null;
    }
    ShellTable table = new ShellTable();
    table.column("Tunnel source");
    table.column("Inner source");
    table.column("Admitted targets");
    try (WorkgroupFilter filter = new WorkgroupFilter(id, directory)) {
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
