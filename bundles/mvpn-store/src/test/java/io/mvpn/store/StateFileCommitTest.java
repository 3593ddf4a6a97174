package io.mvpn.store;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.mvpn.net.time.VirtualTimeScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commits of the state file, on virtual time: what the file holds is read from a copy taken
 * at that moment, which is what a crash of the process would leave behind.
 */
class StateFileCommitTest {

  private static final String MAP = "test";

  @TempDir Path dir;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private OpenStateFiles files;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("mvpn").resolve("state.mv.db"));
  }

  @AfterEach
  void close() {
    files.close();
    FailingDisk.empty();
  }

  /** The file committing at most every {@code intervalMillis} of virtual time. */
  private StateFile open(long intervalMillis) {
    return files.track(StateFile.open(files.path(), files.clock, intervalMillis, time, null));
  }

  private static void put(StateFile file, String key, String value) {
    file.change(() -> file.map(MAP).put(key, value.getBytes(US_ASCII)));
  }

  private static Map<String, String> read(StateFile file) {
    Map<String, String> content = new TreeMap<>();
    file.map(MAP).forEach((k, v) -> content.put(k, new String(v, US_ASCII)));
    return content;
  }

  /** What the file holds if the process dies now. */
  private Map<String, String> afterACrash() throws IOException {
    Path copy = dir.resolve("crash-" + System.nanoTime() + ".mv.db");
    Files.copy(files.path(), copy);
    try (StateFile crashed = StateFile.open(copy, files.clock, 0, time, null)) {
      return read(crashed);
    }
  }

  @Test
  void aChangeIsSeenAtOnceAndReachesTheFileWithinOneInterval() throws IOException {
    StateFile file = open(5);
    put(file, "acme 10.1.0.5", "first");
    assertThat(read(file)).containsEntry("acme 10.1.0.5", "first");
    assertThat(afterACrash()).doesNotContainKey("acme 10.1.0.5");

    // An idle file commits its first change without waiting for the interval.
    time.runPending();
    assertThat(afterACrash()).containsEntry("acme 10.1.0.5", "first");

    time.advance(1, TimeUnit.MILLISECONDS);
    put(file, "acme 10.1.0.5", "second");
    assertThat(read(file)).containsEntry("acme 10.1.0.5", "second");
    time.advance(3, TimeUnit.MILLISECONDS);
    assertThat(afterACrash()).containsEntry("acme 10.1.0.5", "first");
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(afterACrash()).containsEntry("acme 10.1.0.5", "second");
  }

  @Test
  void oneCommitCoversEverythingChangedSinceTheLast() throws IOException {
    StateFile file = open(5);
    long before = file.commits();
    for (int i = 0; i < 1000; i++) {
      put(file, "acme 10.1." + (i >> 8) + "." + (i & 0xFF), "binding " + i);
    }
    time.runUntilIdle();
    assertThat(file.commits() - before).isEqualTo(1);
    assertThat(afterACrash()).hasSize(1000).containsEntry("acme 10.1.3.231", "binding 999");
  }

  @Test
  void anOrderlyCloseCommitsWhatIsPending() {
    StateFile file = open(5);
    put(file, "acme 10.1.0.5", "bound");
    files.close();
    // The commit the closed file had scheduled finds nothing to do.
    assertThatCode(time::runUntilIdle).doesNotThrowAnyException();

    assertThat(read(open(5))).containsEntry("acme 10.1.0.5", "bound");
  }

  @Test
  void anIntervalOfZeroCommitsEachChangeAsItIsMade() throws IOException {
    StateFile file = open(0);
    long before = file.commits();
    put(file, "acme 10.1.0.5", "first");
    assertThat(afterACrash()).containsEntry("acme 10.1.0.5", "first");
    put(file, "acme 10.1.0.6", "second");
    assertThat(afterACrash()).containsEntry("acme 10.1.0.6", "second");
    assertThat(file.commits() - before).isEqualTo(2);
    assertThat(time.isIdle()).isTrue();
  }

  @Test
  void aChangeMadeLaterIsMadeOnTheCommitterJustBeforeItsCommit() throws IOException {
    StateFile file = open(5);
    file.changeLater(() -> file.map(MAP).put("esp 1", "reserved".getBytes(US_ASCII)));
    assertThat(read(file)).isEmpty();
    time.runPending();
    assertThat(read(file)).containsEntry("esp 1", "reserved");
    assertThat(afterACrash()).containsEntry("esp 1", "reserved");
  }

  @Test
  void aFailingCommitIsCountedAndNeverThrown() throws IOException {
    Path path = files.path();
    Files.createDirectories(path.getParent());
    MVStore store =
        new MVStore.Builder().fileName(FailingDisk.fileName(path)).autoCommitDisabled().open();
    StateFile file = files.track(new StateFile(path, store, 5, time, null));
    put(file, "acme 10.1.0.5", "bound");
    time.runPending();
    assertThat(file.failedWrites()).isZero();

    FailingDisk.fill();
    put(file, "acme 10.1.0.6", "bound");
    put(file, "acme 10.1.0.7", "bound");
    time.advance(5, TimeUnit.MILLISECONDS);
    assertThat(file.failedWrites()).isEqualTo(2);

    // MVStore gives up on a file it could not write: later changes fail as well, quietly.
    assertThatCode(() -> put(file, "acme 10.1.0.8", "bound")).doesNotThrowAnyException();
    assertThatCode(time::runUntilIdle).doesNotThrowAnyException();
    assertThat(file.failedWrites()).isEqualTo(3);
    assertThatCode(file::close).doesNotThrowAnyException();
  }

  @Test
  void theCommitThreadCommitsWithoutBeingAsked() throws Exception {
    CommitThread thread = new CommitThread();
    StateFile file = files.track(StateFile.open(files.path(), files.clock, 5, thread, thread));
    put(file, "acme 10.1.0.5", "bound");
    // Scheduled after the commit, due no earlier: the thread runs it after the commit.
    CountDownLatch afterTheCommit = new CountDownLatch(1);
    String[] name = new String[1];
    boolean[] daemon = new boolean[1];
    thread.schedule(
        5,
        TimeUnit.MILLISECONDS,
        () -> {
          name[0] = Thread.currentThread().getName();
          daemon[0] = Thread.currentThread().isDaemon();
          afterTheCommit.countDown();
        });
    assertThat(afterTheCommit.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(afterACrash()).containsEntry("acme 10.1.0.5", "bound");
    assertThat(name[0]).isEqualTo("mvpn-store-commit");
    assertThat(daemon[0]).isTrue();
  }

  @Test
  void changesRacingTheCommitThreadAllReachTheFile() throws Exception {
    CommitThread thread = new CommitThread();
    StateFile file = StateFile.open(files.path(), files.clock, 1, thread, thread);
    Thread[] writers = new Thread[2];
    for (int w = 0; w < writers.length; w++) {
      String tenant = "tenant" + w;
      writers[w] =
          new Thread(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  put(file, tenant + " " + i, "v" + i);
                }
              });
      writers[w].start();
    }
    for (Thread w : writers) {
      w.join();
    }
    file.close();

    Map<String, String> reopened = read(open(5));
    assertThat(reopened).hasSize(40_000);
    assertThat(reopened).containsEntry("tenant0 19999", "v19999").containsEntry("tenant1 0", "v0");
    assertThat(file.failedWrites()).isZero();
  }
}
