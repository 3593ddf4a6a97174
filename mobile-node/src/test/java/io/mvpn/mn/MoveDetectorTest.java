package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MoveDetectorTest {

  private static final Ipv4Address FIRST = Ipv4Address.parse("203.0.113.61");
  private static final Ipv4Address SECOND = Ipv4Address.parse("198.51.100.61");

  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  private final List<String> seen = new ArrayList<>();
  private AccessLink link = new AccessLink(true, Set.of(), 1);
  private final MoveDetector.Moves record =
      new MoveDetector.Moves() {
        @Override
        public void linkDown() {
          seen.add("down");
        }

        @Override
        public void moved(String why) {
          seen.add(why);
        }
      };
  private MoveDetector detector;

  @BeforeEach
  void start() {
    detector = new MoveDetector(() -> link, scheduler, record);
    detector.start();
  }

  @Test
  void aLinkThatStaysAsItWasIsNoMove() {
    lookFor(10_000);

    assertThat(seen).isEmpty();
    assertThat(detector.moves()).isZero();
  }

  @Test
  void downThenUpIsOneLinkDownAndOneMoveWithinAPollEach() {
    link = new AccessLink(false, Set.of(), 2);
    lookFor(MoveDetector.POLL_MILLIS);
    assertThat(seen).containsExactly("down");

    lookFor(1_000); // down for a while: nothing more to do than wait
    link = new AccessLink(true, Set.of(), 3);
    lookFor(MoveDetector.POLL_MILLIS);

    assertThat(seen).containsExactly("down", "link up");
    assertThat(detector.linkDowns()).isEqualTo(1);
    assertThat(detector.moves()).isEqualTo(1);
  }

  @Test
  void aFlapBetweenTwoLooksIsSeenByTheCarrierCountAndCountedAsADownAndAMove() {
    link = new AccessLink(true, Set.of(), 3); // went down and up again inside one poll

    lookFor(MoveDetector.POLL_MILLIS);

    assertThat(seen).containsExactly("link flapped");
    assertThat(detector.linkDowns()).isEqualTo(1);
    assertThat(detector.moves()).isEqualTo(1);
  }

  @Test
  void twentyFlapsAreTwentyMoves() {
    for (int i = 0; i < 20; i++) {
      link = new AccessLink(false, Set.of(), 2L + 2 * i);
      lookFor(MoveDetector.POLL_MILLIS);
      link = new AccessLink(true, Set.of(), 3L + 2 * i);
      lookFor(MoveDetector.POLL_MILLIS);
    }

    assertThat(detector.linkDowns()).isEqualTo(20);
    assertThat(detector.moves()).isEqualTo(20);
  }

  @Test
  void anAddressGainedOnAnUpLinkIsAMoveAndOneLostIsNot() {
    link = new AccessLink(true, Set.of(FIRST), 1);
    lookFor(MoveDetector.POLL_MILLIS);
    link = new AccessLink(true, Set.of(), 1);
    lookFor(MoveDetector.POLL_MILLIS);
    link = new AccessLink(true, Set.of(SECOND), 1);
    lookFor(MoveDetector.POLL_MILLIS);

    assertThat(seen).containsExactly("new address " + FIRST, "new address " + SECOND);
    assertThat(detector.linkDowns()).isZero();
  }

  @Test
  void aDeviceThatDisappearsAndComesBackIsADownAndAMove() {
    link = AccessLink.GONE;
    lookFor(MoveDetector.POLL_MILLIS);
    link = new AccessLink(true, Set.of(), 0); // a new device: its carrier count starts again
    lookFor(MoveDetector.POLL_MILLIS);

    assertThat(seen).containsExactly("down", "link up");
  }

  @Test
  void aStoppedDetectorLooksNoMore() {
    detector.stop();
    link = new AccessLink(false, Set.of(), 2);

    lookFor(1_000);

    assertThat(seen).isEmpty();
  }

  @Test
  void aWakeLooksAtOnceAndABurstOfWakesIsOneLookAndOneMove() {
    detector.stop();
    List<Runnable> wakes = new ArrayList<>();
    MoveDetector woken = notifiedDetector(wakes, new ArrayList<>());
    Runnable wake = wakes.get(0);

    link = new AccessLink(false, Set.of(), 2); // down and up again: the kernel says so twice
    wake.run();
    link = new AccessLink(true, Set.of(), 3);
    wake.run();
    wake.run();
    scheduler.runPending(); // no time passes

    assertThat(seen).containsExactly("link flapped");
    assertThat(woken.wakes()).isEqualTo(1);
    assertThat(woken.moves()).isEqualTo(1);

    link = new AccessLink(true, Set.of(FIRST), 3);
    wake.run();
    scheduler.runPending();
    assertThat(seen).containsExactly("link flapped", "new address " + FIRST);
  }

  @Test
  void withNotificationsThePollIsOnlyAFallbackAndStoppingClosesThem() {
    detector.stop();
    List<Runnable> wakes = new ArrayList<>();
    List<String> closed = new ArrayList<>();
    MoveDetector woken = notifiedDetector(wakes, closed);
    lookFor(0); // the look right after subscribing: nothing changed
    assertThat(seen).isEmpty();

    link = new AccessLink(true, Set.of(SECOND), 1); // a change the kernel did not tell about
    lookFor(MoveDetector.POLL_MILLIS);
    assertThat(seen).isEmpty();
    lookFor(MoveDetector.FALLBACK_POLL_MILLIS - MoveDetector.POLL_MILLIS);
    assertThat(seen).containsExactly("new address " + SECOND);

    woken.stop();
    link = new AccessLink(false, Set.of(), 2);
    wakes.get(0).run();
    lookFor(10_000);
    assertThat(seen).containsExactly("new address " + SECOND);
    assertThat(closed).containsExactly("closed");
  }

  @Test
  void aChangeBetweenTheFirstLookAndTheSubscriptionIsSeenAtOnce() {
    detector.stop();
    seen.clear();
    started(
        wake -> {
          link = new AccessLink(true, Set.of(SECOND), 1); // while subscribing: no notification
          return () -> {};
        });

    lookFor(0);

    assertThat(seen).containsExactly("new address " + SECOND);
  }

  @Test
  void withoutNotificationsItPollsAsOftenAsBefore() {
    detector.stop();
    MoveDetector polling =
        started(
            wake -> {
              throw new IOException("errno 97");
            });

    link = new AccessLink(true, Set.of(FIRST), 1);
    lookFor(MoveDetector.POLL_MILLIS);

    assertThat(seen).containsExactly("new address " + FIRST);
  }

  private MoveDetector notifiedDetector(List<Runnable> wakes, List<String> closed) {
    return started(
        wake -> {
          wakes.add(wake);
          return () -> closed.add("closed");
        });
  }

  private MoveDetector started(MoveDetector.Wakeups wakeups) {
    MoveDetector started = new MoveDetector(() -> link, scheduler, record, wakeups);
    started.start();
    return started;
  }

  private void lookFor(long millis) {
    scheduler.advance(millis, TimeUnit.MILLISECONDS);
  }
}
