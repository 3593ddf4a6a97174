package io.mvpn.api.config;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A component's side of {@link ConfigurationErrors}: it reads the configuration, and a refusal
 * becomes one line in the component's error log (no stack trace: the line names PID, field and
 * reason) and a record with the registry, now or when a registry binds later (after an update of
 * its bundle, say). A component holds one, hands it its optional, dynamic reference to the
 * registry, and calls {@link #withdraw} when it deactivates.
 */
public final class ConfigurationCheck {

  private volatile ConfigurationErrors errors;
  private volatile RejectedConfiguration rejection;
  private volatile String pid;

  public void bind(ConfigurationErrors registry) {
    errors = registry;
    RejectedConfiguration refused = rejection;
    if (refused != null) {
      registry.rejected(refused);
    }
  }

  public void unbind(ConfigurationErrors registry) {
    if (errors == registry) {
      errors = null;
    }
  }

  /**
   * Reads the configuration with this PID: the reader's result, or null when it refused a field
   * (logged and recorded).
   *
   * @param errorLog the component's logger at level ERROR
   */
  public <T> T read(String pid, Supplier<T> reader, Consumer<String> errorLog) {
    this.pid = pid;
    try {
      T value = reader.get();
      withdraw();
      return value;
    } catch (InvalidConfigurationException e) {
      RejectedConfiguration refused = e.rejection(pid);
      rejection = refused;
      errorLog.accept(refused.toString());
      ConfigurationErrors registry = errors;
      if (registry != null) {
        registry.rejected(refused);
      }
      return null;
    }
  }

  /** The configuration is gone (or about to be read again): its refusal, if any, goes too. */
  public void withdraw() {
    rejection = null;
    ConfigurationErrors registry = errors;
    if (registry != null && pid != null) {
      registry.withdrawn(pid);
    }
  }
}
