package io.mvpn.backbone.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.dns.WorkgroupDns;
import io.mvpn.api.napt.NaptService;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantEvent;
import io.mvpn.api.tenant.TenantListener;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.api.workgroup.CallerVerifier;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.backbone.BackboneService;
import io.mvpn.backbone.MsmDns;
import io.mvpn.backbone.NaptCallerVerifier;
import io.mvpn.backbone.NaptGateway;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.ipv4.IpProtocol;
import java.net.InetSocketAddress;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common backbone router, from {@code etc/io.mvpn.backbone.cfg} (seed 002 c19-22): a VRF {@code
 * backbone} that the listed tenants' VRFs reach through the {@link NaptService}, with the mobile
 * service manager's address on it where the {@link WorkgroupDns} answers on port 53 as the member
 * behind each query's NAPT port. Both services are referenced dynamically: either bundle can be
 * updated in place, and this router re-binds without restarting.
 */
@Component(
    configurationPid = BackboneRouter.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {BackboneService.class, CallerVerifier.class})
@Designate(ocd = BackboneRouter.Config.class)
public final class BackboneRouter implements BackboneService, CallerVerifier {

  public static final String PID = "io.mvpn.backbone";

  private static final Logger LOG = LoggerFactory.getLogger(BackboneRouter.class);

  @ObjectClassDefinition(name = "mvpn backbone router")
  public @interface Config {
    @AttributeDefinition(
        description = "The mobile service manager's address (DNS on 53); empty: none")
    String msmAddress() default "";

    @AttributeDefinition(description = "Tenants whose VRFs reach the backbone, comma-separated")
    String[] tenants();
  }

  @Reference FabricService fabric;

  @Reference TenantService tenantService;

  private Vrf backbone;
  private NaptGateway gateway;
  private MsmDns dns;
  private CallerVerifier callers;
  private final TenantListener realmFence = this::fence;
  // Bound before activation, or between bind and the loop picking it up.
  private volatile NaptService napt;
  private volatile WorkgroupDns workgroupDns;

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindNapt(NaptService service) {
    napt = service;
    onLoopIfActive(() -> gateway.use(service));
  }

  void unbindNapt(NaptService service) {
    if (napt == service) {
      napt = null;
    }
    onLoopIfActive(() -> gateway.release(service));
  }

  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindDns(WorkgroupDns service) {
    workgroupDns = service;
    onLoopIfActive(
        () -> {
          if (dns != null) {
            dns.use(service);
          }
        });
  }

  void unbindDns(WorkgroupDns service) {
    if (workgroupDns == service) {
      workgroupDns = null;
    }
    onLoopIfActive(
        () -> {
          if (dns != null) {
            dns.release(service);
          }
        });
  }

  @Activate
  void activate(Config config) {
    Vrf vrf = fabric.createVrf("backbone");
    List<MvpnId> tenants = ConfigList.items(config.tenants()).stream().map(MvpnId::of).toList();
    List<Vrf> tenantVrfs = tenants.stream().map(fabric::tenantVrf).toList();
    backbone = vrf;
    fabric.onLoop(
        vrf,
        () -> {
          gateway = new NaptGateway(vrf);
          for (int i = 0; i < tenants.size(); i++) {
            gateway.attach(tenants.get(i), tenantVrfs.get(i));
            gateway.fence(
                tenants.get(i),
                tenantService.getTenant(tenants.get(i)).map(Tenant::homeRealms).orElse(List.of()));
          }
          NaptService n = napt;
          if (n != null) {
            gateway.use(n);
          }
          if (!config.msmAddress().isBlank()) {
            dns = new MsmDns(vrf, Ipv4Address.parse(config.msmAddress().trim()), gateway);
            WorkgroupDns d = workgroupDns;
            if (d != null) {
              dns.use(d);
            }
          }
          return null;
        });
    tenantService.addListener(realmFence);
    callers =
        new NaptCallerVerifier(
            () -> fabric.onLoop(vrf, gateway::publicAddress),
            port -> fabric.onLoop(vrf, () -> gateway.insideOf(IpProtocol.TCP, port)));
    LOG.info("backbone up for tenants {}", tenants);
  }

  /**
   * Applies a service change on the backbone's loop once activation has made the router; one that
   * comes earlier is picked up by activation itself, which reads the fields on the same loop.
   */
  private void onLoopIfActive(Runnable change) {
    Vrf vrf = backbone;
    if (vrf != null) {
      fabric.onLoop(
          vrf,
          () -> {
            if (gateway != null) {
              change.run();
            }
            return null;
          });
    }
  }

  /** A tenant's realms changed (its cfg was edited): the fence follows. */
  private void fence(TenantEvent event) {
    Tenant tenant = event.tenant();
    List<Prefix> realms = event.type() == TenantEvent.Type.ADDED ? tenant.homeRealms() : List.of();
    onLoopIfActive(() -> gateway.fence(tenant.id(), realms));
  }

  @Deactivate
  void deactivate() {
    tenantService.removeListener(realmFence);
    Vrf vrf = backbone;
    backbone = null;
    fabric.onLoop(
        vrf,
        () -> {
          if (dns != null) {
            dns.close();
          }
          gateway.close();
          return null;
        });
  }

  /** c20-21: the portal's caller must be the member behind the connection's NAPT port. */
  @Override
  public boolean mayAct(MemberId member, InetSocketAddress remote) {
    return callers.mayAct(member, remote);
  }

  @Override
  public List<MvpnId> tenants() {
    return fabric.onLoop(backbone, gateway::tenants);
  }

  @Override
  public boolean translating() {
    return fabric.onLoop(backbone, () -> gateway.napt().isPresent());
  }

  @Override
  public long withoutNapt() {
    return fabric.onLoop(backbone, gateway::withoutNapt);
  }

  @Override
  public long toOwnRealm() {
    return fabric.onLoop(backbone, gateway::toOwnRealm);
  }

  @Override
  public boolean answeringDns() {
    return fabric.onLoop(backbone, () -> dns != null && dns.serving());
  }

  @Override
  public long dnsAnswered() {
    return fabric.onLoop(backbone, () -> dns == null ? 0L : dns.answered());
  }

  @Override
  public long dnsUnanswered() {
    return fabric.onLoop(backbone, () -> dns == null ? 0L : dns.unanswered());
  }
}
