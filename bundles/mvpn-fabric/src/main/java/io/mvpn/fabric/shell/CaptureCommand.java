package io.mvpn.fabric.shell;

import io.mvpn.net.Interface;
import io.mvpn.net.fabric.FabricService;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code mvpn:capture start|stop <interface> [file]}: pcapng capture of one interface. */
@Service
@Command(
    scope = "mvpn",
    name = "capture",
    description = "Starts or stops a pcapng capture (raw IPv4) of an interface")
public class CaptureCommand implements Action {

  @Reference FabricService fabric;

  @Reference Session session;

  @Argument(index = 0, name = "action", description = "start or stop", required = true)
  @Completion(
      values = {"start", "stop"},
      value = StringsCompleter.class)
  String action;

  @Argument(index = 1, name = "interface", required = true)
  @Completion(InterfaceCompleter.class)
  String interfaceName;

  @Argument(
      index = 2,
      name = "file",
      description = "pcapng file to write (start only); relative to the Karaf home",
      required = false)
  String file;

  @Override
  public Object execute() throws Exception {
    Interface intf =
        fabric
            .findInterface(interfaceName)
            .orElseThrow(() -> new CommandException("no interface " + interfaceName));
    switch (action) {
      case "start" -> {
        Path path = Path.of(file != null ? file : interfaceName + ".pcapng").toAbsolutePath();
        intf.startCapture(path, fabric.epochOffsetNanos());
        session.getConsole().println("capturing " + interfaceName + " to " + path);
      }
      case "stop" -> {
        long packets = intf.stopCapture();
        session
            .getConsole()
            .println(
                packets < 0
                    ? interfaceName + " was not capturing"
                    : interfaceName + ": capture stopped, " + packets + " packets written");
      }
      default -> throw new CommandException("action must be start or stop, not " + action);
    }
    return null;
  }
}
