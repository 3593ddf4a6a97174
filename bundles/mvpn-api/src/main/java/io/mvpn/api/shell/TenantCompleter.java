package io.mvpn.api.shell;

import io.mvpn.api.MvpnId;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes the ids of the tenants configured right now, for every command argument or option that
 * names a tenant ({@code @Completion(TenantCompleter.class)}). One shared completer, not one per
 * bundle: Karaf looks a completer up by its class, so commands of all bundles find this one.
 */
@Service
public class TenantCompleter implements Completer {

  @Reference TenantService tenants;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    return new StringsCompleter(ids(tenants)).complete(session, commandLine, candidates);
  }

  /** The ids a tenant argument may take now, in the service's order. */
  static List<String> ids(TenantService tenants) {
    return tenants.getTenants().stream().map(Tenant::id).map(MvpnId::value).toList();
  }
}
