package io.mvpn.fabric.shell;

import io.mvpn.api.tenant.TenantService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the tenants configured right now. */
@Service
public class TenantIdCompleter implements Completer {

  @Reference TenantService tenantService;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    StringsCompleter delegate = new StringsCompleter();
    tenantService.getTenants().forEach(t -> delegate.getStrings().add(t.id().value()));
    return delegate.complete(session, commandLine, candidates);
  }
}
