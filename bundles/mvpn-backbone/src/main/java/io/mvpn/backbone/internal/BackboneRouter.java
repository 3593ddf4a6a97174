package io.mvpn.backbone.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.CallerVerifier;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.backbone.BackboneService;
import io.mvpn.backbone.NaptCallerVerifier;
import io.mvpn.dns.WorkgroupZone;
import io.mvpn.net.FabricService;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.net.nat.TenantNapt;
import io.mvpn.packet.ipv4.IpProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * The common backbone router, from {@code etc/io.mvpn.backbone.cfg} (seed 002 c19-22): a VRF {@code
 * backbone} that the listed tenants' VRFs reach through a NAPT keyed by tenant (UDP and TCP), with
 * the mobile service manager's address on it and the workgroup DNS on port 53, which asks the NAPT
 * who is behind each query's port.
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
    @AttributeDefinition(description = "The NAPT's public address")
    String publicAddress();

    @AttributeDefinition(
        description = "The mobile service manager's address (DNS on 53); empty: none")
    String msmAddress() default "";

    @AttributeDefinition(description = "Tenants whose VRFs reach the backbone, comma-separated")
    String[] tenants();

    int firstPort() default 40000;

    int lastPort() default 49999;

    @AttributeDefinition(description = "Idle timeout of a UDP mapping, seconds")
    int idleTimeoutSeconds() default 120;

    @AttributeDefinition(
        description = "Idle timeout of an established TCP connection's mapping, seconds (>= 7440)")
    int tcpEstablishedTimeoutSeconds() default 7440;

    @AttributeDefinition(
        description = "Idle timeout of a TCP mapping being opened or closed, seconds")
    int tcpTransitoryTimeoutSeconds() default 240;
  }

  @Reference FabricService fabric;

  @Reference WorkgroupService directory;

  private Vrf backbone;
  private TenantNapt napt;
  private CallerVerifier callers;
  private Registration dns;
  private long dnsAnswered;

  @Activate
  void activate(Config config) {
    backbone = fabric.createVrf("backbone");
    List<MvpnId> tenants = new ArrayList<>();
    Arrays.stream(config.tenants())
        .flatMap(v -> Arrays.stream(v.split(",")))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .forEach(t -> tenants.add(MvpnId.of(t)));
    Ipv4Address publicAddress = Ipv4Address.parse(config.publicAddress());
    List<Vrf> tenantVrfs = tenants.stream().map(fabric::tenantVrf).toList();
    fabric.onLoop(
        backbone,
        () -> {
          napt =
              new TenantNapt(
                  backbone,
                  publicAddress,
                  config.firstPort(),
                  config.lastPort(),
                  new TenantNapt.Timeouts(
                      Duration.ofSeconds(config.idleTimeoutSeconds()),
                      Duration.ofSeconds(config.tcpEstablishedTimeoutSeconds()),
                      Duration.ofSeconds(config.tcpTransitoryTimeoutSeconds())));
          for (int i = 0; i < tenants.size(); i++) {
            napt.attach(tenants.get(i), tenantVrfs.get(i));
          }
          if (!config.msmAddress().isBlank()) {
            backbone.addLocalAddress(Ipv4Address.parse(config.msmAddress()));
            dns = backbone.bindUdp(53, (v, in, d) -> answer(v, d));
          }
          return null;
        });
    callers =
        new NaptCallerVerifier(
            publicAddress,
            port -> fabric.onLoop(backbone, () -> napt.insideOf(IpProtocol.TCP, port)));
    LOG.info("backbone up at {} for tenants {}", publicAddress, tenants);
  }

  /** c21: the asker is the member behind the query's NAPT port; anyone else gets nothing. */
  private void answer(Vrf v, io.mvpn.packet.udp.UdpDatagram d) {
    var inside = napt.insideOf(d.sourcePort());
    if (inside.isEmpty()) {
      return;
    }
    byte[] reply =
        new WorkgroupZone(directory)
            .answer(
                ByteBufUtil.getBytes(d.payload()),
                new MemberId(inside.get().tenant(), inside.get().address()),
                WorkgroupZone.Transport.UDP);
    if (reply == null) {
      return;
    }
    dnsAnswered++;
    ByteBuf out = Unpooled.wrappedBuffer(reply);
    v.sendUdp(
        Ipv4Address.of(d.ip().destination()),
        Ipv4Address.of(d.ip().source()),
        53,
        d.sourcePort(),
        out);
    out.release();
  }

  @Deactivate
  void deactivate() {
    fabric.onLoop(
        backbone,
        () -> {
          if (dns != null) {
            dns.close();
          }
          napt.close();
          return null;
        });
  }

  /** c20-21: the portal's caller must be the member behind the connection's NAPT port. */
  @Override
  public boolean mayAct(MemberId member, InetSocketAddress remote) {
    return callers.mayAct(member, remote);
  }

  @Override
  public List<TenantNapt.MappingView> mappings() {
    return fabric.onLoop(backbone, napt::mappings);
  }

  @Override
  public List<MvpnId> tenants() {
    return fabric.onLoop(backbone, napt::tenants);
  }

  @Override
  public long translated() {
    return fabric.onLoop(backbone, napt::translated);
  }

  @Override
  public long exhausted() {
    return fabric.onLoop(backbone, napt::exhausted);
  }

  @Override
  public long dropped() {
    return fabric.onLoop(backbone, napt::dropped);
  }

  @Override
  public long dnsAnswered() {
    return fabric.onLoop(backbone, () -> dnsAnswered);
  }
}
