package io.mvpn.api.config;

import java.util.List;

/**
 * The configurations functions refused, as {@code mvpn:info} lists them. A function that refuses
 * its configuration logs one line, reports it here and runs nothing; when a later configuration
 * with the same PID is accepted, or the configuration is deleted, it withdraws the report.
 */
public interface ConfigurationErrors {

  /** Records a refusal, replacing an earlier one of the same PID. */
  void rejected(RejectedConfiguration rejection);

  /** Forgets the refusal of this PID, if any: its configuration is accepted or gone. */
  void withdrawn(String pid);

  /** The refusals in force, by PID. */
  List<RejectedConfiguration> rejections();
}
