package io.mvpn.aodv.shell;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.MobilityRouterService;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.RouteEntry;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:aodv routes|neighbors|stats}: the mobility routers' tables and counters. */
@Service
@Command(scope = "mvpn", name = "aodv", description = "AODV mobility routers")
public class AodvCommand implements Action {

  @Argument(index = 0, name = "what", description = "routes, neighbors or stats")
  @Completion(
      value = StringsCompleter.class,
      values = {"routes", "neighbors", "stats"})
  String what = "routes";

  @Reference(optional = true)
  List<MobilityRouterService> routers;

  @Reference Session session;

  @Override
  public Object execute() {
    PrintStream out = session.getConsole();
    // A router whose configuration failed to activate shows up as null: skip it.
    List<MobilityRouterService> all =
        routers == null ? List.of() : routers.stream().filter(java.util.Objects::nonNull).toList();
    switch (what) {
      case "routes" -> routes(out, all);
      case "neighbors", "neighbours" -> neighbours(out, all);
      case "stats" -> stats(out, all);
      default -> out.println("usage: mvpn:aodv routes | neighbors | stats");
    }
    return null;
  }

  private static void routes(PrintStream out, List<MobilityRouterService> all) {
    ShellTable table = new ShellTable();
    for (String c : List.of("Router", "Destination", "Seq", "State", "Hops", "Next hop", "Link")) {
      table.column(c);
    }
    table.column("Precursors");
    for (MobilityRouterService r : all) {
      List<RouteEntry> entries = r.routes();
      if (entries == null) {
        out.println(r.name() + ": no route table (router not running)");
        continue;
      }
      for (RouteEntry e : entries) {
        table
            .addRow()
            .addContent(
                r.name(),
                String.valueOf(e.destination()),
                e.validSeq() ? SequenceNumbers.toString(e.seq()) : "-",
                String.valueOf(e.state()).toLowerCase(Locale.ROOT),
                e.hopCount(),
                String.valueOf(e.nextHop()),
                String.valueOf(e.networkInterface()),
                e.precursors().size());
      }
    }
    table.print(out);
  }

  private static void neighbours(PrintStream out, List<MobilityRouterService> all) {
    for (MobilityRouterService r : all) {
      out.printf("%s (%s): %s%n", r.name(), r.address(), r.neighbours());
    }
  }

  private static void stats(PrintStream out, List<MobilityRouterService> all) {
    for (MobilityRouterService r : all) {
      out.printf("%s (%s):%n", r.name(), r.address());
      for (Map.Entry<AodvCounter, Long> e : r.counters().entrySet()) {
        if (e.getValue() > 0) {
          out.printf("  %-26s %d%n", e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        }
      }
    }
  }
}
