package io.mvpn.fabric.shell;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.probe.PingProbe;
import io.mvpn.net.probe.ProbeReport;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;

/** {@code mvpn:ping <vrf> <address>}: ICMP echo from inside a VRF, with loss and RTT. */
@Service
@Command(scope = "mvpn", name = "ping", description = "Pings an address from inside a VRF")
public class PingCommand implements Action {

  @Reference FabricService fabric;

  @Reference Session session;

  private static final String USAGE =
      "usage: mvpn:ping [-c N] [-i MS] [-s BYTES] [-e ID] VRF ADDRESS";

  // Not required: without them the command says what is missing and its usage, not Karaf's error.
  @Argument(index = 0, name = "vrf")
  @Completion(VrfCompleter.class)
  String vrf;

  @Argument(index = 1, name = "address")
  String address;

  @Option(name = "-c", description = "Number of echo requests (1..100)")
  int count = 3;

  @Option(name = "-i", description = "Interval between requests, ms")
  long intervalMs = 200;

  @Option(name = "-s", description = "Payload size, bytes")
  int size = 56;

  @Option(
      name = "-e",
      description =
          "Echo identifier (0..65535; default random), e.g. to keep using one NAPT mapping")
  int identifier = -1;

  @Override
  public Object execute() throws Exception {
    if (count < 1 || count > 100) {
      throw new CommandException("count must be 1..100");
    }
    if (identifier < -1 || identifier > 0xFFFF) {
      throw new CommandException("identifier must be 0..65535");
    }
    if (vrf == null || address == null) {
      throw new CommandException("mvpn:ping: from which VRF, to which address?\n" + USAGE);
    }
    Vrf v = fabric.vrf(vrf).orElseThrow(() -> new CommandException("no VRF " + vrf));
    Ipv4Address target;
    try {
      target = Ipv4Address.parse(address);
    } catch (IllegalArgumentException e) {
      throw new CommandException("mvpn:ping: " + e.getMessage() + "\n" + USAGE);
    }
    long timeoutMs = 2000;
    PingProbe probe =
        PingProbe.start(
            v,
            target,
            identifier >= 0 ? identifier : ThreadLocalRandom.current().nextInt(0x10000),
            count,
            intervalMs,
            timeoutMs,
            TimeUnit.MILLISECONDS,
            size);
    ProbeReport report =
        probe.report().get(count * intervalMs + timeoutMs + 5000, TimeUnit.MILLISECONDS);
    session.getConsole().println(report);
    return null;
  }
}
