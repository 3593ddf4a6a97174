package io.mvpn.napt.shell;

import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.api.napt.NaptService;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import io.mvpn.api.shell.ServicesNow;
import java.util.List;
import java.util.Objects;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

/** {@code mvpn:napt}: the NAPT's translations by tenant, and its counters. */
@Service
@Command(scope = "mvpn", name = "napt", description = "The backbone router's NAPT, by tenant")
public class NaptCommand implements Action {

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<NaptService> napts;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<NaptService> now = ServicesNow.of(bundleContext, NaptService.class, napts)) {
      napts = now.services();
      return run();
    }
  }

  private Object run() {
    ShellTable table = new ShellTable();
    table.column("Proto");
    table.column("Tenant");
    table.column("Private address");
    table.column("Port").alignRight();
    table.column("Public port").alignRight();
    table.column("Idle s").alignRight();
    table.column("State");
    List<NaptService> all =
        napts == null ? List.of() : napts.stream().filter(Objects::nonNull).toList();
    for (NaptService napt : all) {
      for (NaptMappingView m : napt.mappings(napt.nanoTime())) {
        table
            .addRow()
            .addContent(
                m.protocolName(),
                m.inside().tenant().toString(),
                m.inside().address().toString(),
                m.inside().port(),
                m.publicPort(),
                m.idleNanos() / 1_000_000_000L,
                m.state());
      }
    }
    table.print(session.getConsole());
    for (NaptService napt : all) {
      session
          .getConsole()
          .printf(
              "%s ports %d-%d: translated %d, refused (ports exhausted) %d, dropped %d (malformed %d)%n",
              napt.publicAddress(),
              napt.firstPort(),
              napt.lastPort(),
              napt.translated(),
              napt.exhausted(),
              napt.dropped(),
              napt.malformed());
      session
          .getConsole()
          .printf(
              "  fragments held until their first %d; dropped: timed out %d, overlapping %d,"
                  + " over limit %d, evicted %d%n",
              napt.fragmentsHeld(),
              napt.fragmentsDropped(FragmentDrop.TIMED_OUT),
              napt.fragmentsDropped(FragmentDrop.OVERLAPPING),
              napt.fragmentsDropped(FragmentDrop.OVER_LIMIT),
              napt.fragmentsDropped(FragmentDrop.EVICTED));
    }
    return null;
  }
}
