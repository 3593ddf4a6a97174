package io.mvpn.mobilenode;

import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.RegistrationBuilder;

/**
 * What a node does on a foreign agent's link beyond RFC 5944's MN-HA authentication: associate at
 * layer 2 before soliciting, learn from advertisements, add its own extensions to requests. {@link
 * #NONE} does nothing; {@code io.mvpn.mobilenode.link.LinkKeyLogin} logs in with the layer-2 key.
 */
public interface AttachmentLogin {

  /** Called on attaching to a foreign-agent link; runs {@code ready} when the node may solicit. */
  void attach(MobileNode.Attachment attachment, Runnable ready);

  /**
   * An agent advertisement heard on the active foreign-agent link; false while the node may not act
   * on it yet (its login is still under way).
   */
  boolean advertised(Ipv4Packet advertisement);

  /** Appends extensions after the MN-HA (and MN-FA) authentication of a request. */
  void extend(RegistrationBuilder request, MobileNode.Attachment attachment);

  AttachmentLogin NONE =
      new AttachmentLogin() {
        @Override
        public void attach(MobileNode.Attachment attachment, Runnable ready) {
          ready.run();
        }

        @Override
        public boolean advertised(Ipv4Packet advertisement) {
          return true;
        }

        @Override
        public void extend(RegistrationBuilder request, MobileNode.Attachment attachment) {}
      };
}
