package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bindings and replay state in the {@link StateFile}, so a restart of the appliance or an update of
 * any bundle (this one included) keeps them, and a restart does not reopen a replay window.
 *
 * <p>Time: a binding's nanosecond times are on its home agent's scheduler clock, which starts over
 * with every process. The store keeps them as Unix time and hands them back rebased onto the
 * reader's clock ({@link #onClock}); bindings whose wall-clock expiry has passed are dropped when
 * the file is opened. Reads come from memory; each change goes into the file's maps at once and
 * reaches the disk with the file's next commit.
 */
public final class PersistentBindingStore implements BindingStore {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentBindingStore.class);

  static final String BINDINGS = "bindings";
  static final String IDENTIFICATIONS = "identifications";

  /** What every clock's view shares: the bindings in Unix time, in memory and in the file. */
  private static final class Content {
    final InMemoryBindingStore unix = new InMemoryBindingStore();
    final StateFile file;
    final MVMap<String, byte[]> bindings;
    final MVMap<String, byte[]> identifications;

    Content(StateFile file) {
      this.file = file;
      this.bindings = file.map(BINDINGS);
      this.identifications = file.map(IDENTIFICATIONS);
    }
  }

  private final Content content;

  /** Scheduler time plus this is Unix time, for this view's callers. */
  private final long epochOffsetNanos;

  /**
   * Loads the file's bindings, dropping those expired by {@code clock}. Direct callers see the
   * clock of a scheduler started now; {@link #onClock} gives any other.
   */
  public PersistentBindingStore(StateFile file, Clock clock) {
    this.content = new Content(file);
    this.epochOffsetNanos = unixNanos(clock);
    load(epochOffsetNanos);
  }

  private PersistentBindingStore(Content content, long epochOffsetNanos) {
    this.content = content;
    this.epochOffsetNanos = epochOffsetNanos;
  }

  static long unixNanos(Clock clock) {
    var now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }

  private void load(long nowUnixNanos) {
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : content.bindings.entrySet()) {
      try {
        Binding b = StateCodec.decodeBinding(e.getValue());
        if (b.expiresAtNanos() <= nowUnixNanos) {
          gone.add(e.getKey());
        } else {
          content.unix.put(b);
        }
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: binding {} unreadable, dropped", content.file.path(), e.getKey());
        gone.add(e.getKey());
      }
    }
    for (Map.Entry<String, byte[]> e : content.identifications.entrySet()) {
      String[] key = e.getKey().split(" ");
      try {
        content.unix.setLastIdentification(
            MvpnId.of(key[0]), Ipv4Address.parse(key[1]), StateCodec.decodeLong(e.getValue()));
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException bad) {
        LOG.error("state file {}: replay state {} unreadable", content.file.path(), e.getKey());
      }
    }
    content.file.change(() -> gone.forEach(content.bindings::remove));
    if (!gone.isEmpty()) {
      LOG.info("{} bindings expired while the appliance was down", gone.size());
    }
  }

  @Override
  public BindingStore onClock(long epochOffsetNanos) {
    return new PersistentBindingStore(content, epochOffsetNanos);
  }

  // ---- between the caller's clock and Unix time -------------------------------------------------

  private static Binding shifted(Binding b, long by) {
    if (b == null || by == 0) {
      return b;
    }
    return new Binding(
        b.tenant(),
        b.homeAddress(),
        b.careOfAddress(),
        b.homeAgent(),
        b.flags(),
        b.lifetimeSeconds(),
        b.registeredAtNanos() + by,
        b.expiresAtNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : b.expiresAtNanos() + by,
        b.identification(),
        b.source(),
        b.sourcePort(),
        b.encapsulation());
  }

  private Binding toUnix(Binding b) {
    return shifted(b, epochOffsetNanos);
  }

  private List<Binding> fromUnix(List<Binding> list) {
    return list.stream().map(b -> shifted(b, -epochOffsetNanos)).toList();
  }

  private static String key(Binding b) {
    return StateCodec.key(b.tenant(), b.homeAddress(), b.careOfAddress());
  }

  private void write(Binding unix) {
    content.bindings.put(key(unix), StateCodec.encode(unix));
  }

  private void erase(List<Binding> unix) {
    unix.forEach(b -> content.bindings.remove(key(b)));
  }

  // ---- BindingStore -----------------------------------------------------------------------------

  @Override
  public List<Binding> bindings(MvpnId tenant, Ipv4Address homeAddress) {
    synchronized (content) {
      return fromUnix(content.unix.bindings(tenant, homeAddress));
    }
  }

  @Override
  public List<Binding> bindings(MvpnId tenant) {
    synchronized (content) {
      return fromUnix(content.unix.bindings(tenant));
    }
  }

  @Override
  public void put(Binding binding) {
    Binding unix = toUnix(binding);
    synchronized (content) {
      content.unix.put(unix);
      content.file.change(() -> write(unix));
    }
  }

  @Override
  public void replaceAll(Binding binding) {
    Binding unix = toUnix(binding);
    synchronized (content) {
      replaceAllUnix(unix, () -> {});
    }
  }

  /** The binding and the identification that made it, as one change: one commit for both. */
  @Override
  public void replaceAll(Binding binding, long identification) {
    Binding unix = toUnix(binding);
    MvpnId tenant = unix.tenant();
    Ipv4Address home = unix.homeAddress();
    synchronized (content) {
      content.unix.setLastIdentification(tenant, home, identification);
      replaceAllUnix(
          unix,
          () ->
              content.identifications.put(
                  StateCodec.key(tenant, home), StateCodec.encodeLong(identification)));
    }
  }

  /**
   * Under the content's lock: the node's bindings in memory and, with {@code also}, in the file.
   */
  private void replaceAllUnix(Binding unix, Runnable also) {
    List<Binding> old = content.unix.bindings(unix.tenant(), unix.homeAddress());
    content.unix.replaceAll(unix);
    String kept = key(unix);
    // The new binding first: a commit between the two steps finds it beside the old ones, never
    // the node without a binding.
    content.file.change(
        () -> {
          also.run();
          write(unix);
          erase(old.stream().filter(b -> !key(b).equals(kept)).toList());
        });
  }

  @Override
  public Binding remove(MvpnId tenant, Ipv4Address homeAddress, Ipv4Address careOfAddress) {
    synchronized (content) {
      Binding removed = content.unix.remove(tenant, homeAddress, careOfAddress);
      if (removed == null) {
        return null;
      }
      content.file.change(() -> erase(List.of(removed)));
      return shifted(removed, -epochOffsetNanos);
    }
  }

  @Override
  public int removeAll(MvpnId tenant, Ipv4Address homeAddress) {
    synchronized (content) {
      List<Binding> old = content.unix.bindings(tenant, homeAddress);
      content.file.change(() -> erase(old));
      return content.unix.removeAll(tenant, homeAddress);
    }
  }

  @Override
  public int removeTenant(MvpnId tenant) {
    synchronized (content) {
      List<Binding> old = content.unix.bindings(tenant);
      String prefix = tenant.value() + " ";
      content.file.change(
          () -> {
            erase(old);
            content.identifications.keySet().stream()
                .filter(k -> k.startsWith(prefix))
                .toList()
                .forEach(content.identifications::remove);
          });
      return content.unix.removeTenant(tenant);
    }
  }

  @Override
  public OptionalLong lastIdentification(MvpnId tenant, Ipv4Address homeAddress) {
    synchronized (content) {
      return content.unix.lastIdentification(tenant, homeAddress);
    }
  }

  @Override
  public long lastIdentification(MvpnId tenant, Ipv4Address homeAddress, long none) {
    synchronized (content) {
      return content.unix.lastIdentification(tenant, homeAddress, none);
    }
  }

  @Override
  public void setLastIdentification(MvpnId tenant, Ipv4Address homeAddress, long identification) {
    synchronized (content) {
      content.unix.setLastIdentification(tenant, homeAddress, identification);
      content.file.change(
          () ->
              content.identifications.put(
                  StateCodec.key(tenant, homeAddress), StateCodec.encodeLong(identification)));
    }
  }

  @Override
  public int size() {
    synchronized (content) {
      return content.unix.size();
    }
  }
}
