package io.mvpn.msm.shell;

import io.mvpn.api.workgroup.Workgroup;
import io.mvpn.api.workgroup.WorkgroupService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:workgroups}: the workgroups and how many members each has. */
@Service
@Command(scope = "mvpn", name = "workgroups", description = "Mobile workgroups across tenants")
public class WorkgroupsCommand implements Action {

  @Reference WorkgroupService directory;

  @Reference Session session;

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Workgroup");
    table.column("Members").alignRight();
    table.column("Tenants");
    for (Workgroup w : directory.workgroups()) {
      table
          .addRow()
          .addContent(
              w.name(),
              w.members().size(),
              String.join(
                  ", ",
                  w.members().stream()
                      .map(m -> m.tenant().toString())
                      .distinct()
                      .sorted()
                      .toList()));
    }
    table.print(session.getConsole());
    return null;
  }
}
