package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kink.KinkPayload;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The realm's KDC down and back, in virtual time (the KDC is mvpn's, on loopback: while it is down
 * its port refuses at once, so no exchange waits on the real clock). A node asking its manager for
 * a cold SA (no ticket held for the peer) hears that the manager's KDC is unreachable, retries on
 * its own schedule (1, 2, 4, 8 s) and gives up with that reason after its four requests; the
 * manager asks the KDC a bounded number of times and holds off between failures. Once the KDC is
 * back, the same node and manager, neither restarted, key the SA within the node's retry bound.
 */
class KdcDownAndBackTest {

  @TempDir Path dir;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VirtualWire wire = new VirtualWire(time);

  /** What the node heard from one connect, and when (virtual nanos). */
  private static final class Heard implements SamClient.Outcome {
    InstalledSa sa;
    long error = -1;
    String reason;
    long atNanos = -1;
    private final VirtualTimeScheduler time;
    private final long askedAt;

    Heard(VirtualTimeScheduler time) {
      this.time = time;
      this.askedAt = time.nanoTime();
    }

    /** How long after the question the answer came. */
    long tookNanos() {
      return atNanos - askedAt;
    }

    @Override
    public void ready(InstalledSa installed) {
      sa = installed;
      atNanos = time.nanoTime();
    }

    @Override
    public void failed(long kinkError, String why) {
      error = kinkError;
      reason = why;
      atNanos = time.nanoTime();
    }
  }

  /** The node's whole retry schedule: each wait doubled from the first, plus a round trip each. */
  private static long retryBoundNanos(SamClient.Settings s) {
    long waits = s.retryMillis() * ((1L << s.attempts()) - 1);
    return TimeUnit.MILLISECONDS.toNanos(waits + s.attempts() * 2 * VirtualWire.ONE_WAY_MILLIS);
  }

  /** {@code a} asks for an SA with {@code peer}; what it heard once {@code bound} has passed. */
  private Heard connect(SamClient a, String peer, long bound) {
    Heard heard = new Heard(time);
    a.connect(peer, heard);
    time.advance(bound, TimeUnit.NANOSECONDS);
    return heard;
  }

  @Test
  void aColdSaAskedForWhileTheKdcIsDownIsAClearErrorAfterBoundedRetriesAndKeysWhenItIsBack()
      throws Exception {
    try (SamRealm realm = SamRealm.onMvpnKdc(dir, 2)) {
      downAndBack(realm);
    }
  }

  private void downAndBack(SamRealm realm) throws Exception {
    SamResponder sam = realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory());
    sam.knowNode(node(1), SamRealm.address(1));
    SamClient a = realm.node(time, wire, 0, 0);
    SamClient b = realm.node(time, wire, 1, 0);
    long bound = retryBoundNanos(SamClient.Settings.DEFAULT);

    realm.kdc.stop();
    Heard down = connect(a, node(1), bound);

    assertThat(down.sa).isNull();
    assertThat(down.error).isEqualTo(KinkPayload.Error.SAM_KDC_UNREACHABLE);
    assertThat(down.reason)
        .isEqualTo("no SA with node01 after 4 requests: the manager's KDC is unreachable");
    assertThat(down.tookNanos()).isLessThanOrEqualTo(bound);
    assertThat(a.counters().requestsSent()).isEqualTo(SamClient.Settings.DEFAULT.attempts());
    assertThat(a.counters().failed()).isEqualTo(1);
    // At most three KDC attempts per request reached the manager; none got a pair made or stored.
    assertThat(sam.manager().counters().kdcExchanges())
        .isPositive()
        .isLessThanOrEqualTo(3L * SamClient.Settings.DEFAULT.attempts());
    assertThat(sam.manager().counters().kdcFailures())
        .isEqualTo(sam.manager().counters().kdcExchanges());
    assertThat(sam.manager().pairs()).isEmpty();
    assertThat(a.sa(node(1))).isNull();
    assertThat(b.sa(node(0))).isNull();

    realm.kdc.startAgain();
    Heard back = connect(a, node(1), bound);

    assertThat(back.reason).isNull();
    assertThat(back.sa).isNotNull();
    assertThat(back.tookNanos()).isLessThanOrEqualTo(bound);
    // The peer was given its half: each node sends on the SA the other receives on.
    assertThat(b.sa(node(0))).isNotNull();
    assertThat(b.sa(node(0)).inbound().spi()).isEqualTo(back.sa.outbound().spi());
    assertThat(b.sa(node(0)).outbound().spi()).isEqualTo(back.sa.inbound().spi());
    assertThat(sam.manager().counters().keyed()).isEqualTo(1);
    System.out.printf(
        "KDC down: error after %.2f s; back: SA after %.2f s (bound %.2f s)%n",
        down.tookNanos() / 1e9, back.tookNanos() / 1e9, bound / 1e9);
  }
}
