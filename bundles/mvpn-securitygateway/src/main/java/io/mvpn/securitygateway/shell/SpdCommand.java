package io.mvpn.securitygateway.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.ipsec.gateway.SecurityGatewayService;
import io.mvpn.ipsec.gateway.SecurityGatewayService.PolicyView;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

/** {@code mvpn:spd}: each gateway's security policies in the order they are matched. */
@Service
@Command(scope = "mvpn", name = "spd", description = "Security policy databases of the gateways")
public class SpdCommand implements Action {

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<SecurityGatewayService> gateways;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<SecurityGatewayService> now =
        ServicesNow.of(bundleContext, SecurityGatewayService.class, gateways)) {
      gateways = now.services();
      return run();
    }
  }

  private Object run() {
    ShellTable table = new ShellTable();
    table.column("Gateway");
    table.column("#").alignRight();
    table.column("Local");
    table.column("Remote");
    table.column("Protocol");
    table.column("Action");
    table.column("Outbound SA");
    if (gateways != null) {
      for (SecurityGatewayService g : gateways) {
        if (g == null) {
          continue; // a gateway whose configuration failed to activate
        }
        for (PolicyView p : g.policies()) {
          table
              .addRow()
              .addContent(
                  p.gateway(),
                  p.index(),
                  p.local(),
                  p.remote(),
                  p.protocol(),
                  p.action(),
                  p.spi() == 0 ? "-" : String.format("0x%08x", p.spi()));
        }
      }
    }
    table.print(session.getConsole());
    if (gateways != null) {
      SaCommand.printWaiting(
          session.getConsole(), gateways.stream().filter(java.util.Objects::nonNull).toList());
    }
    return null;
  }
}
