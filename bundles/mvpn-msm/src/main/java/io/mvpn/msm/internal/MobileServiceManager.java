package io.mvpn.msm.internal;

import io.mvpn.api.aaa.Authorization;
import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.aaa.HelloCredentials;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.api.workgroup.CallerVerifier;
import io.mvpn.api.workgroup.WorkgroupService;
import io.mvpn.msm.PortalServer;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.msm.WorkgroupPortal;
import io.mvpn.msm.WorkgroupSetup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * The mobile service manager of the appliance, from {@code etc/io.mvpn.msm.cfg}: fills the
 * workgroup directory from the operator's setup file and serves the workgroup portal; and, as the
 * {@link NodeAuthority} a Diameter node answers AA-Requests with, checks the authenticated hellos
 * of nodes entering the tenants' AODV sites against their hello keys (seed 002 c41).
 */
@Component(
    configurationPid = MobileServiceManager.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = NodeAuthority.class,
    property = "mvpn.authority=msm")
@Designate(ocd = MobileServiceManager.Config.class)
public final class MobileServiceManager implements NodeAuthority {

  public static final String PID = "io.mvpn.msm";

  private static final Logger LOG = LoggerFactory.getLogger(MobileServiceManager.class);

  @ObjectClassDefinition(name = "mvpn mobile service manager")
  public @interface Config {
    @AttributeDefinition(
        description = "The workgroup setup file (YAML), e.g. etc/mvpn-workgroups.yaml")
    String setup();

    @AttributeDefinition(description = "Where the portal listens, HOST:PORT")
    String portal_bind() default "127.0.0.1:8181";
  }

  @Reference WorkgroupService directory;

  /** The backbone router, when there is one: it tells who is behind a NAPT port (c20-21). */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile CallerVerifier callerVerifier;

  /** The appliance CA, when there is one: the certificates sinks fetch over Diameter (c56). */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile CertificateDirectory certificates;

  private SiteAuthority sites;
  private EventLoopGroup group;
  private PortalServer server;
  private WorkgroupPortal portal;

  @Activate
  void activate(Config config) throws Exception {
    WorkgroupSetup setup = WorkgroupSetup.read(Path.of(config.setup()));
    portal = new WorkgroupPortal(directory, setup.admitted());
    portal.setCallerVerifier(
        (member, remote) -> {
          CallerVerifier v = callerVerifier;
          return v == null || v.mayAct(member, remote);
        });
    setup.applyTo(directory, portal);
    sites = new SiteAuthority(directory);
    setup.applyTo(sites);
    sites.setCertificates(
        (name, answer) -> {
          CertificateDirectory d = certificates;
          (d == null ? CertificateDirectory.NONE : d).certificates(name, answer);
        });
    String bind = config.portal_bind();
    int colon = bind.lastIndexOf(':');
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      server =
          PortalServer.start(
              portal,
              new InetSocketAddress(
                  bind.substring(0, colon), Integer.parseInt(bind.substring(colon + 1))),
              group);
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      portal.close();
      throw e;
    }
    LOG.info(
        "mobile service manager: {} members, {} workgroups, portal on {}",
        setup.members().size(),
        setup.workgroups().size(),
        server.address());
  }

  /** Seed 002 c41: a node entering one of the tenants' AODV sites, as a sink relays its hello. */
  @Override
  public void authorize(HelloCredentials credentials, Consumer<Authorization> answer) {
    sites.authorize(credentials, answer);
  }

  /** Seed 002 c50-52: a node a sink authenticated by a certificate of this MSM's CA. */
  @Override
  public void authorizeCertified(CertifiedNode node, Consumer<Authorization> answer) {
    sites.authorizeCertified(node, answer);
  }

  /** Seed 002 c56: the certificates the appliance CA issued under a member's name of the realm. */
  @Override
  public void certificates(
      String siteRealm, String dnsName, Consumer<java.util.List<byte[]>> answer) {
    sites.certificates(siteRealm, dnsName, answer);
  }

  @Deactivate
  void deactivate() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    portal.close();
  }
}
