package io.mvpn.fabric.tenant;

import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.tenant.Tenant;
import java.util.List;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant, made from one factory configuration: {@code etc/io.mvpn.tenant-acme.cfg} becomes PID
 * {@code io.mvpn.tenant~acme}, read into one instance of this class by a {@link TenantComponent}.
 * The configuration's {@code mvpn.tenant} key doubles as the service property every per-tenant
 * service carries.
 */
public final class TenantInstance implements Tenant {

  public static final String PID = "io.mvpn.tenant";

  @ObjectClassDefinition(
      name = "mvpn tenant",
      description = "One M-VPN (a company) served by this appliance")
  public @interface Config {
    @AttributeDefinition(
        name = "Tenant id",
        description = "Lower-case letters, digits and inner dashes, e.g. acme")
    String mvpn_tenant();

    @AttributeDefinition(name = "Description")
    String description() default "";

    @AttributeDefinition(
        name = "Home realms",
        description =
            "The tenant's private prefixes, comma-separated in a .cfg file; they may overlap"
                + " other tenants'")
    String[] homeRealms() default {};
  }

  private static final Logger LOG = LoggerFactory.getLogger(TenantInstance.class);

  private final MvpnId id;
  private final String description;
  private final List<Prefix> homeRealms;

  /**
   * Reads a configuration.
   *
   * @throws InvalidConfigurationException naming the field whose value it cannot take
   */
  public TenantInstance(Config config) {
    this.id =
        InvalidConfigurationException.read("mvpn.tenant", () -> MvpnId.of(config.mvpn_tenant()));
    this.description = config.description();
    this.homeRealms =
        InvalidConfigurationException.read(
            "homeRealms",
            () ->
                ConfigList.words(config.homeRealms()).stream()
                    .map(Prefix::parse)
                    .sorted()
                    .distinct()
                    .toList());
    LOG.info("tenant {} up, home realms {}", id, homeRealms);
  }

  @Override
  public MvpnId id() {
    return id;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public List<Prefix> homeRealms() {
    return homeRealms;
  }

  @Override
  public String toString() {
    return "Tenant[" + id + " " + homeRealms + "]";
  }
}
