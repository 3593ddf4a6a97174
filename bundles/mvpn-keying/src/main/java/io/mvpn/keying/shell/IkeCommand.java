package io.mvpn.keying.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.ike.IkeService;
import io.mvpn.ike.IkeService.ChildSaView;
import io.mvpn.ike.IkeService.IkeSaView;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:ike sas | initiate DAEMON PEER | terminate SPI | rekey SPI}: the IKE daemons' SAs,
 * and starting, deleting or re-keying one.
 */
@Service
@Command(
    scope = "mvpn",
    name = "ike",
    description = "IKEv2 daemons: SAs, initiate, terminate, rekey")
public class IkeCommand implements Action {

  @Argument(index = 0, name = "action", description = "sas, initiate, terminate or rekey")
  @Completion(
      value = StringsCompleter.class,
      values = {"sas", "initiate", "terminate", "rekey"})
  String action = "sas";

  @Argument(index = 1, name = "daemon|spi", description = "The daemon to initiate from, or an SPI")
  String first;

  @Argument(index = 2, name = "peer", description = "The peer to initiate to")
  String peer;

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<IkeService> daemons;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<IkeService> now = ServicesNow.of(bundleContext, IkeService.class, daemons)) {
      daemons = now.services();
      return run();
    }
  }

  private Object run() {
    PrintStream out = session.getConsole();
    // A daemon whose configuration failed to activate shows up as null: skip it.
    List<IkeService> all =
        daemons == null ? List.of() : daemons.stream().filter(Objects::nonNull).toList();
    switch (action) {
      case "sas" -> sas(out, all);
      case "initiate" -> initiate(out, all);
      case "terminate" -> bySpi(out, all, "deleting", IkeService::terminate);
      case "rekey" -> bySpi(out, all, "re-keying", IkeService::rekey);
      default ->
          out.println(
              "mvpn:ike: no action '"
                  + action
                  + "'\nusage: mvpn:ike sas | initiate DAEMON PEER | terminate SPI | rekey SPI");
    }
    return null;
  }

  private void sas(PrintStream out, List<IkeService> all) {
    if (all.isEmpty()) {
      out.println("no IKE daemons");
      return;
    }
    for (IkeService d : all) {
      out.printf("%s on %s (NAT-T %d), peers %s%n", d.name(), d.local(), d.natTPort(), d.peers());
      if (!d.refusedPeers().isEmpty()) {
        out.printf("  refused at IKE_AUTH: %s%n", refusals(d.refusedPeers()));
      }
      if (!d.dropped().isEmpty()) {
        out.printf("  dropped: %s%n", refusals(d.dropped()));
      }
      for (IkeSaView sa : d.sas()) {
        out.printf(
            "  %s %s %s spi %016x_i %016x_r %s === %s %s, NAT %s%n",
            sa.peer(),
            sa.state(),
            sa.initiator() ? "initiator" : "responder",
            sa.spiI(),
            sa.spiR(),
            sa.local(),
            sa.remote(),
            sa.remoteId().isEmpty() ? "" : "[" + sa.remoteId() + "]",
            nat(sa));
        if (!sa.algorithms().isEmpty()) {
          out.printf("    IKE %s%n", sa.algorithms());
        }
        if (!sa.peerAdditionalAddresses().isEmpty()) {
          out.printf("    peer also at %s%n", String.join(", ", sa.peerAdditionalAddresses()));
        }
        for (ChildSaView child : sa.childSas()) {
          out.printf(
              "    child in 0x%08x out 0x%08x %s === %s%s%n",
              child.inboundSpi(),
              child.outboundSpi(),
              child.localSelectors(),
              child.remoteSelectors(),
              child.algorithms().isEmpty() ? "" : ", ESP " + child.algorithms());
        }
      }
    }
  }

  /** {@code reason=count, ...} in the map's order. */
  static String refusals(Map<String, Long> counts) {
    List<String> all = new ArrayList<>();
    counts.forEach((reason, count) -> all.add(reason + "=" + count));
    return String.join(", ", all);
  }

  private static String nat(IkeSaView sa) {
    if (sa.localBehindNat() && sa.remoteBehindNat()) {
      return "both ends";
    }
    if (sa.localBehindNat()) {
      return "local";
    }
    return sa.remoteBehindNat() ? "remote" : "none";
  }

  private void initiate(PrintStream out, List<IkeService> all) {
    if (first == null || peer == null) {
      out.println("usage: mvpn:ike initiate DAEMON PEER");
      return;
    }
    for (IkeService d : all) {
      if (d.name().equals(first)) {
        try {
          long spi = d.initiate(peer);
          out.printf("%s: initiating to %s, spi %016x%n", first, peer, spi);
        } catch (IllegalArgumentException e) {
          out.println(e.getMessage());
        }
        return;
      }
    }
    out.println("no IKE daemon " + first);
  }

  /** {@code terminate} or {@code rekey}: the IKE SA of that SPI, in whichever daemon has it. */
  private void bySpi(
      PrintStream out,
      List<IkeService> all,
      String doing,
      java.util.function.BiPredicate<IkeService, Long> operation) {
    if (first == null) {
      out.println("usage: mvpn:ike " + action + " SPI");
      return;
    }
    long spi;
    try {
      spi = parseSpi(first);
    } catch (NumberFormatException e) {
      out.println(
          "mvpn:ike " + action + ": not an SPI: " + first + "\nusage: mvpn:ike " + action + " SPI");
      return;
    }
    // The local SPI first: both ends of a local pair hold the same two SPIs.
    for (IkeService d : all) {
      if (d.sas().stream().anyMatch(sa -> sa.localSpi() == spi) && operation.test(d, spi)) {
        out.printf("%s: %s IKE SA %016x%n", d.name(), doing, spi);
        return;
      }
    }
    for (IkeService d : all) {
      if (operation.test(d, spi)) {
        out.printf("%s: %s IKE SA %016x%n", d.name(), doing, spi);
        return;
      }
    }
    out.println("no IKE SA with SPI " + first);
  }

  /** Hex as {@code mvpn:ike sas} prints it, with or without 0x and the _i/_r suffix. */
  static long parseSpi(String text) {
    String t = text.trim();
    if (t.endsWith("_i") || t.endsWith("_r")) {
      t = t.substring(0, t.length() - 2);
    }
    if (t.startsWith("0x") || t.startsWith("0X")) {
      t = t.substring(2);
    }
    return Long.parseUnsignedLong(t, 16);
  }
}
