package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentBindingStoreTest extends BindingStoreContract {

  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private OpenStateFiles files;
  private AdjustableClock clock;

  @BeforeEach
  void files() {
    files = new OpenStateFiles(dir.resolve("mvpn").resolve("state.mv.db"));
    clock = files.clock;
  }

  private Path path() {
    return files.path();
  }

  private PersistentBindingStore openStore() {
    return new PersistentBindingStore(files.open(), clock);
  }

  /** Like a restart: the file closes, the next {@link #openStore} reads it again. */
  private void closeAll() {
    files.close();
  }

  /** The offset of a scheduler that reads {@code schedulerNanos} now. */
  private long epochOffset(long schedulerNanos) {
    return files.now() - schedulerNanos;
  }

  @AfterEach
  void close() {
    closeAll();
  }

  @Override
  BindingStore store() {
    return openStore();
  }

  @Test
  void aRegistrationsBindingAndIdentificationReachTheFileInOneCommit() {
    StateFile file = files.track(StateFile.open(path(), clock, 0));
    BindingStore store = new PersistentBindingStore(file, clock).onClock(epochOffset(0));
    store.put(binding(ACME, "203.0.113.2"));
    long before = file.commits();

    store.replaceAll(binding(ACME, "203.0.113.3"), 9);

    assertThat(file.commits() - before).isEqualTo(1);
    closeAll();
    BindingStore reopened = openStore().onClock(epochOffset(0));
    assertThat(reopened.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.3");
    assertThat(reopened.lastIdentification(ACME, HOME)).hasValue(9);
  }

  @Test
  void aReopenedStoreKeepsBindingsAndReplayState() {
    BindingStore store = openStore().onClock(epochOffset(0));
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(ACME, "203.0.113.2"));
    store.setLastIdentification(ACME, HOME, 0x1234_5678_9ABC_DEF0L);
    closeAll();

    BindingStore reopened = openStore().onClock(epochOffset(0));
    assertThat(reopened.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.1", "203.0.113.2");
    assertThat(reopened.bindings(ACME, HOME).get(0)).isEqualTo(binding(ACME, "203.0.113.1"));
    assertThat(reopened.lastIdentification(ACME, HOME)).hasValue(0x1234_5678_9ABC_DEF0L);
    assertThat(reopened.size()).isEqualTo(2);
  }

  @Test
  void aBindingKeepsTheWallClockTimeItHadLeftOnANewSchedulersClock() {
    // The first run's scheduler reads 5 s when the node registers for 600 s.
    openStore().onClock(epochOffset(5 * SECOND)).put(binding(ACME, "203.0.113.1", 5 * SECOND, 600));
    closeAll();
    clock.advance(Duration.ofSeconds(100));

    // After the restart a new scheduler reads 2 s: the binding has 500 s left on it.
    Binding b = openStore().onClock(epochOffset(2 * SECOND)).bindings(ACME, HOME).get(0);
    assertThat(b.expiresAtNanos() - 2 * SECOND).isEqualTo(500 * SECOND);
    assertThat(b.remainingSeconds(2 * SECOND)).isEqualTo(500);
    assertThat(b.lifetimeSeconds()).isEqualTo(600);
  }

  @Test
  void bindingsThatExpiredWhileTheApplianceWasDownAreDroppedOnLoad() {
    BindingStore store = openStore().onClock(epochOffset(0));
    store.put(binding(ACME, "203.0.113.1", 0, 60));
    store.put(binding(GLOBEX, "203.0.113.2", 0, 600));
    store.setLastIdentification(ACME, HOME, 7);
    closeAll();
    clock.advance(Duration.ofSeconds(61));

    PersistentBindingStore reopened = openStore();
    assertThat(reopened.bindings(ACME)).isEmpty();
    assertThat(reopened.bindings(GLOBEX)).hasSize(1);
    // The replay state outlives the binding: an old request stays a replay.
    assertThat(reopened.lastIdentification(ACME, HOME)).hasValue(7);
    closeAll();
    assertThat(openStore().size()).isEqualTo(1);
  }

  @Test
  void aBindingWithoutExpiryStaysWithoutExpiry() {
    Binding forever =
        new Binding(
            ACME,
            HOME,
            Ipv4Address.parse("203.0.113.1"),
            Ipv4Address.parse("198.51.100.10"),
            0,
            0xFFFF,
            0,
            Long.MAX_VALUE,
            1,
            Ipv4Address.parse("203.0.113.1"),
            434,
            Binding.Encapsulation.UDP);
    openStore().onClock(epochOffset(0)).put(forever);
    closeAll();
    clock.advance(Duration.ofDays(400));
    Binding back = openStore().onClock(epochOffset(9 * SECOND)).bindings(ACME, HOME).get(0);
    assertThat(back.expiresAtNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(back.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
  }

  @Test
  void tenantsWithTheSameHomeAddressStayApartAcrossAReopen() {
    BindingStore store = openStore();
    store.put(binding(ACME, "203.0.113.1"));
    store.put(binding(GLOBEX, "203.0.113.2"));
    store.setLastIdentification(GLOBEX, HOME, 99);
    closeAll();
    BindingStore reopened = openStore();
    assertThat(reopened.bindings(ACME, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.1");
    assertThat(reopened.bindings(GLOBEX, HOME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.2");
    assertThat(reopened.lastIdentification(ACME, HOME)).isEmpty();
    assertThat(reopened.lastIdentification(GLOBEX, HOME)).hasValue(99);
  }

  @Test
  void theStateFileIsReadableByItsOwnerOnly() throws IOException {
    openStore().put(binding(ACME, "203.0.113.1"));
    closeAll();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path().getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path())))
        .isEqualTo("rw-------");
  }

  @Test
  void aStateFileWithWiderPermissionsIsTightenedOnOpen() throws IOException {
    openStore();
    closeAll();
    Files.setPosixFilePermissions(path(), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(path().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    openStore();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void aCorruptFileIsMovedAsideAndTheStoreStartsEmpty() throws IOException {
    Files.createDirectories(path().getParent());
    byte[] garbage = new byte[16384];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31 + 7);
    }
    Files.write(path(), garbage);

    PersistentBindingStore store = openStore();
    assertThat(store.size()).isZero();
    Path aside = path().resolveSibling("state.mv.db.corrupt-20261205T090000Z");
    assertThat(aside).exists();
    assertThat(Files.readAllBytes(aside)).isEqualTo(garbage);

    // The fresh file works like any other.
    store.put(binding(ACME, "203.0.113.1"));
    closeAll();
    assertThat(openStore().size()).isEqualTo(1);
    try (Stream<Path> files = Files.list(path().getParent())) {
      assertThat(files).hasSize(2);
    }
  }

  @Test
  void anUnreadableRecordIsDroppedAndTheOthersKept() {
    openStore().put(binding(ACME, "203.0.113.1"));
    closeAll();
    StateFile file = StateFile.open(path(), clock);
    file.change(
        () ->
            file.map(PersistentBindingStore.BINDINGS)
                .put("acme 10.1.0.9 1.2.3.4", new byte[] {1, 2}));
    file.close();

    PersistentBindingStore reopened = openStore();
    assertThat(reopened.bindings(ACME))
        .extracting(b -> b.careOfAddress().toString())
        .containsExactly("203.0.113.1");
  }
}
