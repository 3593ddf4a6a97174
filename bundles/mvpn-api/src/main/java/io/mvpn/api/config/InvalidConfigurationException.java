package io.mvpn.api.config;

import java.util.function.Supplier;

/**
 * A configuration value a function cannot run with: which field, and why. It carries no stack trace
 * (it is bad input, not a fault of the code), so whoever catches it can say everything in one line:
 * the PID, the field and the reason.
 */
public final class InvalidConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public InvalidConfigurationException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  /** The key as it is spelled in the {@code .cfg} file, such as {@code homeRealms}. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }

  /**
   * Reads one field: whatever the reader refuses with an {@link IllegalArgumentException} (the
   * value types' parsers do) becomes this exception, naming the field.
   */
  public static <T> T read(String field, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (InvalidConfigurationException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(field, String.valueOf(e.getMessage()));
    }
  }

  /** The rejection of the configuration with this PID. */
  public RejectedConfiguration rejection(String pid) {
    return new RejectedConfiguration(pid, field, reason);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
