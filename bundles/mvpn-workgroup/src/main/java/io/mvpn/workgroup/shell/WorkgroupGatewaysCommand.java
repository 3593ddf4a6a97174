package io.mvpn.workgroup.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.workgroup.WorkgroupCounter;
import io.mvpn.workgroup.WorkgroupGatewayService;
import io.mvpn.workgroup.WorkgroupGatewayService.InboundSaView;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:workgroup-gateways}: each tenant's workgroup gateway, its public address and peers,
 * the IKE-keyed SAs of the parties it admits (tunnel source, party, SPI, packets), its counters and
 * the parties it refused.
 */
@Service
@Command(
    scope = "mvpn",
    name = "workgroup-gateways",
    description = "Workgroup gateways: peers, keyed SAs, counters, refusals")
public class WorkgroupGatewaysCommand implements Action {

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<WorkgroupGatewayService> gateways;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<WorkgroupGatewayService> now =
        ServicesNow.of(bundleContext, WorkgroupGatewayService.class, gateways)) {
      gateways = now.services();
      return run();
    }
  }

  private Object run() {
    PrintStream out = session.getConsole();
    if (gateways == null || gateways.isEmpty()) {
      out.println("no workgroup gateways");
      return null;
    }
    for (WorkgroupGatewayService g : gateways) {
      out.printf(
          "%s (tenant %s) at %s, peers %s%n", g.name(), g.tenant(), g.publicAddress(), g.peers());
      for (InboundSaView sa : g.inboundSas()) {
        out.printf(
            "  SA 0x%08x from %s via %s, %d packets%n",
            sa.spi(), sa.party(), sa.tunnelSource(), sa.packets());
      }
      StringBuilder counters = new StringBuilder("  ");
      for (Map.Entry<WorkgroupCounter, Long> c : g.counters().entrySet()) {
        counters
            .append(c.getKey().name().toLowerCase(Locale.ROOT))
            .append('=')
            .append(c.getValue());
        counters.append(' ');
      }
      out.println(counters.toString().stripTrailing());
      for (String refusal : g.refusals()) {
        out.println("  refused: " + refusal);
      }
    }
    return null;
  }
}
