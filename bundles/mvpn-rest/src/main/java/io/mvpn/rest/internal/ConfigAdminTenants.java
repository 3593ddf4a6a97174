package io.mvpn.rest.internal;

import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.rest.ApiException;
import io.mvpn.rest.TenantConfigurations;
import io.mvpn.rest.TenantSpec;
import io.mvpn.rest.TenantSpec.FactoryConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants as Config Admin factory configurations, and what the API reads of function configurations
 * (a home agent's keys, the foreign agents' names). Tenants are named as the cfg files are: {@code
 * io.mvpn.tenant~NAME}, {@code io.mvpn.homeagent~NAME}, {@code io.mvpn.interface~NAME-mip}. Karaf's
 * file installer writes each one to etc/ as {@code io.mvpn.tenant-NAME.cfg}, so a tenant added
 * through the API survives a restart and reads like one an operator wrote.
 */
final class ConfigAdminTenants implements TenantConfigurations, ServiceView.Configured {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminTenants.class);

  static final String FOREIGN_AGENT_PID = "io.mvpn.foreignagent";

  private final ConfigurationAdmin admin;
  private final CfgFiles files;

  ConfigAdminTenants(ConfigurationAdmin admin, CfgFiles files) {
    this.admin = admin;
    this.files = files;
  }

  @Override
  public synchronized void create(TenantSpec spec, String user) throws ApiException {
    String name = spec.name().toString();
    if (!list(filter(TenantSpec.TENANT_PID, "mvpn.tenant", name)).isEmpty()
        || !list(filter(TenantSpec.HOME_AGENT_PID, "mvpn.tenant", name)).isEmpty()) {
      throw ApiException.conflict("name", "tenant " + name + " is configured already");
    }
    if (!list(filter(TenantSpec.HOME_AGENT_PID, "address", spec.homeAgent().toString()))
        .isEmpty()) {
      throw ApiException.conflict(
          "homeAgent.address", spec.homeAgent() + " is another home agent's address");
    }
    if (spec.registrationPort() > 0) {
      for (Configuration c : list("(service.factoryPid=" + TenantSpec.INTERFACE_PID + ")")) {
        java.util.Dictionary<String, Object> p = c.getProperties();
        if (p == null) {
          continue;
        }
        Object transport = p.get("transport");
        Object ifName = p.get("name");
        if (String.valueOf(transport).matches(".*=" + spec.registrationPort() + "(,.*)?")
            || spec.registrationInterface().equals(ifName)) {
          throw ApiException.conflict(
              "homeAgent.registrationPort",
              "port " + spec.registrationPort() + " or interface of " + name + " is in use");
        }
      }
    }
    for (FactoryConfiguration fc : spec.configurations()) {
      Optional<Path> file = files.file(fc.factoryPid(), fc.name());
      if (file.isPresent() && Files.exists(file.get())) {
        throw ApiException.conflict("name", file.get().getFileName() + " exists already");
      }
    }
    List<Configuration> made = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    try {
      for (FactoryConfiguration fc : spec.configurations()) {
        Hashtable<String, Object> properties = new Hashtable<>(fc.properties());
        Optional<Path> file = files.file(fc.factoryPid(), fc.name());
        if (file.isPresent()) {
          CfgFiles.write(
              file.get(),
              "Added through the REST API by " + user + " at " + Instant.now(),
              fc.properties());
          written.add(file.get());
          properties.put(CfgFiles.FILENAME, CfgFiles.key(file.get()));
        }
        Configuration c = admin.getFactoryConfiguration(fc.factoryPid(), fc.name(), "?");
        made.add(c);
        c.update(properties);
      }
    } catch (IOException | RuntimeException e) {
      made.forEach(ConfigAdminTenants::deleteQuietly);
      written.forEach(ConfigAdminTenants::deleteQuietly);
      throw new IllegalStateException("cannot configure tenant " + name + ": " + e, e);
    }
    LOG.info("tenant {} configured through the REST API: home agent {}", name, spec.homeAgent());
    if (!spec.inlineKeyFields().isEmpty()) {
      // The same advice the cfg path gives, once, naming the fields and not the keys.
      LOG.warn(
          "tenant {} added through the REST API by {}: {} hold keys written inline; store each"
              + " with mvpn:keys add ALIAS --hex - and write {}ALIAS in its place",
          name,
          user,
          String.join(", ", spec.inlineKeyFields()),
          ConfiguredKeys.PREFIX);
    }
  }

  @Override
  public synchronized boolean delete(String tenant) throws ApiException {
    try {
      MvpnId.of(tenant);
    } catch (RuntimeException e) {
      return false;
    }
    List<Configuration> tenantConfigs = list(filter(TenantSpec.TENANT_PID, "mvpn.tenant", tenant));
    if (tenantConfigs.isEmpty()) {
      return false;
    }
    // What runs on the tenant goes first, so nothing sees its tenant vanish under it.
    List<Configuration> order = new ArrayList<>();
    order.addAll(list(filter(TenantSpec.HOME_AGENT_PID, "mvpn.tenant", tenant)));
    order.addAll(
        list(
            "(&(service.factoryPid="
                + TenantSpec.INTERFACE_PID
                + ")(|(vrf="
                + tenant
                + ")(name="
                + tenant
                + "-mip)))"));
    order.addAll(tenantConfigs);
    for (Configuration c : order) {
      Optional<Path> file = CfgFiles.file(c.getProperties());
      try {
        c.delete();
        if (file.isPresent()) {
          Files.deleteIfExists(file.get());
        }
      } catch (IOException | IllegalStateException e) {
        throw new IllegalStateException("cannot delete " + c.getPid() + ": " + e, e);
      }
    }
    LOG.info("tenant {} removed through the REST API ({} configurations)", tenant, order.size());
    return true;
  }

  @Override
  public Optional<ServiceView.HomeAgentSettings> homeAgent(String tenant) {
    return list(filter(TenantSpec.HOME_AGENT_PID, "mvpn.tenant", tenant)).stream()
        .map(Configuration::getProperties)
        .filter(Objects::nonNull)
        .findFirst()
        .map(
            p ->
                new ServiceView.HomeAgentSettings(
                    ConfigList.items(strings(p.get("mobileNodes"))).size(),
                    integer(p.get("maxLifetime"), 600)));
  }

  @Override
  public List<String> foreignAgents() {
    return list("(service.factoryPid=" + FOREIGN_AGENT_PID + ")").stream()
        .map(Configuration::getProperties)
        .filter(Objects::nonNull)
        .map(p -> p.get("name"))
        .filter(Objects::nonNull)
        .map(String::valueOf)
        .sorted()
        .toList();
  }

  @Override
  public Map<String, String> foreignAgentsByCareOf() {
    Map<String, String> byCareOf = new TreeMap<>();
    for (Configuration c : list("(service.factoryPid=" + FOREIGN_AGENT_PID + ")")) {
      Dictionary<String, Object> p = c.getProperties();
      if (p != null && p.get("name") != null && p.get("careOf") != null) {
        // careOf is the agent's address with its prefix length: 203.0.113.11/24.
        String careOf = String.valueOf(p.get("careOf")).strip();
        int slash = careOf.indexOf('/');
        byCareOf.put(
            slash < 0 ? careOf : careOf.substring(0, slash), String.valueOf(p.get("name")));
      }
    }
    return byCareOf;
  }

  /** A property as a cfg file or Config Admin gives it: one string, or several. */
  private static String[] strings(Object value) {
    if (value instanceof String[] many) {
      return many;
    }
    return value == null ? new String[0] : new String[] {String.valueOf(value)};
  }

  private static int integer(Object value, int absent) {
    try {
      return value == null ? absent : Integer.parseInt(String.valueOf(value).strip());
    } catch (NumberFormatException e) {
      return absent;
    }
  }

  /** Names and addresses reaching here were parsed already: no filter metacharacters. */
  private static String filter(String factoryPid, String key, String value) {
    return "(&(service.factoryPid=" + factoryPid + ")(" + key + "=" + value + "))";
  }

  private List<Configuration> list(String filter) {
    try {
      Configuration[] found = admin.listConfigurations(filter);
      return found == null ? List.of() : List.of(found);
    } catch (IOException | InvalidSyntaxException e) {
      throw new IllegalStateException("cannot list configurations " + filter + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot undo {}: {}", file, e.toString());
    }
  }

  private static void deleteQuietly(Configuration c) {
    try {
      c.delete();
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot undo configuration {}: {}", c.getPid(), e.toString());
    }
  }
}
