package io.mvpn.itests;

import static io.mvpn.itests.Karaf.awaitCondition;
import static io.mvpn.itests.Karaf.awaitService;
import static io.mvpn.itests.Karaf.execute;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.mvpn.aodv.AodvParameters;
import io.mvpn.aodv.MobilityRouter;
import io.mvpn.aodv.MobilityRouterService;
import io.mvpn.aodv.SiteNode;
import io.mvpn.aodv.message.SiteRoutes;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Seed 002 c14-15 and c40-45 in the appliance: acme's and globex's AODV sites from the shipped
 * examples (the MSM, its Diameter node per realm, each site's Diameter client, each tenant's
 * gateway router in the tenant's VRF), with the same site addresses. A node made here, on the
 * site's access link, enters with a hello signed by its key from {@code etc/mvpn-workgroups.yaml};
 * the sink asks the MSM over Diameter and the node gets its site routes, reaches acme's home
 * network through the gateway, and globex's node at the very same address stays in globex.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TenantSiteIT {

  private static final long WAIT_SECONDS = 60;

  /** The shipped examples that make both sites, enabled as the README says. */
  private static final List<String> SITE_EXAMPLES =
      List.of(
          "io.mvpn.msm",
          "io.mvpn.diameter-msm-acme",
          "io.mvpn.diameter-msm-globex",
          "io.mvpn.diameter-sink-acme",
          "io.mvpn.diameter-sink-globex",
          "io.mvpn.aodv-acme-gw",
          "io.mvpn.aodv-acme-r2",
          "io.mvpn.aodv-globex-gw");

  private static final Ipv4Address NODE = Ipv4Address.parse("10.1.200.5");
  private static final Ipv4Address GATEWAY = Ipv4Address.parse("10.1.200.1");
  private static final int SPI = 256;

  @Inject BundleContext context;

  @Inject SessionFactory sessions;

  private final List<Path> enabled = new ArrayList<>();
  private final List<String> nodeInterfaces = new ArrayList<>();
  private FabricService fabric;

  @Configuration
  public Option[] config() {
    return Karaf.distribution(System.getProperty("mvpn.assembly.archive"), "mvpn appliance");
  }

  @After
  public void removeWhatTheTestAdded() throws Exception {
    for (String name : nodeInterfaces) {
      fabric.removeInterface(name);
    }
    nodeInterfaces.clear();
    for (Path cfg : enabled) {
      Files.deleteIfExists(cfg);
    }
  }

  @Test
  public void aNodeAuthenticatedThroughTheMsmGetsItsRoutesAndGlobexsTwinStaysInGlobex()
      throws Exception {
    fabric = awaitService(context, FabricService.class, WAIT_SECONDS);
    assertNotNull("fabric", fabric);
    for (String example : SITE_EXAMPLES) {
      Path cfg = etc().resolve(example + ".cfg");
      Files.copy(
          etc().resolve(example + ".cfg.disabled"), cfg, StandardCopyOption.REPLACE_EXISTING);
      enabled.add(cfg);
    }
    MobilityRouterService acme = router("acme-gw");
    MobilityRouterService globex = router("globex-gw");

    // Carol (acme) enters acme's site; her hello is checked by the MSM over Diameter.
    Node carol = node("tsit-carol", "mem:acme-site-access");
    List<SiteRoutes.Route> routes = enterUntilAdmitted(carol, "carol@acme.example", key("acme"));
    // c43-45: the site's default route via its gateway, the home range at a lower metric.
    assertTrue(
        routes.toString(),
        routes.contains(new SiteRoutes.Route(io.mvpn.api.Prefix.DEFAULT_ROUTE, GATEWAY, 10)));
    assertTrue(
        routes.toString(),
        routes.contains(
            new SiteRoutes.Route(io.mvpn.api.Prefix.parse("10.1.0.0/16"), Ipv4Address.ANY, 1)));
    SiteNode admitted = only(acme.siteNodes());
    assertEquals("carol@acme.example", admitted.identity());
    assertEquals(SiteNode.State.MEMBER, admitted.state());
    assertEquals(NODE, admitted.address());
    // Over Diameter as configured: acme's sink asked, acme's MSM node answered.
    String stats = execute(sessions, "mvpn:diameter stats");
    assertTrue(stats, counted(stats, "sink.acme.example", "requestsSent"));
    assertTrue(stats, counted(stats, "msm.acme.example", "requestsReceived"));

    // The sink's route to her lives in acme's VRF, which takes the site's range (c14).
    assertTrue(acme.routes().toString(), hasRoute(acme.routes(), NODE, "acme-gw-l1"));
    Vrf acmeVrf = fabric.vrf("acme").orElseThrow();
    Route siteRoute = fabric.onLoop(acmeVrf, () -> acmeVrf.lookup(NODE));
    assertEquals("aodv0", siteRoute.via().name());
    Route defaultRoute = fabric.onLoop(acmeVrf, () -> acmeVrf.lookup(Ipv4Address.parse("8.8.8.8")));
    assertTrue(
        "acme's default route stays acme's: " + defaultRoute,
        defaultRoute == null || !"aodv0".equals(defaultRoute.via().name()));

    // Her datagrams reach acme's home network through the gateway and the answers come back.
    assertTrue(
        "carol pings acme's home network",
        awaitCondition(() -> pingAnswered("tsit-carol", "10.1.0.1"), WAIT_SECONDS));

    // Dave (globex) at the very same address enters globex's site: admitted there only.
    Node dave = node("tsit-dave", "mem:globex-site-access");
    enterUntilAdmitted(dave, "dave@globex.example", key("globex"));
    SiteNode inGlobex = only(globex.siteNodes());
    assertEquals("dave@globex.example", inGlobex.identity());
    assertEquals(NODE, inGlobex.address());
    assertEquals("acme's sink knows carol alone", 1, acme.siteNodes().size());
    assertTrue(hasRoute(globex.routes(), NODE, "globex-gw-l1"));
    assertTrue(
        "acme's route to 10.1.200.5 stays carol's", hasRoute(acme.routes(), NODE, "acme-gw-l1"));
    assertTrue(
        "dave pings globex's home network",
        awaitCondition(() -> pingAnswered("tsit-dave", "10.1.0.1"), WAIT_SECONDS));
    String nodes = execute(sessions, "mvpn:aodv nodes");
    assertTrue(
        nodes, nodes.contains("carol@acme.example") && nodes.contains("dave@globex.example"));
  }

  /** A node of a site: a VRF of its own on the site's access link, running the AODV engine. */
  private record Node(Vrf vrf, MobilityRouter engine, String link) {}

  /**
   * Enters with a signed hello, again every second (a new timestamp each time) until the sink
   * advertises the routes: the Diameter peers may still be opening when the first one goes.
   */
  private List<SiteRoutes.Route> enterUntilAdmitted(Node node, String identity, byte[] key)
      throws Exception {
    List<List<SiteRoutes.Route>> last = new ArrayList<>(List.of(List.of()));
    long[] lastTry = {System.nanoTime() - 2_000_000_000L};
    boolean admitted =
        awaitCondition(
            () -> {
              if (System.nanoTime() - lastTry[0] > 1_000_000_000L) {
                lastTry[0] = System.nanoTime();
                fabric.onLoop(
                    node.vrf(), () -> node.engine().enterSite(node.link(), identity, SPI, key));
              }
              List<SiteRoutes.Route> r = fabric.onLoop(node.vrf(), node.engine()::siteRoutes);
              last.set(0, r);
              return !r.isEmpty();
            },
            WAIT_SECONDS);
    assertTrue(identity + " admitted; sinks saw " + nodesOfAllSinks(), admitted);
    return last.get(0);
  }

  private Node node(String name, String transport) throws Exception {
    String link = name + "-l0";
    Vrf vrf = fabric.createVrf(name);
    fabric.configureInterface(name, link, NODE + "/32", transport, List.of());
    nodeInterfaces.add(link);
    assertTrue(
        link,
        awaitCondition(
            () -> fabric.onLoop(vrf, () -> vrf.getInterface(link) != null), WAIT_SECONDS));
    MobilityRouter engine =
        fabric.onLoop(
            vrf,
            () -> {
              MobilityRouter r =
                  new MobilityRouter(
                      NODE, vrf, List.of(vrf.getInterface(link)), AodvParameters.defaults());
              r.start();
              return r;
            });
    return new Node(vrf, engine, link);
  }

  private MobilityRouterService router(String name) throws Exception {
    Object service =
        awaitService(
            context,
            "(&(objectClass=" + MobilityRouterService.class.getName() + ")(name=" + name + "))",
            WAIT_SECONDS);
    assertNotNull(name, service);
    return (MobilityRouterService) service;
  }

  private String nodesOfAllSinks() {
    try {
      return execute(sessions, "mvpn:aodv nodes") + execute(sessions, "mvpn:diameter peers");
    } catch (Exception e) {
      return e.toString();
    }
  }

  private boolean pingAnswered(String vrf, String address) {
    try {
      String out = execute(sessions, "mvpn:ping -c 3 " + vrf + " " + address);
      Matcher m = Pattern.compile("(\\d+) received").matcher(out);
      return m.find() && Integer.parseInt(m.group(1)) > 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Whether the stats block of {@code node} shows a positive {@code counter}. */
  private static boolean counted(String stats, String node, String counter) {
    int at = stats.indexOf(node + " (");
    if (at < 0) {
      return false;
    }
    Matcher m = Pattern.compile("(?m)^\\s+" + counter + "\\s+(\\d+)").matcher(stats);
    return m.find(at) && Long.parseLong(m.group(1)) > 0;
  }

  private static boolean hasRoute(List<RouteEntry> routes, Ipv4Address to, String link) {
    return routes.stream()
        .anyMatch(r -> r.destination().equals(to) && link.equals(r.networkInterface()));
  }

  private static <T> T only(List<T> items) {
    assertEquals(items.toString(), 1, items.size());
    return items.get(0);
  }

  /** The tenant's example node's hello key, as the shipped setup file holds it. */
  private static byte[] key(String tenant) throws Exception {
    Pattern member =
        Pattern.compile(
            "tenant: " + tenant + ", address: 10\\.1\\.200\\.5,[^}]*helloKey: ([0-9a-f]+)\\}",
            Pattern.DOTALL);
    Matcher m = member.matcher(Files.readString(etc().resolve("mvpn-workgroups.yaml")));
    assertTrue("a hello key for " + tenant + "'s site node", m.find());
    return HexFormat.of().parseHex(m.group(1));
  }

  private static Path etc() {
    return Path.of(System.getProperty("karaf.etc"));
  }
}
