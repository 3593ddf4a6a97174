package io.mvpn.api.config;

import java.util.Objects;

/**
 * A configuration a function refused to run with.
 *
 * @param pid the configuration's PID, such as {@code io.mvpn.tenant~acme}
 * @param field the key as spelled in the {@code .cfg} file
 * @param reason why its value was refused
 */
public record RejectedConfiguration(String pid, String field, String reason) {

  public RejectedConfiguration {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(reason, "reason");
  }

  /** The one line an operator reads in the log. */
  @Override
  public String toString() {
    return "configuration " + pid + " rejected: " + field + ": " + reason;
  }
}
