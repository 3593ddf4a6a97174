package io.mvpn.mobilenode.link;

import io.mvpn.api.link.LinkKey;
import io.mvpn.mobilenode.AttachmentLogin;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.ChallengeResponse;
import io.mvpn.packet.mip.GeneralizedAuthentication;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import java.util.Optional;

/**
 * Layer 2's key logs the node into layer 3 (seed 000 claim 12): on a foreign agent's link the node
 * first associates (the four-way handshake of {@link LinkSupplicant}), then answers the agent's
 * advertised challenge (RFC 4721) with its NAI, the challenge and an MN-AAA authenticator keyed by
 * the link key. The node holds no secret for the foreign agent: only its master key, which the
 * access network knows too.
 */
public final class LinkKeyLogin implements AttachmentLogin {

  private final LinkSupplicant supplicant;
  private byte[] challenge; // the latest the agent advertised on this link
  private long answered;
  private boolean associated; // the handshake on this link is over (with a key or without)

  public LinkKeyLogin(LinkSupplicant supplicant) {
    this.supplicant = supplicant;
  }

  /** Associates first; the node solicits (and heeds advertisements) once that is over. */
  @Override
  public void attach(MobileNode.Attachment attachment, Runnable ready) {
    challenge = null;
    associated = false;
    supplicant.associate(
        attachment.vrf(),
        attachment.iface(),
        attachment.iface().address(),
        () -> {
          associated = true;
          ready.run();
        });
  }

  @Override
  public boolean advertised(Ipv4Packet advertisement) {
    try {
      byte[] heard =
          ChallengeResponse.advertisedChallenge(
              RouterAdvertisement.parse(IcmpMessage.parse(advertisement)));
      if (heard != null) {
        challenge = heard;
      }
    } catch (MalformedPacketException e) {
      // The node's advertisement handler counts it; nothing to learn here.
    }
    return associated;
  }

  /**
   * NAI, challenge and MN-AAA after the node's other extensions; without an advertised challenge
   * nothing (the agent will answer 105); without a link key no authenticator (108).
   */
  @Override
  public void extend(RegistrationBuilder request, MobileNode.Attachment attachment) {
    if (attachment.mode() != MobileNode.Mode.FOREIGN_AGENT || challenge == null) {
      return;
    }
    ChallengeResponse.respond(request, attachment.vrf().alloc(), supplicant.identity(), challenge);
    Optional<LinkKey> key = supplicant.keyOf(supplicant.identity());
    if (key.isPresent()) {
      request.authenticateGeneralized(
          GeneralizedAuthentication.SUBTYPE_MN_AAA,
          new MobilitySecurityAssociation(
              GeneralizedAuthentication.SPI_LINK_KEY_SHA256,
              MobilitySecurityAssociation.Algorithm.HMAC_SHA256,
              key.get().key()));
      answered++;
    }
  }

  /** Requests that carried an MN-AAA authenticator. */
  public long answered() {
    return answered;
  }
}
