package io.mvpn.securitygateway.shell;

import io.mvpn.api.shell.ByteUnits;
import io.mvpn.api.shell.ServicesNow;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.SecurityGatewayService;
import io.mvpn.ipsec.gateway.SecurityGatewayService.SaView;
import java.io.PrintStream;
import java.util.List;
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

/** {@code mvpn:sa list|show SPI|counters}: the security gateways' SAs and what they refused. */
@Service
@Command(scope = "mvpn", name = "sa", description = "IPsec security associations of the gateways")
public class SaCommand implements Action {

  static final String USAGE = "usage: mvpn:sa list | show SPI | counters";

  @Argument(index = 0, name = "action", description = "list, show or counters")
  @Completion(
      value = StringsCompleter.class,
      values = {"list", "show", "counters"})
  String action = "list";

  @Argument(index = 1, name = "spi", description = "The SA to show (decimal or 0x hex)")
  String spi;

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
    PrintStream out = session.getConsole();
    // A gateway whose configuration failed to activate shows up as null: skip it.
    List<SecurityGatewayService> all =
        gateways == null
            ? List.of()
            : gateways.stream().filter(java.util.Objects::nonNull).toList();
    switch (action) {
      case "list" -> list(out, all);
      case "show" -> show(out, all);
      case "counters" -> counters(out, all);
      default -> out.println("mvpn:sa: no action '" + action + "'\n" + USAGE);
    }
    return null;
  }

  private void list(PrintStream out, List<SecurityGatewayService> all) {
    ShellTable table = new ShellTable();
    for (String c : List.of("Gateway", "Node", "Dir", "SPI", "Suite", "Source", "Destination")) {
      table.column(c);
    }
    table.column("Sequence").alignRight();
    table.column("Packets").alignRight();
    table.column("Bytes").alignRight();
    table.column("State");
    for (SecurityGatewayService g : all) {
      for (SaView sa : g.securityAssociations()) {
        table
            .addRow()
            .addContent(
                sa.gateway(),
                sa.homeAddress(),
                sa.direction(),
                String.format("0x%08x", sa.spi()),
                sa.suite(),
                sa.tunnelSource(),
                sa.tunnelDestination(),
                Long.toUnsignedString(sa.sequence()),
                sa.packets(),
                ByteUnits.format(sa.bytes()),
                sa.lifetime());
      }
    }
    table.print(out);
    printWaiting(out, all);
  }

  /** One line for each gateway that does not run yet, saying what it waits for. */
  static void printWaiting(PrintStream out, List<SecurityGatewayService> all) {
    for (SecurityGatewayService g : all) {
      String waiting = g.waitingFor();
      if (waiting != null) {
        out.println(g.name() + ": not running, waiting for " + waiting);
      }
    }
  }

  private void show(PrintStream out, List<SecurityGatewayService> all) {
    if (spi == null) {
      out.println("mvpn:sa show: which SPI?\n" + USAGE);
      return;
    }
    long wanted;
    try {
      wanted = spi.startsWith("0x") ? Long.parseLong(spi.substring(2), 16) : Long.parseLong(spi);
    } catch (NumberFormatException e) {
      out.println("mvpn:sa show: not an SPI (decimal or 0x hex): " + spi + "\n" + USAGE);
      return;
    }
    boolean found = false;
    for (SecurityGatewayService g : all) {
      for (SaView sa : g.securityAssociations()) {
        if ((sa.spi() & 0xFFFFFFFFL) == wanted) {
          found = true;
          out.printf(
              "gateway %s, %s SA 0x%08x for %s, %s%n  tunnel %s -> %s%n"
                  + "  sequence %s, %d packets, %s, %s%n  refused %s%n",
              sa.gateway(),
              sa.direction(),
              sa.spi(),
              sa.homeAddress(),
              sa.suite(),
              sa.tunnelSource(),
              sa.tunnelDestination(),
              Long.toUnsignedString(sa.sequence()),
              sa.packets(),
              ByteUnits.format(sa.bytes()),
              sa.lifetime(),
              sa.refused().isEmpty() ? "nothing" : sa.refused());
        }
      }
    }
    if (!found) {
      out.println("no SA with SPI " + spi);
    }
  }

  private void counters(PrintStream out, List<SecurityGatewayService> all) {
    for (SecurityGatewayService g : all) {
      if (g.waitingFor() != null) {
        out.println(g.name() + ": not running, waiting for " + g.waitingFor());
        continue;
      }
      out.println(g.name() + ":");
      for (Map.Entry<GatewayCounter, Long> e : g.counters().entrySet()) {
        out.printf(
            "  %-24s %d%n", e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
      }
      g.refusals().forEach((r, n) -> out.printf("  refused %-16s %d%n", r, n));
    }
  }
}
