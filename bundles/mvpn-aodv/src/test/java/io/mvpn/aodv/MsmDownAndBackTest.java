package io.mvpn.aodv;

import static io.mvpn.aodv.MeshLab.MS;
import static io.mvpn.aodv.SiteWorld.ALICE;
import static io.mvpn.aodv.SiteWorld.ALICE_KEY;
import static io.mvpn.aodv.SiteWorld.SPI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.peer.NodeSettings;
import io.mvpn.diameter.peer.PeerState;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * acme's MSM down and back while nodes enter the site with authenticated hellos (seed 002 c40-45),
 * in virtual time. The sink asks the MSM over Diameter (Tw 30 s ± 2 s, Tc 30 s, requests time out
 * after 10 s). As designed, nothing is queued: while the MSM is known to be down a hello is refused
 * at once as unreachable (the node's address is not blocked, and it may say hello again); a hello
 * asked of an MSM that hangs unnoticed is refused when the Diameter request times out, before the
 * sink's own 30 s wait. Once the MSM is back, the sink's peer carries requests again within RFC
 * 3539's failback (a reconnect after Tc, then three DWR/DWA exchanges in REOPEN), and the next
 * hello is admitted within the usual 15 ms.
 */
class MsmDownAndBackTest {

  private static final long SECOND_MS = 1_000;
  private static final long TW_MS = 30 * SECOND_MS;
  private static final long JITTER_MS = NodeSettings.WATCHDOG_JITTER.toMillis();
  private static final long TC_MS = 30 * SECOND_MS;
  private static final long REQUEST_TIMEOUT_MS = 10 * SECOND_MS;

  /** From the MSM's return until the sink's peer is OKAY: Tc, CER/CEA, three DWAs (2 Tw apart). */
  private static final long FAILBACK_BOUND_MS = TC_MS + 2 * (TW_MS + JITTER_MS) + SECOND_MS;

  private final SiteWorld w = new SiteWorld();

  @Test
  void aNodeEnteringWhileTheMsmIsDownIsRefusedAtOnceAndAdmittedOnceTheMsmIsBack() {
    w.diameter.crash(w.acmeMsm);
    w.mesh.runFor(1_000);
    assertThat(w.sinkToMsm().available()).isFalse();
    assertThat(w.sinkNode.stats().failovers()).isEqualTo(1);

    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    w.mesh.runFor(100); // two radio hops and no Diameter round trip: refused at once

    assertRefusedAsUnreachable(1);
    w.mesh.runFor(44_000);
    long back = now();
    w.startAcmeMsm(); // a new process on the same address, with the same keys behind it
    long recovered = runUntil(() -> w.sinkToMsm().available(), FAILBACK_BOUND_MS);

    assertThat(recovered - back).isLessThanOrEqualTo(FAILBACK_BOUND_MS * MS);
    // Every hello while the sink waited for the failback was refused, none queued.
    assertRefusedAsUnreachable(1 + hellosWhileWaiting);
    assertAdmittedWithinBudget();
    System.out.printf(
        "MSM crash: the sink asks it again %.1f s after it is back (bound %d s)%n",
        (recovered - back) / 1e9, FAILBACK_BOUND_MS / SECOND_MS);
  }

  @Test
  void aHelloAskedOfAHungMsmIsRefusedWhenItsRequestTimesOutAndTheSinkFailsBackWhenItWakes() {
    long hung = now();
    w.diameter.hang(w.acmeMsm, true);
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    w.mesh.runFor(REQUEST_TIMEOUT_MS - 100);
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED)).isZero();
    assertThat(w.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.PENDING);
    w.mesh.runFor(200);
    assertRefusedAsUnreachable(1);
    assertThat(w.sinkNode.stats().timeouts()).isEqualTo(1);

    long failedOver = runUntil(() -> !w.sinkToMsm().available(), 3 * (TW_MS + JITTER_MS));
    assertThat(failedOver - hung).isLessThanOrEqualTo(2 * (TW_MS + JITTER_MS) * MS);
    long closed =
        runUntil(() -> w.sinkToMsm().state() == PeerState.CLOSED, 3 * (TW_MS + JITTER_MS));
    assertThat(closed - hung).isLessThanOrEqualTo((3 * (TW_MS + JITTER_MS) + SECOND_MS) * MS);

    long back = now();
    w.diameter.hang(w.acmeMsm, false);
    long recovered = runUntil(() -> w.sinkToMsm().available(), FAILBACK_BOUND_MS);

    assertThat(recovered - back).isLessThanOrEqualTo(FAILBACK_BOUND_MS * MS);
    assertRefusedAsUnreachable(1 + hellosWhileWaiting);
    assertThat(w.sinkNode.stats().failbacks()).isEqualTo(1);
    assertAdmittedWithinBudget();
    System.out.printf(
        "MSM hang: failover after %.1f s, the sink asks it again %.1f s after it wakes%n",
        (failedOver - hung) / 1e9, (recovered - back) / 1e9);
  }

  private int hellosWhileWaiting;

  private long now() {
    return w.mesh.time.nanoTime();
  }

  /**
   * Runs until {@code done} holds, checked every second; alice says hello again every 15 s
   * meanwhile (as a node without site routes does; each is settled before the next). Returns when
   * {@code done} first held.
   */
  private long runUntil(BooleanSupplier done, long withinMs) {
    long end = now() + withinMs * MS;
    int seconds = 0;
    while (!done.getAsBoolean()) {
      assertThat(now()).as("within %d s", withinMs / SECOND_MS).isLessThan(end);
      if (++seconds % 15 == 0) {
        w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
        hellosWhileWaiting++;
      }
      w.mesh.runFor(SECOND_MS);
    }
    return now();
  }

  private void assertRefusedAsUnreachable(long hellos) {
    assertThat(w.sink().counter(AodvCounter.AUTH_REFUSED_UNREACHABLE)).isEqualTo(hellos);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isZero();
    assertThat(w.sinkHasRouteTo("n")).as("a route to the refused node").isFalse();
    assertThat(w.mesh.router("n").siteRoutes()).isEmpty();
    assertThat(w.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.REFUSED);
  }

  private void assertAdmittedWithinBudget() {
    long sent = now();
    w.mesh.router("n").enterSite("to-s", ALICE, SPI, ALICE_KEY);
    long latency = w.runUntilSiteRoutes("n", sent);

    assertThat(latency).isLessThanOrEqualTo(AuthenticatedHelloScenarioTest.BUDGET_MS * MS);
    assertThat(w.sink().siteNodes().get(0).state()).isEqualTo(SiteNode.State.MEMBER);
    assertThat(w.sink().counter(AodvCounter.NODES_ADMITTED)).isEqualTo(1);
    assertThat(w.acme.admitted()).isEqualTo(1);
  }
}
