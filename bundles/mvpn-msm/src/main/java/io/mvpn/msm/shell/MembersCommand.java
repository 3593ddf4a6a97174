package io.mvpn.msm.shell;

import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.Workgroup;
import io.mvpn.api.workgroup.WorkgroupService;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:members WORKGROUP}: each member's FQDN, tenant, private and gateway address. */
@Service
@Command(scope = "mvpn", name = "members", description = "Members of one workgroup")
public class MembersCommand implements Action {

  // Not required: without it the command says what is missing and its usage, not Karaf's error.
  @Argument(index = 0, name = "workgroup")
  String workgroup;

  @Reference WorkgroupService directory;

  @Reference Session session;

  @Override
  public Object execute() {
    if (workgroup == null) {
      session.getConsole().println("mvpn:members: which workgroup?\nusage: mvpn:members WORKGROUP");
      return null;
    }
    Optional<Workgroup> wg = directory.workgroup(workgroup);
    if (wg.isEmpty()) {
      session.getConsole().println("no workgroup " + workgroup);
      return null;
    }
    ShellTable table = new ShellTable();
    for (String c : new String[] {"FQDN", "Tenant", "Private address", "Gateway"}) {
      table.column(c);
    }
    for (MemberId id :
        wg.get().members().stream()
            .sorted(java.util.Comparator.comparing(MemberId::toString))
            .toList()) {
      Member m = directory.member(id).orElse(null);
      table
          .addRow()
          .addContent(
              m == null ? "?" : m.fqdn(),
              id.tenant().toString(),
              id.privateAddress().toString(),
              m == null ? "?" : m.gatewayAddress().toString());
    }
    table.print(session.getConsole());
    return null;
  }
}
