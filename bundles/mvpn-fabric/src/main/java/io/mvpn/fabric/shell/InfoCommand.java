package io.mvpn.fabric.shell;

import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.RejectedConfiguration;
import io.mvpn.api.shell.TenantCompleter;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

/**
 * {@code mvpn:info}: which functions run, which tenants this appliance serves, and which
 * configurations were refused (PID, field, reason).
 */
@Service
@Command(
    scope = "mvpn",
    name = "info",
    description = "Lists the mvpn functions (bundles and their components) and the tenants")
public class InfoCommand implements Action {

  static final String BUNDLE_PREFIX = "io.mvpn.";

  @Reference BundleContext bundleContext;

  @Reference ServiceComponentRuntime componentRuntime;

  @Reference TenantService tenantService;

  @Reference(optional = true)
  ConfigurationErrors configurationErrors;

  @Reference Session session;

  @Argument(index = 0, name = "tenant", description = "Show only this tenant", required = false)
  @Completion(TenantCompleter.class)
  String tenant;

  @Override
  public Object execute() throws CommandException {
    if (tenant != null) {
      MvpnId id;
      try {
        id = MvpnId.of(tenant);
      } catch (IllegalArgumentException e) {
        // A typo, said on the console; not an error with a stack in karaf.log.
        throw new CommandException(e.getMessage());
      }
      Tenant t =
          tenantService.getTenant(id).orElseThrow(() -> new CommandException("no tenant " + id));
      printTenants(List.of(t));
      return null;
    }
    printFunctions();
    session.getConsole().println();
    printTenants(tenantService.getTenants());
    printRejected();
    return null;
  }

  private void printRejected() {
    List<RejectedConfiguration> rejected =
        configurationErrors == null ? List.of() : configurationErrors.rejections();
    if (rejected.isEmpty()) {
      return;
    }
    session.getConsole().println();
    session.getConsole().println("Rejected configurations:");
    ShellTable table = new ShellTable();
    table.column("PID");
    table.column("Field");
    table.column("Reason");
    rejected.forEach(r -> table.addRow().addContent(r.pid(), r.field(), r.reason()));
    table.print(session.getConsole());
  }

  private void printFunctions() {
    ShellTable table = new ShellTable();
    table.column("Function");
    table.column("Bundle");
    table.column("State");
    table.column("Components").alignRight();
    Arrays.stream(bundleContext.getBundles())
        .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(BUNDLE_PREFIX))
        .sorted(Comparator.comparing(Bundle::getSymbolicName))
        .forEach(
            b ->
                table
                    .addRow()
                    .addContent(
                        b.getSymbolicName().substring(BUNDLE_PREFIX.length()),
                        b.getSymbolicName() + " " + b.getVersion(),
                        stateName(b.getState()),
                        componentSummary(b)));
    table.print(session.getConsole());
  }

  /** "3/3 active": component configurations that are active over all of the bundle's. */
  private String componentSummary(Bundle bundle) {
    List<ComponentConfigurationDTO> configs =
        componentRuntime.getComponentDescriptionDTOs(bundle).stream()
            .flatMap(d -> componentRuntime.getComponentConfigurationDTOs(d).stream())
            .toList();
    long active = configs.stream().filter(c -> c.state == ComponentConfigurationDTO.ACTIVE).count();
    return configs.isEmpty() ? "-" : active + "/" + configs.size() + " active";
  }

  private void printTenants(List<Tenant> tenants) {
    ShellTable table = new ShellTable();
    table.column("Tenant");
    table.column("Home realms");
    table.column("Description");
    for (Tenant t : tenants) {
      table
          .addRow()
          .addContent(
              t.id(),
              t.homeRealms().stream().map(Object::toString).collect(Collectors.joining(" ")),
              t.description());
    }
    table.print(session.getConsole());
  }

  static String stateName(int state) {
    return switch (state) {
      case Bundle.ACTIVE -> "ACTIVE";
      case Bundle.RESOLVED -> "RESOLVED";
      case Bundle.INSTALLED -> "INSTALLED";
      case Bundle.STARTING -> "STARTING";
      case Bundle.STOPPING -> "STOPPING";
      default -> "UNINSTALLED";
    };
  }
}
