package io.mvpn.store.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
