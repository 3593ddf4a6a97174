package io.mvpn.fabric.shell;

import io.mvpn.net.Counters;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.transport.tun.OffloadCounters;
import io.mvpn.net.transport.tun.TunTransport;
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
 * {@code mvpn:interfaces}: every interface of every VRF, its transport and its counters; below the
 * table, what segmentation offload did on each TUN interface that has it.
 */
@Service
@Command(scope = "mvpn", name = "interfaces", description = "Lists the fabric's interfaces")
public class InterfacesCommand implements Action {

  @Reference FabricService fabric;

  @Reference Session session;

  @Argument(
      index = 0,
      name = "vrf",
      description = "Show only this VRF; a tenant's id names its VRF",
      required = false)
  @Completion(VrfCompleter.class)
  String vrf;

  @Override
  public Object execute() {
    if (vrf != null && fabric.vrf(vrf).isEmpty()) {
      session
          .getConsole()
          .println(
              "mvpn:interfaces: no VRF '"
                  + vrf
                  + "' (mvpn:tenants lists tenants)\nusage: mvpn:interfaces [VRF|TENANT]");
      return null;
    }
    ShellTable table = new ShellTable();
    table.column("Interface");
    table.column("VRF");
    table.column("Address");
    table.column("Transport");
    table.column("MTU").alignRight();
    table.column("State");
    table.column("Rx datagrams").alignRight();
    table.column("Tx datagrams").alignRight();
    table.column("Fragmented").alignRight();
    table.column("Fragments").alignRight();
    table.column("Drops").alignRight();
    table.column("Capture");
    List<String> offload = new ArrayList<>();
    for (Vrf vrf : fabric.vrfs()) {
      if (this.vrf != null && !this.vrf.equals(vrf.name())) {
        continue;
      }
      for (Interface i : fabric.onLoop(vrf, vrf::interfaces)) {
        Counters c = i.counters();
        table
            .addRow()
            .addContent(
                i.name(),
                vrf.name(),
                i.address() + "/" + i.subnet().length(),
                i.transport().describe(),
                i.mtu(),
                i.isUp() ? "up" : "down",
                c.received(),
                c.sent(),
                c.fragmented(),
                c.fragmentsCreated(),
                c.droppedTotal(),
                i.isCapturing() ? "on" : "");
        if (i.transport() instanceof TunTransport tun && tun.offload()) {
          OffloadCounters o = tun.offloadCounters();
          offload.add(
              i.name()
                  + " ("
                  + vrf.name()
                  + ") offload: superPacketsRead="
                  + o.superPacketsRead()
                  + " segmentsSplit="
                  + o.segmentsSplit()
                  + " checksumsCompleted="
                  + o.checksumsCompleted()
                  + " checksumsTrusted="
                  + o.checksumsTrusted()
                  + " coalescedWrites="
                  + o.coalescedWrites()
                  + " segmentsCoalesced="
                  + o.segmentsCoalesced()
                  + " badVnetHeaders="
                  + o.badHeaders());
        }
        if (i.transport() instanceof TunTransport tun && tun.queues() > 1) {
          // How the kernel spread the flows: it keeps a flow on the queue it was last written to.
          offload.add(
              i.name()
                  + " ("
                  + vrf.name()
                  + ") packets read per queue: "
                  + java.util.Arrays.toString(tun.receivedByQueue()));
        }
      }
    }
    table.print(session.getConsole());
    offload.forEach(session.getConsole()::println);
    return null;
  }
}
