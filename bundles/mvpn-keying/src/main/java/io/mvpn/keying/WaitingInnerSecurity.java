package io.mvpn.keying;

import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tunnel's inner IPsec layer while a {@code required} one cannot run yet (its pre-shared key
 * waits for the key service, or its start failed): no SA can exist, so every datagram to or from a
 * bound node is refused, counted as {@link #REASON}. {@code required} never fails open.
 */
final class WaitingInnerSecurity implements InnerTunnelSecurity {

  /** The refusal's name in {@code InnerIpsecService.refusals()}. */
  static final String REASON = "waiting_for_keys";

  private final AtomicLong refused = new AtomicLong();

  @Override
  public boolean admits(Ipv4Packet inner) {
    refused.incrementAndGet();
    return false;
  }

  @Override
  public Ipv4Packet protect(Ipv4Packet inner) {
    refused.incrementAndGet();
    return null;
  }

  long refused() {
    return refused.get();
  }
}
