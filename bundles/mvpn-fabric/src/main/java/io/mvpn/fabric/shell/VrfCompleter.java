package io.mvpn.fabric.shell;

import io.mvpn.net.FabricService;
import io.mvpn.net.Vrf;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes VRF names. */
@Service
public class VrfCompleter implements Completer {

  @Reference FabricService fabric;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    return new StringsCompleter(fabric.vrfs().stream().map(Vrf::name).toList())
        .complete(session, commandLine, candidates);
  }
}
