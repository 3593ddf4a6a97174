package io.mvpn.store;

import io.mvpn.api.time.Scheduler;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's state file: one H2 MVStore file of named maps (string keys, values encoded by
 * {@link StateCodec}), readable by the appliance's user only, since key material will live here
 * too. A file that cannot be opened or read through is moved aside and an empty one started: a bad
 * file costs its content, never the appliance, and never sends it into a crash loop.
 *
 * <p>A change goes into the maps at once; a background committer ({@link GroupCommitter}, on the
 * thread {@code mvpn-store-commit}) hands everything changed since its last commit to the file, at
 * most once per commit interval ({@value #DEFAULT_COMMIT_INTERVAL_MILLIS} ms unless configured; 0
 * commits each change on the caller's thread). A commit hands the changes to the operating system,
 * so they survive the process; {@link #close} commits what is pending and forces it to the disk. A
 * crash of the process loses at most the changes of the last interval.
 */
public final class StateFile implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final DateTimeFormatter ASIDE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** How long a change may wait for its commit by default: what a crash may lose. */
  public static final long DEFAULT_COMMIT_INTERVAL_MILLIS = 5;

  private final Path path;
  private final MVStore store;
  private final GroupCommitter committer;
  private final CommitThread thread;

  /**
   * @param committer where commits run; {@code thread} when it is this file's own
   * @param thread closed with the file, or null if the caller owns {@code committer}
   */
  StateFile(
      Path path,
      MVStore store,
      long commitIntervalMillis,
      Scheduler committer,
      CommitThread thread) {
    this.path = path;
    this.store = store;
    this.committer = new GroupCommitter(store, path, commitIntervalMillis, committer);
    this.thread = thread;
  }

  /**
   * Opens (or creates) the state file. If it is damaged or unreadable it is renamed to {@code
   * <name>.corrupt-<UTC timestamp>} and an empty file takes its place; if even that fails, the
   * state lives in memory for this run. Both are logged as errors naming the path.
   *
   * @throws IllegalStateException if another process holds the file: moving it aside would take it
   *     from under that process
   */
  public static StateFile open(Path path, Clock clock) {
    return open(path, clock, DEFAULT_COMMIT_INTERVAL_MILLIS);
  }

  /**
   * Like {@link #open(Path, Clock)}, committing at most every {@code commitIntervalMillis} (0: each
   * change as it is made) from the file's own thread.
   */
  public static StateFile open(Path path, Clock clock, long commitIntervalMillis) {
    CommitThread thread = new CommitThread();
    try {
      return open(path, clock, commitIntervalMillis, thread, thread);
    } catch (RuntimeException e) {
      thread.close();
      throw e;
    }
  }

  /** Like {@link #open(Path, Clock, long)}, committing on {@code committer} (a test's clock). */
  static StateFile open(
      Path path, Clock clock, long commitIntervalMillis, Scheduler committer, CommitThread thread) {
    if (commitIntervalMillis < 0) {
      throw new IllegalArgumentException("commit interval " + commitIntervalMillis + " ms < 0");
    }
    try {
      return new StateFile(path, openAndCheck(path), commitIntervalMillis, committer, thread);
    } catch (MVStoreException e) {
      if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
        throw new IllegalStateException("state file " + path + " is in use by another process", e);
      }
      return replaceBadFile(path, clock, e, commitIntervalMillis, committer, thread);
    } catch (IOException | RuntimeException e) {
      return replaceBadFile(path, clock, e, commitIntervalMillis, committer, thread);
    }
  }

  /** A state file without a file: the maps live in memory (for tests of the codec paths). */
  public static StateFile inMemory() {
    CommitThread thread = new CommitThread();
    return new StateFile(
        null, new MVStore.Builder().autoCommitDisabled().open(), 0, thread, thread);
  }

  private static StateFile replaceBadFile(
      Path path,
      Clock clock,
      Exception cause,
      long commitIntervalMillis,
      Scheduler committer,
      CommitThread thread) {
    Path aside =
        path.resolveSibling(path.getFileName() + ".corrupt-" + ASIDE_STAMP.format(clock.instant()));
    try {
      if (Files.exists(path)) {
        Files.move(path, aside);
        LOG.error(
            "state file {} could not be read ({}); moved aside to {}, starting with empty state",
            path,
            cause.toString(),
            aside);
      } else {
        LOG.error("state file {} could not be created ({})", path, cause.toString());
      }
      return new StateFile(path, openAndCheck(path), commitIntervalMillis, committer, thread);
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "state file {} unusable ({}); mobility state lives in memory until it is fixed",
          path,
          e.toString(),
          cause);
      MVStore memory = new MVStore.Builder().autoCommitDisabled().open();
      return new StateFile(null, memory, commitIntervalMillis, committer, thread);
    }
  }

  /** Opens the file and reads every map through once, so damage shows now, not on a later read. */
  private static MVStore openAndCheck(Path path) throws IOException {
    createOwnerOnly(path);
    MVStore store = new MVStore.Builder().fileName(path.toString()).autoCommitDisabled().open();
    try {
      for (String name : store.getMapNames()) {
        MVMap<String, byte[]> map = openMap(store, name);
        map.forEach((k, v) -> {});
      }
      return store;
    } catch (RuntimeException e) {
      store.closeImmediately();
      throw e;
    }
  }

  /** The directory 0700 and the file 0600, tightened if they exist with wider permissions. */
  private static void createOwnerOnly(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    boolean posix = Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      } else {
        Files.createDirectories(dir);
      }
    }
    if (!posix) {
      return;
    }
    Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
    try {
      // MVStore opens an empty file as a new store; creating it here fixes its permissions first.
      Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    } catch (FileAlreadyExistsException e) {
      // an existing store: tightened below
    }
    Files.setPosixFilePermissions(path, OWNER_ONLY_FILE);
  }

  private static Path existingAncestor(Path dir) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? dir.getRoot() : p;
  }

  private static MVMap<String, byte[]> openMap(MVStore store, String name) {
    return store.openMap(
        name,
        new MVMap.Builder<String, byte[]>()
            .keyType(StringDataType.INSTANCE)
            .valueType(ByteArrayDataType.INSTANCE));
  }

  /** The file, or null when the state lives in memory. */
  public Path path() {
    return path;
  }

  /** A named map of the file. */
  public MVMap<String, byte[]> map(String name) {
    return openMap(store, name);
  }

  /**
   * Applies a change to the maps now; it reaches the file with the next commit. A failing disk is
   * logged (at most once a minute) and does not reach the caller: the state it was written from
   * stays in memory, and the engine on its hot path keeps running.
   */
  public void change(Runnable mutation) {
    committer.change(mutation);
  }

  /**
   * Applies a change on the committer's thread just before its next commit, never on the caller's:
   * for writers on a data path, which must not wait even for the maps.
   */
  public void changeLater(Runnable mutation) {
    committer.changeLater(mutation);
  }

  /**
   * Runs {@code write} on the committer's thread every {@code periodMillis} until the file closes:
   * for a store that batches its own changes, such as counter totals.
   */
  public void every(long periodMillis, Runnable write) {
    committer.every(periodMillis, write);
  }

  /** Applies the deferred changes and commits everything, on the caller's thread, before return. */
  public void flush() {
    committer.flush();
  }

  /** Changes that did not reach the file since it was opened. */
  public long failedWrites() {
    return committer.failedWrites();
  }

  /** Commits that reached the file since it was opened. */
  long commits() {
    return committer.commits();
  }

  /** Commits what is pending, forces it to the disk and closes the file. */
  @Override
  public synchronized void close() {
    committer.close();
    if (thread != null) {
      thread.close();
    }
    if (store.isClosed()) {
      return;
    }
    // What changed while a scheduled commit was still running.
    committer.flush();
    if (path != null) {
      store.sync();
    }
    store.close();
  }
}
