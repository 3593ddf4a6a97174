package io.mvpn.fabric;

import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.net.fabric.FabricService;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured interface: {@code etc/io.mvpn.interface-acme-lan.cfg} puts interface {@code
 * acme-lan} into its VRF for as long as the file (and the VRF's tenant) exists.
 */
@Component(
    configurationPid = InterfaceInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = InterfaceInstance.class)
@Designate(ocd = InterfaceInstance.Config.class, factory = true)
public final class InterfaceInstance {

  public static final String PID = "io.mvpn.interface";

  @ObjectClassDefinition(name = "mvpn interface", description = "One interface of a VRF")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Unique across VRFs, e.g. acme-lan")
    String name();

    @AttributeDefinition(name = "VRF", description = "public, or a tenant id")
    String vrf();

    @AttributeDefinition(name = "Address", description = "a.b.c.d/len")
    String address();

    @AttributeDefinition(
        name = "Transport",
        description =
            "mem:SEGMENT, udp:LOCALIP:PORT->REMOTEIP:PORT, host:BINDIP:VRFPORT=HOSTPORT[,...]"
                + " or tun:DEVICE[,mtu=BYTES][,queues=N][,offload=on|off]")
    String transport();

    @AttributeDefinition(
        name = "Routes",
        description = "Comma-separated; each PREFIX (on this link) or PREFIX via NEXTHOP")
    String[] routes() default {};
  }

  private static final Logger LOG = LoggerFactory.getLogger(InterfaceInstance.class);

  @Reference FabricService fabric;

  private final ConfigurationCheck check = new ConfigurationCheck();
  private String name;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  /** A bad field is one ERROR line and a row of mvpn:info, and no interface; never a throw. */
  @Activate
  void activate(Config config, Map<String, Object> properties) {
    List<String> routes = ConfigList.items(config.routes());
    name =
        check.read(
            String.valueOf(properties.get(Constants.SERVICE_PID)),
            () -> {
              fabric.configureInterface(
                  config.vrf(), config.name(), config.address(), config.transport(), routes);
              return config.name();
            },
            LOG::error);
  }

  @Deactivate
  void deactivate() {
    if (name != null) {
      fabric.removeInterface(name);
    }
    check.withdraw();
  }
}
