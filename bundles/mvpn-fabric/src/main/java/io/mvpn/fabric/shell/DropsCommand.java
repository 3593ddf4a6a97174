package io.mvpn.fabric.shell;

import io.mvpn.net.Counters;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.transport.KernelSocketDrops;
import io.mvpn.packet.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code mvpn:drops [vrf]}: what each VRF and each of its interfaces dropped, by reason, malformed
 * datagrams by what was wrong with them; only reasons that counted something. With the ICMP errors
 * the VRF held back, the datagrams waiting for fragments and what the kernel dropped at the
 * appliance's UDP sockets (receive buffers full), it is what an operator reads when a link carries
 * garbage or more than the appliance reads.
 */
@Service
@Command(
    scope = "mvpn",
    name = "drops",
    description = "Lists the datagrams each VRF and interface dropped, by reason")
public class DropsCommand implements Action {

  @Reference FabricService fabric;

  @Reference Session session;

  @Argument(index = 0, name = "vrf", description = "Show only this VRF", required = false)
  @Completion(VrfCompleter.class)
  String vrf;

  /** One line of the table: where it was dropped, why, how many. */
  record Row(String vrf, String where, String reason, long count) {}

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("VRF");
    table.column("Where");
    table.column("Reason");
    table.column("Count").alignRight();
    for (Vrf v : fabric.vrfs()) {
      if (vrf == null || vrf.equals(v.name())) {
        fabric
            .onLoop(v, () -> rows(v))
            .forEach(r -> table.addRow().addContent(r.vrf(), r.where(), r.reason(), r.count()));
      }
    }
    if (vrf == null) {
      kernelRows()
          .forEach(r -> table.addRow().addContent(r.vrf(), r.where(), r.reason(), r.count()));
    }
    table.print(session.getConsole());
    return null;
  }

  /** The VRF's lines, then each interface's; read on the VRF's loop. */
  static List<Row> rows(Vrf vrf) {
    List<Row> rows = new ArrayList<>();
    add(rows, vrf.name(), "vrf", vrf.counters());
    addIfCounted(rows, vrf.name(), "vrf", "icmp errors rate-limited", vrf.icmpErrorsRateLimited());
    addIfCounted(rows, vrf.name(), "vrf", "waiting for fragments", vrf.reassembliesInProgress());
    for (Interface i : vrf.interfaces()) {
      add(rows, vrf.name(), i.name(), i.counters());
    }
    return rows;
  }

  /**
   * What the kernel dropped at the appliance's own UDP sockets (host: and udp: transports) because
   * their receive buffers were full: datagrams no counter of a VRF ever saw.
   */
  static List<Row> kernelRows() {
    List<Row> rows = new ArrayList<>();
    for (KernelSocketDrops.SocketDrops s : KernelSocketDrops.ofThisProcess()) {
      addIfCounted(rows, "kernel", "udp " + s, "receive buffer full", s.drops());
    }
    return rows;
  }

  private static void add(List<Row> rows, String vrf, String where, Counters counters) {
    for (DropReason r : DropReason.values()) {
      addIfCounted(rows, vrf, where, r.name().toLowerCase(), counters.dropped(r));
    }
    for (MalformedPacketException.Reason r : MalformedPacketException.Reason.values()) {
      addIfCounted(rows, vrf, where, "malformed: " + r.name().toLowerCase(), counters.malformed(r));
    }
  }

  private static void addIfCounted(
      List<Row> rows, String vrf, String where, String reason, long count) {
    if (count > 0) {
      rows.add(new Row(vrf, where, reason, count));
    }
  }
}
