package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One IKE SA's task manager alone, in virtual time: what goes out when, in which order, under which
 * message ID, with a recording stand-in for the SA's manager.
 */
class TaskManagerTest {

  final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  final EngineCounters counters = new EngineCounters();
  final IkeSa sa =
      new IkeSa(true, 1, 2, Endpoint.of("192.0.2.1", 500), Endpoint.of("192.0.2.2", 500));

  /** Each datagram as "NAME#MESSAGE_ID@MILLIS". */
  final List<String> wire = new ArrayList<>();

  final List<String> events = new ArrayList<>();

  final TaskManager.Exchanges exchanges =
      new TaskManager.Exchanges() {
        @Override
        public List<byte[]> encodeRequest(IkeSa s, IkeTask task, long messageId) {
          String text = ((Named) task).name + "#" + messageId;
          return List.of(text.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void send(IkeSa s, List<byte[]> datagrams) {
          for (byte[] d : datagrams) {
            wire.add(new String(d, StandardCharsets.US_ASCII) + "@" + millis());
          }
        }

        @Override
        public void peerDead(IkeSa s) {
          events.add("dead@" + millis());
          s.state(IkeSaState.DESTROYED);
        }

        @Override
        public void rekeyIkeSa(IkeSa s) {
          events.add("rekey IKE SA@" + millis());
        }

        @Override
        public void rekeyChildSa(ChildSa child) {
          events.add("rekey Child SA@" + millis());
        }
      };

  /** A task that only has a name: the manager never looks inside. */
  record Named(String name) implements IkeTask {
    @Override
    public int exchangeType() {
      return IkeHeader.INFORMATIONAL;
    }

    @Override
    public List<IkePayload> buildRequest(IkeSa sa) {
      return List.of();
    }

    @Override
    public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
      return Outcome.DONE;
    }
  }

  TaskManager manager(EngineSettings settings) {
    return new TaskManager(sa, scheduler, settings, counters, new SplittableRandom(7), exchanges);
  }

  long millis() {
    return TimeUnit.NANOSECONDS.toMillis(scheduler.nanoTime());
  }

  void runFor(long millis) {
    scheduler.runUntil(scheduler.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void anUnansweredRequestGoesAgainAfterEachDoubledTimeoutThenThePeerIsDead() {
    TaskManager tasks = manager(new EngineSettings(500, 5, 100));
    tasks.queue(new Named("dpd"));
    runFor(40_000);
    assertThat(wire)
        .containsExactly(
            "dpd#0@0", "dpd#0@500", "dpd#0@1500", "dpd#0@3500", "dpd#0@7500", "dpd#0@15500");
    assertThat(events).containsExactly("dead@31500");
    assertThat(counters.retransmissions()).isEqualTo(5);
    assertThat(tasks.retransmissions()).isEqualTo(5);
  }

  @Test
  void onlyOneRequestIsOutstandingAndTheQueueGoesInOrder() {
    TaskManager tasks = manager(EngineSettings.defaults());
    tasks.queue(new Named("first"));
    tasks.queue(new Named("second"));
    tasks.queue(new Named("third"));
    assertThat(wire).containsExactly("first#0@0");
    assertThat(tasks.queued())
        .extracting(t -> ((Named) t).name())
        .containsExactly("second", "third");

    runFor(100);
    assertThat(tasks.awaits(0, IkeHeader.INFORMATIONAL)).isTrue();
    assertThat(tasks.awaits(1, IkeHeader.INFORMATIONAL)).isFalse(); // not ours yet
    tasks.completed();
    tasks.startNext();
    runFor(100);
    tasks.completed();
    tasks.startNext();

    assertThat(wire).containsExactly("first#0@0", "second#1@100", "third#2@200");
    assertThat(tasks.nextRequestId()).isEqualTo(2);
    assertThat(((Named) tasks.active()).name()).isEqualTo("third");
    assertThat(counters.retransmissions()).isZero();
  }

  @Test
  void theAnswerStopsTheRetransmissionsAndTheNextTaskStartsItsOwnSchedule() {
    TaskManager tasks = manager(new EngineSettings(500, 5, 100));
    tasks.queue(new Named("rekey"));
    tasks.queueLater(new Named("delete"));
    runFor(700); // one retransmission at 500 ms
    tasks.completed();
    tasks.startNext();
    runFor(1_000);

    assertThat(wire).containsExactly("rekey#0@0", "rekey#0@500", "delete#1@700", "delete#1@1200");
    assertThat(tasks.retransmissions()).isEqualTo(1);
  }

  @Test
  void aRetryResendsTheTaskUnderTheSameMessageIdWithAFreshSchedule() {
    TaskManager tasks = manager(new EngineSettings(500, 5, 100));
    tasks.queue(new Named("init"));
    runFor(600); // retransmitted once
    tasks.retry(); // e.g. INVALID_KE_PAYLOAD: a new request, message ID 0 still (§1.3)
    runFor(400);

    assertThat(wire).containsExactly("init#0@0", "init#0@500", "init#0@600");
    assertThat(tasks.retransmissions()).isZero();
    runFor(200);
    assertThat(wire).endsWith("init#0@1100");
  }

  @Test
  void aStoppedSaSendsNothingMore() {
    TaskManager tasks = manager(new EngineSettings(500, 5, 100));
    tasks.queue(new Named("auth"));
    tasks.stop();
    runFor(60_000);
    assertThat(wire).containsExactly("auth#0@0");
    assertThat(events).isEmpty();
  }

  @Test
  void aReKeyedSaHandsItsQueueToItsSuccessorInOrder() {
    TaskManager old = manager(EngineSettings.defaults());
    old.queue(new Named("rekey"));
    old.queueLater(new Named("child"));
    old.queueLater(new Named("info"));
    TaskManager successor = manager(EngineSettings.defaults());
    successor.takeOver(old);

    assertThat(old.queued()).isEmpty();
    assertThat(successor.queued())
        .extracting(t -> ((Named) t).name())
        .containsExactly("child", "info");
  }

  @Test
  void onlyTheLastAnsweredRequestCountsAsRetransmittedAndGetsItsAnswerAgain() {
    TaskManager tasks = manager(EngineSettings.defaults());
    byte[] first = {1};
    byte[] second = {2};
    tasks.answered(first, List.of(new byte[] {11}));
    tasks.answered(second, List.of(new byte[] {21}, new byte[] {22}));

    assertThat(tasks.expectedRequestId()).isEqualTo(2);
    assertThat(tasks.isRetransmission(1, second)).isTrue();
    assertThat(tasks.lastResponse()).containsExactly(new byte[] {21}, new byte[] {22});
    assertThat(tasks.isRetransmission(0, first)).isFalse(); // too old: no answer kept
    assertThat(tasks.isRetransmission(1, new byte[] {3})).isFalse(); // other bytes, same ID
  }

  @Test
  void softLifetimesFireTheReKeysAJitterEarly() {
    TaskManager tasks =
        manager(EngineSettings.defaults().withRekey(new RekeyPolicy(3600, 600, 60, 0)));
    tasks.scheduleIkeRekey();
    tasks.scheduleChildRekey(null);
    runFor(TimeUnit.HOURS.toMillis(2));

    assertThat(events).hasSize(2);
    long child = Long.parseLong(events.get(0).replace("rekey Child SA@", ""));
    long ike = Long.parseLong(events.get(1).replace("rekey IKE SA@", ""));
    assertThat(child).isBetween(540_000L, 600_000L);
    assertThat(ike).isBetween(3_540_000L, 3_600_000L);
  }

  @Test
  void withoutSoftLifetimesNothingIsReKeyed() {
    TaskManager tasks = manager(EngineSettings.defaults());
    tasks.scheduleIkeRekey();
    tasks.scheduleChildRekey(null);
    tasks.retryIkeRekey(10);
    runFor(TimeUnit.DAYS.toMillis(2));
    assertThat(events).isEmpty();
  }
}
