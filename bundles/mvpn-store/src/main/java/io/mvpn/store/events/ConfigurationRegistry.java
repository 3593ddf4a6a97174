package io.mvpn.store.events;

import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.RejectedConfiguration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.osgi.service.component.annotations.Component;

/**
 * The configurations functions refused, by PID, kept here so that they outlive an update of the
 * function that refused them (its next instance reports again, or withdraws).
 */
@Component(immediate = true, service = ConfigurationErrors.class)
public final class ConfigurationRegistry implements ConfigurationErrors {

  private final Map<String, RejectedConfiguration> byPid = new ConcurrentSkipListMap<>();

  @Override
  public void rejected(RejectedConfiguration rejection) {
    byPid.put(rejection.pid(), rejection);
  }

  @Override
  public void withdrawn(String pid) {
    byPid.remove(pid);
  }

  @Override
  public List<RejectedConfiguration> rejections() {
    return List.copyOf(byPid.values());
  }
}
