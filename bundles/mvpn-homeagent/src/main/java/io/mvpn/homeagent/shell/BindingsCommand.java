package io.mvpn.homeagent.shell;

import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.shell.TenantCompleter;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
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
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:bindings [tenant]}: the home agents' binding caches. */
@Service
@Command(scope = "mvpn", name = "bindings", description = "Shows mobility bindings, by tenant")
public class BindingsCommand implements Action {

  @Reference BindingStore store;

  @Reference TenantService tenants;

  @Reference FabricService fabric;

  @Reference Session session;

  @Argument(index = 0, name = "tenant", required = false)
  @Completion(TenantCompleter.class)
  String tenant;

  @Override
  public Object execute() {
    List<MvpnId> ids;
    try {
      ids =
          tenant != null
              ? List.of(MvpnId.of(tenant))
              : tenants.getTenants().stream().map(Tenant::id).toList();
    } catch (IllegalArgumentException e) {
      session
          .getConsole()
          .println("mvpn:bindings: " + e.getMessage() + "\nusage: mvpn:bindings [TENANT]");
      return null;
    }
    long now =
        fabric.vrf(FabricService.PUBLIC_VRF).map(Vrf::scheduler).map(s -> s.nanoTime()).orElse(0L);
    ShellTable table = new ShellTable();
    table.column("Tenant");
    table.column("Home address");
    table.column("Care-of address");
    table.column("Home agent");
    table.column("Lifetime").alignRight();
    table.column("Remaining").alignRight();
    table.column("Flags");
    for (MvpnId id : ids) {
      for (Binding b : store.onClock(fabric.epochOffsetNanos()).bindings(id)) {
        table
            .addRow()
            .addContent(
                id,
                b.homeAddress(),
                b.careOfAddress(),
                b.homeAgent(),
                b.lifetimeSeconds(),
                b.remainingSeconds(now),
                flags(b.flags()));
      }
    }
    table.print(session.getConsole());
    return null;
  }

  /** RFC 5944 §3.3's flag letters, most significant first: S B D M G r T x. */
  private static final String FLAG_LETTERS = "SBDMGrTx";

  /** The registration flags as their letters, e.g. {@code T} for a reverse-tunnelled binding. */
  static String flags(int flags) {
    StringBuilder letters = new StringBuilder();
    for (int bit = 0; bit < 8; bit++) {
      if ((flags & (0x80 >> bit)) != 0) {
        letters.append(FLAG_LETTERS.charAt(bit));
      }
    }
    return letters.length() == 0 ? "-" : letters.toString();
  }
}
