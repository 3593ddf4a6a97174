package io.mvpn.store;

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
 * <p>Nothing is written until {@link #commit}; the stores commit once per change of state (a
 * registration, not a datagram). A commit hands the change to the operating system, so it survives
 * the process; {@link #close} also forces it to the disk.
 */
public final class StateFile implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final DateTimeFormatter ASIDE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final Path path;
  private final MVStore store;
  private long failedWrites;
  private long lastFailureLog;

  private StateFile(Path path, MVStore store) {
    this.path = path;
    this.store = store;
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
    try {
      return new StateFile(path, openAndCheck(path));
    } catch (MVStoreException e) {
      if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
        throw new IllegalStateException("state file " + path + " is in use by another process", e);
      }
      return replaceBadFile(path, clock, e);
    } catch (IOException | RuntimeException e) {
      return replaceBadFile(path, clock, e);
    }
  }

  /** A state file without a file: the maps live in memory (for tests of the codec paths). */
  public static StateFile inMemory() {
    return new StateFile(null, new MVStore.Builder().autoCommitDisabled().open());
  }

  private static StateFile replaceBadFile(Path path, Clock clock, Exception cause) {
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
      return new StateFile(path, openAndCheck(path));
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "state file {} unusable ({}); mobility state lives in memory until it is fixed",
          path,
          e.toString(),
          cause);
      return inMemory();
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
   * Applies a change to the maps and commits it to the file. A failing disk is logged (at most once
   * a minute) and does not reach the caller: the state it was written from stays in memory, and the
   * engine on its hot path keeps running.
   */
  public synchronized void change(Runnable mutation) {
    try {
      mutation.run();
      store.commit();
    } catch (RuntimeException e) {
      failedWrites++;
      long now = System.nanoTime();
      if (lastFailureLog == 0 || now - lastFailureLog > FAILURE_LOG_INTERVAL_NANOS) {
        lastFailureLog = now;
        LOG.error("state file {}: {} writes failed so far, latest: {}", path, failedWrites, e);
      }
    }
  }

  /** Changes that did not reach the file since it was opened. */
  public synchronized long failedWrites() {
    return failedWrites;
  }

  @Override
  public synchronized void close() {
    if (store.isClosed()) {
      return;
    }
    store.commit();
    if (path != null) {
      store.sync();
    }
    store.close();
  }
}
