package io.mvpn.fabric.shell;

import io.mvpn.net.FabricService;
import io.mvpn.net.Interface;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes interface names across VRFs. */
@Service
public class InterfaceCompleter implements Completer {

  @Reference FabricService fabric;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    List<String> names =
        fabric.vrfs().stream()
            .flatMap(v -> fabric.onLoop(v, v::interfaces).stream())
            .map(Interface::name)
            .toList();
    return new StringsCompleter(names).complete(session, commandLine, candidates);
  }
}
