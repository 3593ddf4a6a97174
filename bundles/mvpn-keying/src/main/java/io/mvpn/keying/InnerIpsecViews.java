package io.mvpn.keying;

import io.mvpn.ike.IkeService.IkeSaView;
import io.mvpn.ike.fabric.HomeAgentInnerIpsec;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.keying.InnerIpsecService.EspView;
import io.mvpn.keying.InnerIpsecService.NodeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A home agent's inner IPsec as the shell shows it; called on the engine's thread. */
final class InnerIpsecViews {

  private InnerIpsecViews() {}

  /** Every refusal by its lower-case name: the tunnel's, ESP's ({@code esp_}...), Child SAs'. */
  static Map<String, Long> refusals(HomeAgentInnerIpsec ipsec) {
    Map<String, Long> all = new LinkedHashMap<>();
    ipsec.tunnelRefusals().forEach((why, n) -> all.put(why.name().toLowerCase(Locale.ROOT), n));
    ipsec
        .esp()
        .refusals()
        .forEach((why, n) -> all.put("esp_" + why.name().toLowerCase(Locale.ROOT), n));
    if (ipsec.childSasRefused() > 0) {
      all.put("child_sa_refused", ipsec.childSasRefused());
    }
    return all;
  }

  /** The IKE SAs by the node's home address (the address it speaks IKE from), in address order. */
  static List<NodeView> nodes(HomeAgentInnerIpsec ipsec) {
    Map<Long, List<IkeSa>> byHome = new TreeMap<>();
    for (IkeSa sa : ipsec.engine().sas()) {
      long home = sa.remote().address().toInt() & 0xFFFFFFFFL;
      byHome.computeIfAbsent(home, h -> new ArrayList<>()).add(sa);
    }
    List<NodeView> nodes = new ArrayList<>();
    for (List<IkeSa> sas : byHome.values()) {
      IkeSa first = sas.get(0);
      String identity = first.remoteId() == null ? "" : first.remoteId().toString();
      List<IkeSaView> views = new ArrayList<>();
      Map<Long, EspView> esp = new LinkedHashMap<>();
      for (IkeSa sa : sas) {
        views.add(SaViews.view(ipsec.address().toString(), identity, sa));
        for (ChildSa child : sa.childSas()) {
          esp.put(child.inbound().spi() & 0xFFFFFFFFL, esp(child));
        }
      }
      nodes.add(new NodeView(first.remote().address().toString(), identity, views, esp));
    }
    return nodes;
  }

  private static EspView esp(ChildSa child) {
    EspSecurityAssociation in = child.inbound();
    EspSecurityAssociation out = child.outbound();
    long refused = 0;
    for (EspException.Reason reason : EspException.Reason.values()) {
      refused += in.refused(reason);
    }
    return new EspView(in.packets(), in.bytes(), out.packets(), out.bytes(), refused);
  }
}
