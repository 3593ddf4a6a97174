package io.mvpn.sam.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.api.shell.TenantCompleter;
import io.mvpn.sam.manager.SecurityAssociationPair;
import io.mvpn.sam.manager.TenantSam;
import java.io.PrintStream;
import java.time.Instant;
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
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:sam sas [TENANT]} lists the SA pairs the tenants' managers hold (SPIs and suite,
 * never keys); {@code mvpn:sam stats [TENANT]} their counters; {@code mvpn:sam flush [TENANT]}
 * withdraws every pair, so nodes get new ones when they next ask.
 */
@Service
@Command(scope = "mvpn", name = "sam", description = "The tenants' security association managers")
public class SamCommand implements Action {

  @Argument(index = 0, name = "action", description = "sas | stats | flush", required = true)
  @Completion(
      value = StringsCompleter.class,
      values = {"sas", "stats", "flush"})
  String action;

  @Argument(index = 1, name = "tenant", description = "only this tenant's manager")
  @Completion(TenantCompleter.class)
  String tenant;

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<TenantSam> managers;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<TenantSam> now = ServicesNow.of(bundleContext, TenantSam.class, managers)) {
      managers = now.services();
      return run();
    }
  }

  private Object run() {
    PrintStream out = session.getConsole();
    if (!List.of("sas", "stats", "flush").contains(action)) {
      out.println("action: sas | stats | flush [TENANT]");
      return null;
    }
    List<TenantSam> chosen =
        managers == null
            ? List.of()
            : managers.stream().filter(m -> tenant == null || tenant.equals(m.tenant())).toList();
    if (chosen.isEmpty()) {
      out.println(
          tenant == null
              ? "no SA manager runs (etc/io.mvpn.sam-NAME.cfg starts one)"
              : "no SA manager for tenant " + tenant);
      return null;
    }
    for (TenantSam sam : chosen) {
      out.println(sam.tenant() + " (" + sam.realm() + ") on " + sam.address());
      switch (action) {
        case "sas" -> printPairs(out, sam.pairs());
        case "stats" -> printStats(out, sam.stats());
        default -> out.println("  withdrew " + sam.flush() + " pairs");
      }
    }
    return null;
  }

  private static void printPairs(PrintStream out, List<SecurityAssociationPair> pairs) {
    out.printf(
        "  %-20s %-20s %-10s %-10s %-14s %s%n",
        "node", "peer", "spi out", "spi in", "suite", "expires");
    for (SecurityAssociationPair p : pairs) {
      out.printf(
          "  %-20s %-20s %08x   %08x   %-14s %s%n",
          p.first(),
          p.second(),
          p.firstToSecond().spi(),
          p.secondToFirst().spi(),
          p.firstToSecond().suite(),
          Instant.ofEpochMilli(p.expiresAtUnixMillis()));
    }
    out.println("  " + pairs.size() + " pairs");
  }

  private static void printStats(PrintStream out, Map<String, Long> stats) {
    stats.forEach((name, value) -> out.printf("  %-28s %d%n", name, value));
  }
}
