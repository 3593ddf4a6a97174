package io.mvpn.homeagent.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.homeagent.HomeAgent;
import io.mvpn.homeagent.RegistrationStats;
import io.mvpn.packet.mip.ReplyCode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

/** {@code mvpn:registrations}: what each home agent answered, by reply code. */
@Service
@Command(
    scope = "mvpn",
    name = "registrations",
    description = "Registrations per home agent: accepted, denied by code, auth failures, replays")
public class RegistrationsCommand implements Action {

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<HomeAgent> homeAgents;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<HomeAgent> now = ServicesNow.of(bundleContext, HomeAgent.class, homeAgents)) {
      homeAgents = now.services();
      return run();
    }
  }

  private Object run() {
    ShellTable table = new ShellTable();
    table.column("Tenant");
    table.column("Home agent");
    table.column("Accepted").alignRight();
    table.column("Auth failed").alignRight();
    table.column("Replays").alignRight();
    table.column("Dropped").alignRight();
    table.column("Shed").alignRight();
    table.column("Replies by code");
    for (HomeAgent ha : homeAgents) {
      RegistrationStats s = ha.stats();
      Map<Integer, Long> byCode = s.repliesByCode();
      table
          .addRow()
          .addContent(
              ha.tenant(),
              ha.address(),
              s.accepted(),
              s.authenticationFailures(),
              s.replays(),
              s.malformedDropped() + s.unknownExtensionDropped(),
              s.shedOverload(),
              byCode.entrySet().stream()
                  .sorted(Map.Entry.comparingByKey())
                  .map(e -> ReplyCode.describe(e.getKey()) + ": " + e.getValue())
                  .collect(Collectors.joining(", ")));
    }
    table.print(session.getConsole());
    return null;
  }
}
