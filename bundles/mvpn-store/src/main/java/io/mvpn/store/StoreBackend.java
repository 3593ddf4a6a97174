package io.mvpn.store;

import io.mvpn.api.history.HistoryStore;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.SamPairStore;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.api.workgroup.WorkgroupService;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The stores of one backend (bindings, visitors, counters, security gateways' SAs, NAPT mappings,
 * the workgroup directory, workgroup gateways' SAs, SA managers' pairs and the operators' history
 * journals), opened together: in memory, or all in one {@link StateFile}. Exactly one backend is
 * open in the appliance at a time, chosen by the {@code io.mvpn.store} configuration.
 */
public final class StoreBackend implements AutoCloseable {

  /** The kinds of backend, as the configuration names them. */
  public enum Type {
    /** An embedded MVStore file: state survives restarts and updates of every bundle. */
    PERSISTENT,
    /** Plain maps: state survives updates of the bundles that use it, not of this one. */
    MEMORY;

    /** {@code persistent} or {@code memory}, any case. */
    public static Type parse(String text) {
      for (Type t : values()) {
        if (t.name().equalsIgnoreCase(text.trim())) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "store type '" + text + "' is neither 'persistent' nor 'memory'");
    }
  }

  /** How often counter totals reach the file: what a crash of the appliance may lose. */
  static final long COUNTER_FLUSH_MILLIS = 1000;

  private final Type type;
  private final StateFile file;
  private final BindingStore bindings;
  private final VisitorStore visitors;
  private final CounterStore counters;
  private final EspSaStore espSas;
  private final NaptMappingStore naptMappings;
  private final Workgroups workgroups;
  private final SamPairStore samPairs;
  private final HistoryStore histories;

  /** The workgroup directory and the workgroup gateways' SAs, of the same backend. */
  public record Workgroups(WorkgroupService directory, WorkgroupSaStore sas) {}

  private StoreBackend(
      Type type,
      StateFile file,
      BindingStore bindings,
      VisitorStore visitors,
      CounterStore counters,
      EspSaStore espSas,
      NaptMappingStore naptMappings,
      Workgroups workgroups,
      SamPairStore samPairs,
      HistoryStore histories) {
    this.type = type;
    this.file = file;
    this.bindings = bindings;
    this.visitors = visitors;
    this.counters = counters;
    this.espSas = espSas;
    this.naptMappings = naptMappings;
    this.workgroups = workgroups;
    this.samPairs = samPairs;
    this.histories = histories;
  }

  /** Stores that live as long as this object. */
  public static StoreBackend inMemory() {
    return new StoreBackend(
        Type.MEMORY,
        null,
        new InMemoryBindingStore(),
        new InMemoryVisitorStore(),
        new InMemoryCounterStore(),
        new InMemoryEspSaStore(),
        new InMemoryNaptMappingStore(),
        new Workgroups(new InMemoryWorkgroupDirectory(), new InMemoryWorkgroupSaStore()),
        new InMemorySamPairStore(),
        new InMemoryHistoryStore());
  }

  /**
   * Stores in the state file at {@code path} (created 0600 in a 0700 directory if absent),
   * committed at most every {@value StateFile#DEFAULT_COMMIT_INTERVAL_MILLIS} ms.
   */
  public static StoreBackend persistent(Path path, Clock clock) {
    return persistent(path, clock, StateFile.DEFAULT_COMMIT_INTERVAL_MILLIS);
  }

  /**
   * Stores in the state file at {@code path}, committed at most every {@code commitIntervalMillis}
   * (0: each change as it is made).
   */
  public static StoreBackend persistent(Path path, Clock clock, long commitIntervalMillis) {
    StateFile file = StateFile.open(path, clock, commitIntervalMillis);
    return new StoreBackend(
        Type.PERSISTENT,
        file,
        new PersistentBindingStore(file, clock),
        new PersistentVisitorStore(file, clock),
        new PersistentCounterStore(file, COUNTER_FLUSH_MILLIS),
        new PersistentEspSaStore(file, clock),
        new PersistentNaptMappingStore(file),
        new Workgroups(
            new PersistentWorkgroupDirectory(file), new PersistentWorkgroupSaStore(file, clock)),
        new PersistentSamPairStore(file, clock),
        new PersistentHistoryStore(file));
  }

  public Type type() {
    return type;
  }

  /** The state file, or null in memory (or when the file could not be used at all). */
  public Path path() {
    return file == null ? null : file.path();
  }

  public BindingStore bindings() {
    return bindings;
  }

  public VisitorStore visitors() {
    return visitors;
  }

  public CounterStore counters() {
    return counters;
  }

  /** Security gateways' SAs and keys. */
  public EspSaStore espSas() {
    return espSas;
  }

  /** NAPTs' mappings: each flow's public port. */
  public NaptMappingStore naptMappings() {
    return naptMappings;
  }

  /** The workgroup membership directory and the workgroup gateways' SAs. */
  public Workgroups workgroups() {
    return workgroups;
  }

  /** SA managers' pairs. */
  public SamPairStore samPairs() {
    return samPairs;
  }

  /** Bounded journals an operator looks back at (the dashboard's timeline and traffic). */
  public HistoryStore histories() {
    return histories;
  }

  /** Writes what is pending and closes the file; the stores are unusable afterwards. */
  @Override
  public void close() {
    if (counters instanceof PersistentCounterStore persistent) {
      persistent.close();
    }
    if (espSas instanceof PersistentEspSaStore persistent) {
      persistent.close();
    }
    if (workgroups.sas() instanceof PersistentWorkgroupSaStore persistent) {
      persistent.close();
    }
    if (file != null) {
      file.close();
    }
  }
}
