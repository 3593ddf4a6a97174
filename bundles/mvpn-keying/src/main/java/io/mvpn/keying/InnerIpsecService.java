package io.mvpn.keying;

import io.mvpn.ike.IkeService.IkeSaView;
import java.util.List;
import java.util.Map;

/**
 * One tenant's IPsec inside the Mobile IP tunnel (seed 002 claim 24) as {@code mvpn:inner-ipsec}
 * shows it: registered by {@link InnerIpsecInstance} with {@code mvpn.tenant}, for this bundle's
 * shell only.
 */
public interface InnerIpsecService {

  String tenant();

  /** {@code off}, {@code optional} or {@code required}. */
  String mode();

  /** The home agent's address, where the nodes speak IKE to. */
  String homeAgent();

  /** ESP datagrams decrypted from the nodes and encrypted to them. */
  long decrypted();

  long encrypted();

  /**
   * What was refused, by reason: the tunnel's ({@code plain_from_node}, {@code plain_to_node},
   * {@code spoofed_from_site}), ESP's ({@code esp_icv}, {@code esp_replay}...) and {@code
   * child_sa_refused}; reasons never seen left out.
   */
  Map<String, Long> refusals();

  /** Each node with an IKE SA, by home address. */
  List<NodeView> nodes();

  /** A node's IKE SAs and, per Child SA (by inbound SPI), what its ESP carried. */
  record NodeView(String home, String identity, List<IkeSaView> ikeSas, Map<Long, EspView> esp) {
    public NodeView {
      ikeSas = List.copyOf(ikeSas);
      esp = Map.copyOf(esp);
    }
  }

  /** One Child SA's ESP, both directions: packets, bytes and inbound refusals. */
  record EspView(
      long inboundPackets,
      long inboundBytes,
      long outboundPackets,
      long outboundBytes,
      long inboundRefused) {}
}
