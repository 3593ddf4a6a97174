package io.mvpn.workgroup.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.WorkgroupListener;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.ike.CaService;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.Credential;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.workgroup.StoredInboundSas;
import io.mvpn.workgroup.WorkgroupCounter;
import io.mvpn.workgroup.WorkgroupFilter;
import io.mvpn.workgroup.WorkgroupGateway;
import io.mvpn.workgroup.WorkgroupGatewayService;
import io.mvpn.workgroup.keying.GatewayKeying;
import io.mvpn.workgroup.keying.KeyingCredentials;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's workgroup gateway, from {@code etc/io.mvpn.workgroup.gateway-<name>.cfg} (seed 002
 * c2-c12): between the tenant's VRF and an outside VRF of its own on the backbone, where it owns a
 * public address. It tunnels the realm's traffic for the other members' gateways in IP-IP, admits
 * what arrives only through SAs keyed by IKEv2 and the realm-indexed filter, and keys those SAs
 * with a certificate from the appliance CA naming its public address. Its peers are the gateways
 * the membership directory names, followed as members come and go. Its SAs are written through to
 * the {@link WorkgroupSaStore} and restored from there by the next instance, so an update of this
 * bundle or a restart keeps the parties' ESP coming in without a new key exchange.
 */
@Component(
    configurationPid = WorkgroupGatewayInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = WorkgroupGatewayService.class)
@Designate(ocd = WorkgroupGatewayInstance.Config.class, factory = true)
public final class WorkgroupGatewayInstance implements WorkgroupGatewayService {

  public static final String PID = "io.mvpn.workgroup.gateway";

  private static final Logger LOG = LoggerFactory.getLogger(WorkgroupGatewayInstance.class);

  @ObjectClassDefinition(name = "mvpn workgroup gateway")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Names its outside VRF and interface")
    String name();

    @AttributeDefinition(name = "Tenant", description = "The tenant whose realm it guards")
    String tenant();

    @AttributeDefinition(name = "Public address", description = "a.b.c.d/len on the backbone")
    String outside_address();

    @AttributeDefinition(name = "Outside transport", description = "e.g. mem:backbone")
    String outside_transport();

    @AttributeDefinition(name = "Outside routes", description = "PREFIX via NEXTHOP, ...")
    String[] outside_routes() default {};

    @AttributeDefinition(
        name = "Realm",
        description = "The tenant's prefixes other members may reach, comma-separated")
    String[] realm();

    @AttributeDefinition(
        name = "Sequence reservation",
        description =
            "Sequence numbers each SA reserves in the store ahead of what it accepted; after a"
                + " crash a restored SA refuses up to this many of the party's next packets")
    int sequenceReservation() default StoredInboundSas.DEFAULT_INTERVAL;
  }

  @Reference FabricService fabric;

  @Reference WorkgroupService directory;

  @Reference CaService ca;

  // The SAs and their sequence reservations outlive this bundle there (blueprint principle 6).
  @Reference WorkgroupSaStore saStore;

  private String name;
  private MvpnId tenant;
  private Ipv4Address address;
  private Vrf outside;
  private WorkgroupGateway gateway;
  private GatewayKeying keying;
  private StoredInboundSas storedSas;
  private volatile boolean running;
  // Told on whichever thread changed the directory: queued to the gateway's loop, never waited on.
  private final WorkgroupListener peersFollow =
      e ->
          outside
              .scheduler()
              .execute(
                  () -> {
                    if (running) {
                      addPeers();
                    }
                  });

  @Activate
  void activate(Config config) {
    name = config.name();
    tenant = MvpnId.of(config.tenant());
    outside = fabric.createVrf(name + "-outside");
    fabric.configureInterface(
        outside.name(),
        name + "-outside",
        config.outside_address(),
        config.outside_transport(),
        ConfigList.items(config.outside_routes()));
    address = Ipv4Address.parse(config.outside_address().split("/")[0].trim());
    String commonName = name + "." + tenant;
    Credential credential =
        ca.credential(commonName)
            .orElseGet(() -> ca.issue(commonName, List.of(address), List.of()));
    List<TrafficSelector> realm = new ArrayList<>();
    for (String p : ConfigList.items(config.realm())) {
      realm.add(TrafficSelector.ipv4(Prefix.parse(p)));
    }
    Vrf inside = fabric.tenantVrf(tenant);
    KeyingCredentials credentials =
        new KeyingCredentials(credential, ca.validator(), Instant::now, new SecureRandom());
    long epochOffset = fabric.epochOffsetNanos();
    int restored =
        fabric.onLoop(
            outside,
            () -> {
              gateway =
                  new WorkgroupGateway(
                      address, inside, outside, new WorkgroupFilter(tenant, directory));
              gateway.start();
              // Restored in the same task as the start: no packet reaches the gateway before.
              storedSas =
                  new StoredInboundSas(
                      saStore,
                      name,
                      () -> epochOffset + outside.scheduler().nanoTime(),
                      config.sequenceReservation());
              int n = storedSas.restore(gateway, outside.scheduler(), this::stillBehind);
              gateway.writeThrough(storedSas);
              keying =
                  new GatewayKeying(gateway, directory, credentials, realm, outside.scheduler());
              keying.start();
              running = true;
              return n;
            });
    // Listening first, then reading: a change in between is not missed.
    directory.addListener(peersFollow);
    onLoop(this::addPeers);
    LOG.info(
        "workgroup gateway {} of {} at {} with {} restored SAs", name, tenant, address, restored);
  }

  @Deactivate
  void deactivate(int reason) {
    directory.removeListener(peersFollow);
    boolean deleted = reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED;
    onLoop(
        () -> {
          running = false;
          if (deleted) {
            // The gateway goes for good: its parties learn at once, and the store forgets its SAs.
            keying.close();
          } else {
            // An update or a restart: the parties keep their SAs for the next instance.
            keying.detach();
          }
          gateway.stop();
          // Stopped in order: the next instance refuses exactly what this one accepted.
          storedSas.release();
          gateway.filter().close();
          return null;
        });
    fabric.removeInterface(name + "-outside");
  }

  /** Whether a stored SA's party is still the directory's member behind its tunnel source. */
  private boolean stillBehind(StoredWorkgroupSa sa) {
    return directory
        .member(sa.party())
        .map(m -> m.gatewayAddress().equals(sa.tunnelSource()))
        .orElse(false);
  }

  /** Every gateway a member of the directory sits behind, but ours (c4, c5); no other. */
  private Void addPeers() {
    gateway.setPeerGateways(
        directory.members().stream().map(Member::gatewayAddress).collect(Collectors.toSet()));
    return null;
  }

  private <T> T onLoop(java.util.function.Supplier<T> action) {
    return fabric.onLoop(outside, action);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String tenant() {
    return tenant.toString();
  }

  @Override
  public String publicAddress() {
    return address.toString();
  }

  @Override
  public List<String> peers() {
    return onLoop(() -> gateway.peers().stream().map(Ipv4Address::toString).toList());
  }

  @Override
  public Map<WorkgroupCounter, Long> counters() {
    return onLoop(
        () -> {
          Map<WorkgroupCounter, Long> out = new EnumMap<>(WorkgroupCounter.class);
          for (WorkgroupCounter c : WorkgroupCounter.values()) {
            out.put(c, gateway.counter(c));
          }
          return out;
        });
  }

  @Override
  public List<InboundSaView> inboundSas() {
    return onLoop(
        () ->
            gateway.inboundSas().stream()
                .map(
                    s ->
                        new InboundSaView(
                            s.tunnelSource().toString(),
                            s.party().tenant() + "/" + s.party().privateAddress(),
                            s.sa().spi(),
                            s.sa().packets()))
                .toList());
  }

  @Override
  public List<String> refusals() {
    return onLoop(
        () -> keying.refusals().stream().map(r -> r.reason() + ": " + r.detail()).toList());
  }
}
