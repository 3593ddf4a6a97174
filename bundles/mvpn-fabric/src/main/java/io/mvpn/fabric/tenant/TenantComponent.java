package io.mvpn.fabric.tenant;

import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.tenant.Tenant;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant configuration's component: it registers the {@link Tenant} service by hand, and only
 * when the configuration reads. A bad one is refused in one log line naming the PID, the field and
 * the reason, and listed by {@code mvpn:info}; the component stays up doing nothing rather than
 * throwing, which would bury that line in the component runtime's stack trace.
 */
// Registered by hand, only for a configuration that reads: said here so resolvers (and the home
// agents' features) know the bundle offers it.
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=io.mvpn.api.tenant.Tenant",
    uses = Tenant.class)
@Component(
    configurationPid = TenantInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
@Designate(ocd = TenantInstance.Config.class, factory = true)
public final class TenantComponent {

  private static final Logger LOG = LoggerFactory.getLogger(TenantComponent.class);

  private final ConfigurationCheck check = new ConfigurationCheck();
  private ServiceRegistration<Tenant> registration;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  @Activate
  void activate(BundleContext context, TenantInstance.Config config, Map<String, Object> props) {
    String pid = String.valueOf(props.get(Constants.SERVICE_PID));
    TenantInstance tenant = check.read(pid, () -> new TenantInstance(config), LOG::error);
    if (tenant != null) {
      registration = context.registerService(Tenant.class, tenant, ServiceProperties.of(props));
    }
  }

  @Deactivate
  void deactivate() {
    if (registration != null) {
      registration.unregister();
      registration = null;
    }
    check.withdraw();
  }
}
