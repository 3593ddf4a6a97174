package io.mvpn.demo.shell;

import io.mvpn.demo.RoamingDemo;
import io.mvpn.mobilenode.ContinuousPing;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mvpn:demo}: where each demo mobile node is and how its pings fare. */
@Service
@Command(scope = "mvpn", name = "demo", description = "The roaming demo: nodes, attachments, pings")
public class DemoCommand implements Action {

  @Reference RoamingDemo demo;

  @Reference Session session;

  @Override
  public Object execute() {
    List<String[]> rows =
        demo.fabric()
            .onLoop(
                demo.publicVrf(),
                () -> {
                  List<Long> handovers = demo.handovers();
                  long last = handovers.isEmpty() ? -1 : handovers.get(handovers.size() - 1);
                  return demo.roamers().stream()
                      .map(
                          r -> {
                            ContinuousPing p = r.ping();
                            long gap = last < 0 ? -1 : p.interruptionAfter(last);
                            return new String[] {
                              r.tenant(),
                              r.node().homeAddress().toString(),
                              r.node().active() == null ? "-" : r.node().active().name(),
                              r.node().connected() ? "yes" : "no",
                              String.valueOf(p.sent()),
                              String.valueOf(p.received()),
                              gap < 0 ? "-" : String.format("%.1f", gap / 1e6)
                            };
                          })
                      .toList();
                });
    ShellTable table = new ShellTable();
    table.column("Tenant");
    table.column("Home address");
    table.column("Attached to");
    table.column("Connected");
    table.column("Pings sent").alignRight();
    table.column("Replies").alignRight();
    table.column("Last handover (ms)").alignRight();
    for (String[] row : rows) {
      table.addRow().addContent((Object[]) row);
    }
    table.print(session.getConsole());
    return null;
  }
}
