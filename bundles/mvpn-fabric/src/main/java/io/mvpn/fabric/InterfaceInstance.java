package io.mvpn.fabric;

import io.mvpn.api.config.ConfigList;
import io.mvpn.net.fabric.FabricService;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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

  @Reference FabricService fabric;

  private String name;

  @Activate
  void activate(Config config) {
    List<String> routes = ConfigList.items(config.routes());
    fabric.configureInterface(
        config.vrf(), config.name(), config.address(), config.transport(), routes);
    name = config.name();
  }

  @Deactivate
  void deactivate() {
    if (name != null) {
      fabric.removeInterface(name);
    }
  }
}
