package io.mvpn.fabric.tenant;

import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.tenant.Tenant;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant, made from one factory configuration: {@code etc/io.mvpn.tenant-acme.cfg} becomes PID
 * {@code io.mvpn.tenant~acme} and one instance of this component. The configuration's {@code
 * mvpn.tenant} key doubles as the service property every per-tenant service carries.
 */
@Component(
    configurationPid = TenantInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = Tenant.class)
@Designate(ocd = TenantInstance.Config.class, factory = true)
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

  /** Refuses a bad configuration: SCR then logs the error and registers no tenant. */
  @Activate
  public TenantInstance(Config config) {
    this.id = MvpnId.of(config.mvpn_tenant());
    this.description = config.description();
    this.homeRealms =
        Arrays.stream(config.homeRealms())
            .flatMap(value -> Arrays.stream(value.split("[,\\s]+")))
            .filter(text -> !text.isEmpty())
            .map(Prefix::parse)
            .sorted()
            .distinct()
            .toList();
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
