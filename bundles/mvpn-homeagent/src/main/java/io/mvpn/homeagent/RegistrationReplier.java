package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.RegistrationCheck.Verdict;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a home agent's verdict into its registration reply (RFC 5944 §3.4) and sends it: back to
 * where the request came from, on the VRF it came in on, or inside a Security Information Update to
 * the gateway it came through.
 */
final class RegistrationReplier {

  private static final Logger LOG = LoggerFactory.getLogger(RegistrationReplier.class);

  /** A reply's headers' room, fixed part and extensions (MN-HA, FA-HA, UDP tunnel reply). */
  private static final int REPLY_CAPACITY =
      UdpDatagram.HEADROOM + RegistrationReply.FIXED_LENGTH + 64;

  private final Ipv4Address address;
  private final Vrf publicVrf;
  private final RegistrationStats stats;
  private final SecurityInformationUpdates updates;

  /**
   * The last reply's buffer, of which one reference is this replier's own. Once whoever the reply
   * was handed to has released theirs (the transport, when the datagram is out), the next reply is
   * written into it: a steady stream of replies takes no pooled buffer per reply. Still held
   * elsewhere, it is left to its holder and a new one taken.
   */
  private ByteBuf spare;

  private boolean keeping;

  RegistrationReplier(
      Ipv4Address address,
      Vrf publicVrf,
      RegistrationStats stats,
      SecurityInformationUpdates updates) {
    this.address = address;
    this.publicVrf = publicVrf;
    this.stats = stats;
    this.updates = updates;
  }

  /**
   * @param vrf where the request came in: public, or the tenant's for a node at home
   * @param siu the gateway route of an accepted request that came through one, or null
   */
  void send(Vrf vrf, UdpDatagram to, Verdict verdict, SecurityInformationUpdates.Route siu) {
    RegistrationBuilder builder =
        // Written once, behind room for the UDP and IPv4 headers it is sent with.
        RegistrationBuilder.replyWithHeadroom(
            replyBuffer(),
            UdpDatagram.HEADROOM,
            verdict.code(),
            verdict.lifetime(),
            verdict.homeAddress(),
            address.toInt(),
            verdict.identification());
    if (verdict.tunnelReply()) {
      // RFC 3519 §3.2: the tunnel reply goes before the MN-HA extension that covers it.
      ByteBuf data =
          UdpTunnel.replyData(
              publicVrf.alloc(), verdict.tunnelReplyCode(), UdpTunnels.KEEPALIVE_SECONDS);
      try {
        builder.extension(MipConstants.EXT_UDP_TUNNEL_REPLY, data);
      } finally {
        data.release();
      }
    }
    if (verdict.mnHa() != null) {
      builder.authenticate(MipConstants.EXT_MN_HA_AUTH, verdict.mnHa());
    }
    if (verdict.faHa() != null) {
      builder.authenticate(MipConstants.EXT_FA_HA_AUTH, verdict.faHa());
    }
    if (!verdict.accepted() && LOG.isDebugEnabled()) {
      LOG.debug(
          "{}: {} -> {}",
          address,
          Ipv4Address.of(verdict.homeAddress()),
          ReplyCode.describe(verdict.code()));
    }
    stats.onReply(verdict.code());
    ByteBuf reply = builder.build();
    if (siu != null) {
      updates.send(to, reply, siu);
      return;
    }
    vrf.sendUdpInPlace(address, to.ip().sourceAddress(), MipConstants.PORT, to.sourcePort(), reply);
  }

  /** A buffer for the next reply, with a reference for whoever it is handed to. */
  private ByteBuf replyBuffer() {
    ByteBuf kept = spare;
    if (kept != null) {
      if (kept.refCnt() == 1) {
        return kept.retain();
      }
      kept.release(); // the last reply is still on its way: its holder frees it
      spare = null;
    }
    ByteBuf fresh = publicVrf.alloc().buffer(REPLY_CAPACITY);
    if (keeping) {
      spare = fresh.retain();
    }
    return fresh;
  }

  /**
   * Whether a reply's buffer is kept for the next one: from the engine's start to its stop, which
   * frees it (a reply sent after the stop, to a datagram already on its way, keeps nothing).
   */
  void keepBuffers(boolean keep) {
    keeping = keep;
    if (!keep && spare != null) {
      spare.release();
      spare = null;
    }
  }
}
