package io.mvpn.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.ike.sa.ProposalSyntax;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One peer of an IKE daemon's cfg, parsed from {@code NAME key=value ...}:
 *
 * <ul>
 *   <li>{@code remote=a.b.c.d[:port]} where it is (port 500 by default); without it the peer only
 *       answers
 *   <li>{@code id=} our identity, {@code remoteId=} the one the peer must prove (any if absent): an
 *       IPv4 address is an ID_IPV4_ADDR, anything else an ID_FQDN
 *   <li>{@code psk=HEX} (optionally {@code 0x}) or {@code auth=cert}: a certificate from the
 *       appliance CA for {@code id}
 *   <li>{@code localTs=}, {@code remoteTs=} comma-separated prefixes (default 0.0.0.0/0)
 *   <li>{@code ike=}, {@code esp=}: the proposals in strongSwan's syntax ({@link ProposalSyntax}),
 *       e.g. {@code ike=aes256gcm16-prfsha256-ecp256,aes256-sha256-modp2048}; {@code default} or
 *       absent: the built-in lists
 * </ul>
 */
record PeerSpec(
    String name,
    Endpoint remote,
    Identity localId,
    String localIdText,
    Identity remoteId,
    byte[] psk,
    boolean certificate,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    ProposalPolicy ike,
    ProposalPolicy esp) {

  static PeerSpec parse(String text, Identity defaultId, String defaultIdText) {
    String[] words = text.trim().split("\\s+");
    if (words.length == 0 || words[0].isEmpty() || words[0].contains("=")) {
      throw new IllegalArgumentException("a peer needs a name first: " + text);
    }
    Map<String, String> keys = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("not key=value: " + words[i] + " in " + text);
      }
      keys.put(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    String name = words[0];
    Endpoint remote = keys.containsKey("remote") ? endpoint(keys.remove("remote"), 500) : null;
    String idText = keys.containsKey("id") ? keys.remove("id") : defaultIdText;
    Identity localId = idText == null ? defaultId : identity(idText);
    if (localId == null) {
      throw new IllegalArgumentException("peer " + name + " needs an id");
    }
    Identity remoteId = keys.containsKey("remoteId") ? identity(keys.remove("remoteId")) : null;
    String psk = keys.remove("psk");
    String auth = keys.remove("auth");
    boolean cert = "cert".equalsIgnoreCase(auth);
    if (auth != null && !cert && !"psk".equalsIgnoreCase(auth)) {
      throw new IllegalArgumentException("auth=psk or auth=cert, not " + auth);
    }
    if ((psk == null) == !cert) {
      throw new IllegalArgumentException("peer " + name + ": psk=HEX or auth=cert");
    }
    byte[] secret = psk == null ? null : hex(psk);
    List<TrafficSelector> local = selectors(keys.remove("localTs"));
    List<TrafficSelector> remoteTs = selectors(keys.remove("remoteTs"));
    ProposalPolicy ike = ProposalSyntax.parse(Proposal.IKE, keys.getOrDefault("ike", "default"));
    ProposalPolicy esp = ProposalSyntax.parse(Proposal.ESP, keys.getOrDefault("esp", "default"));
    keys.remove("ike");
    keys.remove("esp");
    if (!keys.isEmpty()) {
      throw new IllegalArgumentException("peer " + name + ": unknown " + keys.keySet());
    }
    return new PeerSpec(
        name, remote, localId, idText, remoteId, secret, cert, local, remoteTs, ike, esp);
  }

  static Endpoint endpoint(String text, int defaultPort) {
    int colon = text.indexOf(':');
    return colon < 0
        ? new Endpoint(Ipv4Address.parse(text), defaultPort)
        : new Endpoint(
            Ipv4Address.parse(text.substring(0, colon)),
            Integer.parseInt(text.substring(colon + 1)));
  }

  static Identity identity(String text) {
    if (text.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      return Identity.ipv4(Ipv4Address.parse(text));
    }
    return Identity.fqdn(text);
  }

  static byte[] hex(String text) {
    String h = text.toLowerCase(Locale.ROOT);
    if (h.startsWith("0x")) {
      h = h.substring(2);
    }
    byte[] bytes = HexFormat.of().parseHex(h);
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty pre-shared key");
    }
    return bytes;
  }

  static List<TrafficSelector> selectors(String text) {
    return selectors(ConfigList.items(text));
  }

  /** The prefixes as traffic selectors; none means every address. */
  static List<TrafficSelector> selectors(List<String> prefixes) {
    List<TrafficSelector> all = new ArrayList<>();
    for (String p : prefixes.isEmpty() ? List.of("0.0.0.0/0") : prefixes) {
      all.add(TrafficSelector.ipv4(Prefix.parse(p)));
    }
    return all;
  }

  /** {@code start-end}, with protocol and ports when they narrow anything. */
  static String format(List<TrafficSelector> selectors) {
    List<String> all = new ArrayList<>();
    for (TrafficSelector ts : selectors) {
      String s =
          ts.isIpv4()
              ? ts.startIpv4() + "-" + ts.endIpv4()
              : ts.startAddress() + "-" + ts.endAddress();
      if (ts.ipProtocol() != 0) {
        s += " proto " + ts.ipProtocol();
      }
      if (ts.startPort() != 0 || ts.endPort() != 0xFFFF) {
        s += " ports " + ts.startPort() + "-" + ts.endPort();
      }
      all.add(s);
    }
    return String.join(",", all);
  }
}
