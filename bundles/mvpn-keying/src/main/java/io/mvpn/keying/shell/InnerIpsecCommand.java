package io.mvpn.keying.shell;

import io.mvpn.api.shell.ByteUnits;
import io.mvpn.api.shell.ServicesNow;
import io.mvpn.api.shell.TenantCompleter;
import io.mvpn.ike.IkeService.ChildSaView;
import io.mvpn.ike.IkeService.IkeSaView;
import io.mvpn.keying.InnerIpsecService;
import io.mvpn.keying.InnerIpsecService.EspView;
import io.mvpn.keying.InnerIpsecService.NodeView;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:inner-ipsec [TENANT]}: IPsec inside each tenant's Mobile IP tunnel (seed 002 claim
 * 24), per node its IKE SAs and Child SAs with SPIs, algorithms and what their ESP carried, and the
 * tenant's refusals by reason.
 */
@Service
@Command(
    scope = "mvpn",
    name = "inner-ipsec",
    description = "IPsec inside the Mobile IP tunnel: IKE and ESP SAs per node, refusals")
public class InnerIpsecCommand implements Action {

  @Argument(index = 0, name = "tenant", description = "Only this tenant's")
  @Completion(TenantCompleter.class)
  String tenant;

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<InnerIpsecService> tenants;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<InnerIpsecService> now =
        ServicesNow.of(bundleContext, InnerIpsecService.class, tenants)) {
      print(session.getConsole(), now.services());
    }
    return null;
  }

  private void print(PrintStream out, List<InnerIpsecService> all) {
    List<InnerIpsecService> shown =
        (all == null ? List.<InnerIpsecService>of() : all)
            .stream()
                .filter(Objects::nonNull)
                .filter(t -> tenant == null || tenant.equals(t.tenant()))
                .sorted(Comparator.comparing(InnerIpsecService::tenant))
                .toList();
    if (shown.isEmpty()) {
      out.println(
          tenant == null ? "no IPsec in any tunnel" : "no IPsec in the tunnel of " + tenant);
      return;
    }
    for (InnerIpsecService t : shown) {
      out.printf(
          "%s: %s, home agent %s, ESP decrypted %d encrypted %d%n",
          t.tenant(), t.mode(), t.homeAgent(), t.decrypted(), t.encrypted());
      if (!t.refusals().isEmpty()) {
        out.printf("  refused: %s%n", IkeCommand.refusals(t.refusals()));
      }
      for (NodeView node : t.nodes()) {
        out.printf(
            "  %s%s%n", node.home(), node.identity().isEmpty() ? "" : " [" + node.identity() + "]");
        for (IkeSaView sa : node.ikeSas()) {
          out.printf(
              "    IKE %s spi %016x_i %016x_r%s%n",
              sa.state(),
              sa.spiI(),
              sa.spiR(),
              sa.algorithms().isEmpty() ? "" : " " + sa.algorithms());
          for (ChildSaView child : sa.childSas()) {
            printChild(out, child, node.esp().get(child.inboundSpi()));
          }
        }
      }
    }
  }

  private static void printChild(PrintStream out, ChildSaView child, EspView esp) {
    out.printf(
        "      ESP in 0x%08x out 0x%08x %s === %s%s%n",
        child.inboundSpi(),
        child.outboundSpi(),
        child.localSelectors(),
        child.remoteSelectors(),
        child.algorithms().isEmpty() ? "" : " " + child.algorithms());
    if (esp != null) {
      out.printf(
          "        in %d packets %s, out %d packets %s, refused %d%n",
          esp.inboundPackets(),
          ByteUnits.format(esp.inboundBytes()),
          esp.outboundPackets(),
          ByteUnits.format(esp.outboundBytes()),
          esp.inboundRefused());
    }
  }
}
