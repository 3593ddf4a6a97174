package io.mvpn.aodv.shell;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.DhcpLease;
import io.mvpn.aodv.MobilityRouterService;
import io.mvpn.aodv.SiteNode;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.shell.ServicesNow;
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
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:aodv routes|neighbors|stats|nodes|leases}: the mobility routers' tables and counters,
 * the nodes that entered a sink with authenticated hellos (member, visitor, refused: seed 002 c40),
 * and the nodes a sink acts for after their DHCP hellos, with the datagrams it held for them (c58).
 */
@Service
@Command(scope = "mvpn", name = "aodv", description = "AODV mobility routers")
public class AodvCommand implements Action {

  @Argument(index = 0, name = "what", description = "routes, neighbors, stats, nodes or leases")
  @Completion(
      value = StringsCompleter.class,
      values = {"routes", "neighbors", "stats", "nodes", "leases"})
  String what = "routes";

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<MobilityRouterService> routers;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<MobilityRouterService> now =
        ServicesNow.of(bundleContext, MobilityRouterService.class, routers)) {
      routers = now.services();
      return run();
    }
  }

  private Object run() {
    PrintStream out = session.getConsole();
    // A router whose configuration failed to activate shows up as null: skip it.
    List<MobilityRouterService> all =
        routers == null ? List.of() : routers.stream().filter(java.util.Objects::nonNull).toList();
    switch (what) {
      case "routes" -> routes(out, all);
      case "neighbors", "neighbours" -> neighbours(out, all);
      case "stats" -> stats(out, all);
      case "nodes" -> nodes(out, all);
      case "leases" -> leases(out, all);
      default ->
          out.println(
              "mvpn:aodv: no table '"
                  + what
                  + "'\nusage: mvpn:aodv routes | neighbors | stats | nodes | leases");
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

  private static void nodes(PrintStream out, List<MobilityRouterService> all) {
    ShellTable table = new ShellTable();
    for (String c :
        List.of("Router", "Identity", "Address", "State", "Member", "Visitor", "Refused")) {
      table.column(c);
    }
    table.column("Routes");
    table.column("Filter");
    for (MobilityRouterService r : all) {
      for (SiteNode n : r.siteNodes()) {
        table
            .addRow()
            .addContent(
                r.name(),
                n.identity(),
                String.valueOf(n.address()),
                n.state().name().toLowerCase(Locale.ROOT),
                n.admittedAsMember(),
                n.admittedAsVisitor(),
                n.refused(),
                String.join("; ", n.routes()),
                String.join("; ", n.filterRules()));
      }
    }
    table.print(out);
  }

  /** The DHCP nodes a sink acts for: lease, station, and datagrams held, delivered, dropped. */
  private static void leases(PrintStream out, List<MobilityRouterService> all) {
    ShellTable table = new ShellTable();
    for (String c :
        List.of("Router", "Identity", "Address", "Station", "Link", "State", "Left (s)")) {
      table.column(c);
    }
    for (String c : List.of("Waiting", "Held", "Delivered", "Dropped")) {
      table.column(c).alignRight();
    }
    for (MobilityRouterService r : all) {
      for (DhcpLease l : r.dhcpLeases()) {
        table
            .addRow()
            .addContent(
                r.name(),
                l.identity(),
                String.valueOf(l.address()),
                l.hardwareAddress(),
                String.valueOf(l.link()),
                l.state().name().toLowerCase(Locale.ROOT),
                l.secondsLeft(),
                l.waiting(),
                l.buffered(),
                l.delivered(),
                l.dropped());
      }
    }
    table.print(out);
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
