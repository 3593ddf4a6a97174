package io.mvpn.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.ike.sa.ProposalSyntax;
import io.mvpn.net.dispatch.InnerTunnelSecurity.Mode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code etc/io.mvpn.inneripsec-<tenant>.cfg} asks, read and checked before anything runs:
 * the mode, the home agent's IKE identity (null: its address) and its pre-shared key or {@code
 * auth=cert}, the identity each node proves and the home address that identity may have, the
 * selectors the home agent offers and the proposals.
 */
record InnerIpsecSettings(
    Mode mode,
    Identity id,
    String idText,
    byte[] psk,
    boolean certificate,
    Map<Identity, Ipv4Address> nodes,
    List<TrafficSelector> selectors,
    ProposalPolicy ike,
    ProposalPolicy esp) {

  /** Whether reading it needs the key service: its key is {@code keystore:ALIAS}. */
  static boolean needsStoredKeys(InnerIpsecInstance.Config config) {
    return ConfiguredKeys.isReference(config.psk().trim());
  }

  /** Reads every field; a bad one is refused naming it, the key read through the keystore. */
  static InnerIpsecSettings read(InnerIpsecInstance.Config config, ConfiguredKeys keys) {
    Mode mode =
        InvalidConfigurationException.read(
            "ipsecInTunnel", () -> Mode.parse(config.ipsecInTunnel()));
    String idText = config.id().trim();
    Identity id =
        idText.isEmpty()
            ? null
            : InvalidConfigurationException.read("id", () -> PeerSpec.identity(idText));
    String auth = config.auth().trim();
    boolean cert = "cert".equalsIgnoreCase(auth);
    if (!cert && !"psk".equalsIgnoreCase(auth)) {
      throw new InvalidConfigurationException("auth", "psk or cert, not '" + auth + "'");
    }
    String pskText = config.psk().trim();
    byte[] psk = null;
    if (mode != Mode.OFF && !cert) {
      if (pskText.isEmpty()) {
        throw new InvalidConfigurationException("psk", "keystore:ALIAS or HEX, or auth = cert");
      }
      psk = keys.read("psk", () -> PeerSpec.hex(keys.hex("psk", pskText)));
    } else if (cert && !pskText.isEmpty()) {
      throw new InvalidConfigurationException("psk", "auth = cert takes no pre-shared key");
    }
    if (cert && id == null) {
      throw new InvalidConfigurationException("id", "auth = cert needs the certificate's name");
    }
    Map<Identity, Ipv4Address> nodes =
        InvalidConfigurationException.read("nodes", () -> nodes(config.nodes()));
    if (mode != Mode.OFF && nodes.isEmpty()) {
      throw new InvalidConfigurationException(
          "nodes", "none given: no node could key an SA; list IDENTITY HOME_ADDRESS items");
    }
    List<TrafficSelector> selectors =
        InvalidConfigurationException.read(
            "trafficSelectors",
            () -> PeerSpec.selectors(ConfigList.items(config.trafficSelectors())));
    ProposalPolicy ike =
        InvalidConfigurationException.read(
            "ike", () -> ProposalSyntax.parse(Proposal.IKE, config.ike().trim()));
    ProposalPolicy esp =
        InvalidConfigurationException.read(
            "esp", () -> ProposalSyntax.parse(Proposal.ESP, config.esp().trim()));
    return new InnerIpsecSettings(
        mode, id, idText, psk, cert, Map.copyOf(nodes), selectors, ike, esp);
  }

  /** {@code IDENTITY HOME_ADDRESS} items: an identity names one node, a home address one too. */
  private static Map<Identity, Ipv4Address> nodes(String[] items) {
    Map<Identity, Ipv4Address> nodes = new LinkedHashMap<>();
    for (String item : ConfigList.items(items)) {
      String[] words = item.trim().split("\\s+");
      if (words.length != 2) {
        throw new IllegalArgumentException("IDENTITY HOME_ADDRESS, not '" + item.trim() + "'");
      }
      Identity id = PeerSpec.identity(words[0]);
      Ipv4Address home = Ipv4Address.parse(words[1]);
      if (nodes.containsValue(home)) {
        throw new IllegalArgumentException(home + " is the home address of two identities");
      }
      if (nodes.putIfAbsent(id, home) != null) {
        throw new IllegalArgumentException(words[0] + " is listed twice");
      }
    }
    return nodes;
  }
}
