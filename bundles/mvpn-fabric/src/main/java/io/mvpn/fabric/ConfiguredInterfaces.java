package io.mvpn.fabric;

import io.mvpn.api.config.ConfigList;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interfaces configured in Config Admin ({@code etc/io.mvpn.interface-*.cfg}), read by a new
 * fabric before it offers its service. Each has its {@link InterfaceInstance} component too, but
 * those start only after the fabric's service is there, and so after the functions that use the
 * service: without this, after an update of the fabric a function would run for a moment on a VRF
 * whose links were not up yet, and what it sent then (a foreign agent relaying a registration, say)
 * would be lost until its sender retransmitted.
 */
final class ConfiguredInterfaces {

  private static final Logger LOG = LoggerFactory.getLogger(ConfiguredInterfaces.class);

  /** One interface's settings, as {@link InterfaceInstance.Config} names them. */
  record Settings(String vrf, String name, String address, String transport, List<String> routes) {}

  private ConfiguredInterfaces() {}

  /** Every interface configuration Config Admin holds; empty without one or on error. */
  static List<Settings> read(ConfigurationAdmin configurations) {
    List<Settings> all = new ArrayList<>();
    if (configurations == null) {
      return all;
    }
    Configuration[] found;
    try {
      found =
          configurations.listConfigurations("(service.factoryPid=" + InterfaceInstance.PID + ")");
    } catch (Exception e) {
      LOG.warn("interface configurations not readable ahead of their components: {}", e.toString());
      return all;
    }
    for (Configuration c : found == null ? new Configuration[0] : found) {
      Dictionary<String, Object> p = c.getProperties();
      if (p == null) {
        continue;
      }
      all.add(
          new Settings(
              text(p.get("vrf")),
              text(p.get("name")),
              text(p.get("address")),
              text(p.get("transport")),
              ConfigList.items(routes(p.get("routes")))));
    }
    return all;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String[] routes(Object value) {
    if (value == null) {
      return new String[0];
    }
    if (value instanceof String[] a) {
      return a;
    }
    if (value instanceof java.util.Collection<?> c) {
      return c.stream().map(Object::toString).toArray(String[]::new);
    }
    return new String[] {value.toString()};
  }
}
