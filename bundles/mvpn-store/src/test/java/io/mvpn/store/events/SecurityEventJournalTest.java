package io.mvpn.store.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecurityEventJournalTest {

  private static final Pattern SUMMARY = Pattern.compile("^(\\d+) more suppressed \\((.*)\\)$");

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final Instant epoch = Instant.parse("2026-12-05T18:00:00Z");

  /** Each line with the virtual second it was written in. */
  private record Line(long second, String text) {}

  private final List<Line> lines = new ArrayList<>();

  private SecurityEventJournal journal(int capacity) {
    return new SecurityEventJournal(
        capacity,
        new LogRateLimiter(1, TimeUnit.SECONDS, 10, 5),
        time::nanoTime,
        () -> epoch.plusNanos(time.nanoTime()),
        text -> lines.add(new Line(TimeUnit.NANOSECONDS.toSeconds(time.nanoTime()), text)));
  }

  private static long suppressedIn(List<Line> lines) {
    long sum = 0;
    for (Line l : lines) {
      Matcher m = SUMMARY.matcher(l.text());
      if (m.matches()) {
        sum += Long.parseLong(m.group(1));
      }
    }
    return sum;
  }

  @Test
  void aThousandMalformedDatagramsGiveFiveLinesASecondAndASummaryThatAddsUp() {
    SecurityEventJournal journal = journal(256);
    for (int i = 0; i < 1000; i++) {
      journal.report("-", "homeagent/acme", "127.0.0.1:40000", "malformed", "cut short");
      time.advance(3, TimeUnit.MILLISECONDS); // 3 s of flood
    }
    time.advance(2, TimeUnit.SECONDS);
    journal.flush();

    List<Line> eventLines = lines.stream().filter(l -> l.text().startsWith("tenant=")).toList();
    for (long second = 0; second <= 5; second++) {
      long s = second;
      assertThat(eventLines.stream().filter(l -> l.second() == s).count())
          .as("event lines in second %d", second)
          .isLessThanOrEqualTo(5);
    }
    assertThat(eventLines.size() + suppressedIn(lines)).isEqualTo(1000);
    assertThat(lines.get(lines.size() - 1).text())
        .matches("\\d+ more suppressed \\(malformed \\d+\\)");
    assertThat(journal.totals()).containsEntry("malformed", 1000L);
    assertThat(journal.recent(10_000, null)).hasSize(256);
  }

  @Test
  void aFloodOfOneReasonLeavesLinesForTheOthers() {
    SecurityEventJournal journal = journal(64);
    for (int i = 0; i < 100; i++) {
      journal.report("-", "vrf/public", "tun0", "malformed", "");
    }
    journal.report("acme", "homeagent/acme", "203.0.113.7:434", "mn-ha-auth-failed", "");

    assertThat(lines).extracting(Line::text).anyMatch(t -> t.contains("reason=mn-ha-auth-failed"));
    assertThat(lines).filteredOn(l -> l.text().contains("reason=malformed")).hasSize(5);
  }

  @Test
  void noMoreThanTenLinesASecondWhateverTheMixOfReasons() {
    SecurityEventJournal journal = journal(64);
    for (int i = 0; i < 100; i++) {
      journal.report("acme", "homeagent/acme", "203.0.113.7:434", "reason-" + (i % 7), "");
    }
    time.advance(1, TimeUnit.SECONDS);
    journal.flush();

    assertThat(lines.stream().filter(l -> l.text().startsWith("tenant="))).hasSize(10);
    assertThat(suppressedIn(lines)).isEqualTo(90);
    assertThat(lines).hasSize(11);
  }

  @Test
  void eightThreadsFloodingRefusedEspCountEveryEventAndLogFiveLines() throws Exception {
    Queue<String> written = new ConcurrentLinkedQueue<>();
    SecurityEventJournal journal =
        new SecurityEventJournal(
            1024,
            new LogRateLimiter(1, TimeUnit.SECONDS, 10, 5),
            time::nanoTime,
            () -> epoch.plusNanos(time.nanoTime()),
            written::add);
    int threads = 8;
    int each = 20_000;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService loops = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String source = "198.51.100." + (t + 1);
        done.add(
            loops.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    journal.report(
                        "-", "securitygateway/203.0.113.1", source, "esp-icv-failed", "");
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      loops.shutdownNow();
    }
    time.advance(1, TimeUnit.SECONDS);
    journal.flush();

    long total = (long) threads * each;
    assertThat(journal.totals()).containsExactly(Map.entry("esp-icv-failed", total));
    List<String> eventLines = written.stream().filter(l -> l.startsWith("tenant=")).toList();
    assertThat(eventLines).hasSize(5);
    assertThat(
            suppressedIn(written.stream().map(text -> new Line(0, text)).toList())
                + eventLines.size())
        .isEqualTo(total);
    List<SecurityEvent> recent = journal.recent(10_000, null);
    assertThat(recent).hasSize(1024).doesNotContainNull();
  }

  @Test
  void aReporterStuckWritingItsLineHoldsUpNoOtherReporter() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SecurityEventJournal journal =
        new SecurityEventJournal(
            64,
            new LogRateLimiter(1, TimeUnit.SECONDS, 10, 5),
            time::nanoTime,
            () -> epoch.plusNanos(time.nanoTime()),
            text -> {
              if (text.contains("source=198.51.100.1 ")) {
                writing.countDown();
                awaitQuietly(release);
              }
            });
    ExecutorService loops = Executors.newFixedThreadPool(2);
    try {
      Future<?> stuck =
          loops.submit(
              () -> journal.report("-", "securitygateway/gw", "198.51.100.1", "esp-replay", ""));
      assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
      Future<?> other =
          loops.submit(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  journal.report("-", "securitygateway/gw", "198.51.100.2", "esp-icv-failed", "");
                }
              });

      // With one lock around the journal the second loop would wait for the first one's line.
      other.get(30, TimeUnit.SECONDS);
      assertThat(journal.totals()).containsEntry("esp-icv-failed", 1000L);
      release.countDown();
      stuck.get(30, TimeUnit.SECONDS);
      assertThat(journal.totals()).containsEntry("esp-replay", 1L);
    } finally {
      release.countDown();
      loops.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aQuietWindowWritesNoSummary() {
    SecurityEventJournal journal = journal(8);
    journal.report("acme", "homeagent/acme", "203.0.113.7:434", "replay", "");
    time.advance(5, TimeUnit.SECONDS);
    journal.flush();

    assertThat(lines).extracting(Line::text).noneMatch(t -> t.contains("suppressed"));
  }

  @Test
  void theRingKeepsTheNewestEventsOldestFirstAndFiltersByTenant() {
    SecurityEventJournal journal = journal(4);
    for (int i = 0; i < 6; i++) {
      journal.report(i % 2 == 0 ? "acme" : "globex", "homeagent", "10.0.0." + i, "replay", "");
      time.advance(1, TimeUnit.MILLISECONDS);
    }

    assertThat(journal.recent(10, null))
        .extracting(SecurityEvent::source)
        .containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5");
    assertThat(journal.recent(10, "acme"))
        .extracting(SecurityEvent::source)
        .containsExactly("10.0.0.2", "10.0.0.4");
    assertThat(journal.recent(1, null))
        .extracting(SecurityEvent::source)
        .containsExactly("10.0.0.5");
    assertThat(journal.recent(1, null).get(0).time()).isEqualTo(epoch.plusMillis(5));
  }

  @Test
  void anEventWithoutTenantIsFiledUnderNone() {
    SecurityEventJournal journal = journal(4);
    journal.report(null, "vrf/public", "tun0", "malformed", "bad version");

    assertThat(journal.recent(1, SecurityEvent.NO_TENANT)).hasSize(1);
    assertThat(lines.get(0).text())
        .isEqualTo(
            "tenant=- function=vrf/public source=tun0 reason=malformed detail=\"bad version\"");
  }

  @Test
  void aDetailAPeerChoseCannotBreakTheLineAndForgeAnother() {
    SecurityEvent e =
        new SecurityEvent(
            Instant.EPOCH,
            "acme",
            "ike/gw",
            "198.51.100.9:500",
            "ike-auth-failed",
            "CN=x\n2026-01-01 | WARN | io.mvpn.security | tenant=globex reason=forged");

    String line = SecurityEventJournal.line(e);

    assertThat(line).doesNotContain("\n").contains("CN=x?2026-01-01");
  }
}
