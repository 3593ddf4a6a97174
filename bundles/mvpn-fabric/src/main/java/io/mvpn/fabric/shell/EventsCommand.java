package io.mvpn.fabric.shell;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.shell.TenantCompleter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SortedMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code mvpn:events [-n N] [--tenant T]}: the most recent security events (what the functions
 * refused, and why), oldest first, then every reason's total since the appliance started. The log
 * file holds only what the rate limit let through; this shows each one the ring still holds.
 */
@Service
@Command(
    scope = "mvpn",
    name = "events",
    description = "Lists recent security events: refused authentication, replays, malformed input")
public class EventsCommand implements Action {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @Reference SecurityEvents events;

  @Reference Session session;

  @Option(name = "-n", description = "How many of the most recent events (default 20)")
  int limit = 20;

  @Option(name = "--tenant", description = "Only this tenant's events ('-' for none's)")
  @Completion(TenantCompleter.class)
  String tenant;

  @Override
  public Object execute() throws CommandException {
    if (limit < 1) {
      throw new CommandException("-n must be at least 1, not " + limit);
    }
    List<SecurityEvent> recent = events.recent(limit, tenant);
    ShellTable table = new ShellTable();
    table.column("Time (UTC)");
    table.column("Tenant");
    table.column("Function");
    table.column("Source");
    table.column("Reason");
    table.column("Detail");
    for (SecurityEvent e : recent) {
      table
          .addRow()
          .addContent(
              TIME.format(e.time()), e.tenant(), e.function(), e.source(), e.reason(), e.detail());
    }
    table.print(session.getConsole());
    SortedMap<String, Long> totals = events.totals();
    if (!totals.isEmpty()) {
      session.getConsole().println();
      ShellTable byReason = new ShellTable();
      byReason.column("Reason");
      byReason.column("Total").alignRight();
      totals.forEach((reason, count) -> byReason.addRow().addContent(reason, count));
      byReason.print(session.getConsole());
    }
    return null;
  }
}
