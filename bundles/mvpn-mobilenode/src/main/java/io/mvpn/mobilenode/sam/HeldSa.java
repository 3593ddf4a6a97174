package io.mvpn.mobilenode.sam;

import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import java.util.Comparator;
import java.util.List;

/**
 * One SA a node holds with a correspondent, as an operator reads it: the peer, the SPI the node
 * sends on and the one it receives on, and the time left before the node asks its manager again.
 */
public record HeldSa(String peer, int outboundSpi, int inboundSpi, long remainingMillis) {

  /** The SAs {@code client} holds that are still valid, by peer. */
  public static List<HeldSa> of(SamClient client) {
    long now = client.clock().unixMillis();
    return client.sad().values().stream()
        .filter(sa -> sa.validAt(now))
        .sorted(Comparator.comparing(InstalledSa::peer))
        .map(
            sa ->
                new HeldSa(
                    sa.peer(),
                    sa.outbound().spi(),
                    sa.inbound().spi(),
                    sa.expiresAtUnixMillis() - now))
        .toList();
  }

  /** One line: {@code PEER out 0xSPI in 0xSPI NNN s left}. */
  public String describe() {
    return String.format(
        "%s out 0x%08x in 0x%08x %d s left", peer, outboundSpi, inboundSpi, remainingMillis / 1000);
  }
}
