package io.mvpn.itests;

import static io.mvpn.itests.Karaf.awaitService;
import static io.mvpn.itests.Karaf.execute;
import static io.mvpn.itests.Karaf.updateBundle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.HexFormat;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The appliance's home agents: one per shipped tenant, a registration from a real UDP socket on the
 * host (through the acme-mip host-socket interface), bindings that survive an update of the home
 * agent bundle, and a third tenant's home agent made at runtime through Config Admin.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HomeAgentIT {

  private static final long WAIT_SECONDS = 30;
  private static final String HOME_AGENT = "io.mvpn.homeagent.HomeAgent";
  private static final byte[] ACME_KEY =
      HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  private static final InetSocketAddress ACME_MIP =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 4341);

  @Inject BundleContext context;

  @Inject SessionFactory sessions;

  @Inject ConfigurationAdmin configAdmin;

  @Configuration
  public Option[] config() {
    return Karaf.distribution(System.getProperty("mvpn.assembly.archive"), "mvpn appliance");
  }

  private String homeAgentFilter(String tenant) {
    return "(&(objectClass=" + HOME_AGENT + ")(mvpn.tenant=" + tenant + "))";
  }

  /** The "Accepted" column of a tenant's row in {@code mvpn:registrations}. */
  private long acceptedBy(String tenant) throws Exception {
    String table = execute(sessions, "mvpn:registrations");
    for (String row : table.split("\n")) {
      String[] cells = row.split("\\|");
      if (cells.length > 2 && cells[0].trim().equals(tenant)) {
        return Long.parseLong(cells[2].trim());
      }
    }
    throw new AssertionError("no row for " + tenant + " in:\n" + table);
  }

  /** The demo's mobile node is acme's 10.1.0.5 too: stop it so that it does not move ours. */
  @org.junit.Before
  public void stopTheDemo() throws Exception {
    for (org.osgi.service.cm.Configuration c :
        java.util.Objects.requireNonNullElse(
            configAdmin.listConfigurations("(service.pid=io.mvpn.demo)"),
            new org.osgi.service.cm.Configuration[0])) {
      c.delete();
    }
    assertTrue(
        Karaf.awaitServiceGone(context, "(objectClass=io.mvpn.demo.RoamingDemo)", WAIT_SECONDS));
  }

  @Test
  public void registrationFromTheHostSurvivesAnUpdateOfTheHomeAgentBundle() throws Exception {
    assertNotNull(awaitService(context, homeAgentFilter("acme"), WAIT_SECONDS));
    assertNotNull(awaitService(context, homeAgentFilter("globex"), WAIT_SECONDS));
    try (DatagramSocket mn = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      mn.setSoTimeout(5000);
      // The demo's nodes may have registered before the demo stopped: count from here.
      long acceptedBefore = acceptedBy("acme");
      HostMobileNode node = new HostMobileNode(mn, ACME_KEY, 0xC633640A, ACME_MIP);
      long[] firstId = new long[1];
      RegistrationReply first = node.registerOnceListening(firstId, WAIT_SECONDS);
      assertEquals(ReplyCode.ACCEPTED, first.code());
      assertEquals(300, first.lifetime());

      String bindings = execute(sessions, "mvpn:bindings acme");
      assertTrue(bindings, bindings.contains("10.1.0.5") && bindings.contains("203.0.113.77"));
      String globex = execute(sessions, "mvpn:bindings globex");
      assertTrue("globex sees no acme binding:\n" + globex, !globex.contains("203.0.113.77"));
      assertEquals(acceptedBefore + 1, acceptedBy("acme"));

      Bundle homeagent =
          java.util.Arrays.stream(context.getBundles())
              .filter(b -> "io.mvpn.homeagent".equals(b.getSymbolicName()))
              .findFirst()
              .orElseThrow();
      long before = homeagent.getLastModified();
      updateBundle(sessions, "io.mvpn.homeagent");
      assertTrue(homeagent.getLastModified() > before);
      assertNotNull(awaitService(context, homeAgentFilter("acme"), WAIT_SECONDS));

      String after = execute(sessions, "mvpn:bindings acme");
      assertTrue("binding kept across the update:\n" + after, after.contains("203.0.113.77"));
      // The new code still knows the last identification: an old one is a replay.
      assertEquals(
          ReplyCode.HA_IDENTIFICATION_MISMATCH, node.send(node.request(firstId[0])).code());
      assertEquals(ReplyCode.ACCEPTED, node.send(node.request(node.identification())).code());
    }
  }

  @Test
  public void aThirdTenantGetsItsHomeAgentAtRuntime() throws Exception {
    org.osgi.service.cm.Configuration tenant =
        configAdmin.getFactoryConfiguration("io.mvpn.tenant", "initech", "?");
    Dictionary<String, Object> t = new Hashtable<>();
    t.put("mvpn.tenant", "initech");
    t.put("homeRealms", new String[] {"10.1.0.0/16"});
    tenant.update(t);
    org.osgi.service.cm.Configuration ha =
        configAdmin.getFactoryConfiguration("io.mvpn.homeagent", "initech", "?");
    Dictionary<String, Object> h = new Hashtable<>();
    h.put("mvpn.tenant", "initech");
    h.put("tenant.target", "(mvpn.tenant=initech)");
    h.put("address", "198.51.100.30");
    h.put("mobileNodes", new String[] {"10.1.0.5 1000 hmac-md5 0123456789abcdef0123456789abcdef"});
    ha.update(h);
    // Its registration port on the host, for a mobile node program bound to 127.0.0.3.
    org.osgi.service.cm.Configuration mip =
        configAdmin.getFactoryConfiguration("io.mvpn.interface", "initech-mip", "?");
    Dictionary<String, Object> m = new Hashtable<>();
    m.put("name", "initech-mip");
    m.put("vrf", "public");
    m.put("address", "198.51.100.30/32");
    m.put("transport", "host:127.0.0.3:434=4343");
    m.put("routes", new String[] {"127.0.0.3/32"});
    mip.update(m);
    try {
      assertNotNull(awaitService(context, homeAgentFilter("initech"), WAIT_SECONDS));
      String tenants = execute(sessions, "mvpn:tenants");
      assertTrue(tenants, tenants.contains("initech") && tenants.contains("198.51.100.30"));

      InetAddress host = InetAddress.getByName("127.0.0.3");
      try (DatagramSocket mn = new DatagramSocket(0, host)) {
        mn.setSoTimeout(2000);
        byte[] key = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef");
        RegistrationReply reply =
            new HostMobileNode(mn, key, 0xC633641E, new InetSocketAddress(host, 4343))
                .registerOnceListening(new long[1], WAIT_SECONDS);
        assertEquals(ReplyCode.ACCEPTED, reply.code());
      }
      String bindings = execute(sessions, "mvpn:bindings initech");
      assertTrue(bindings, bindings.contains("10.1.0.5") && bindings.contains("203.0.113.77"));
    } finally {
      mip.delete();
      ha.delete();
      tenant.delete();
    }
    assertTrue(Karaf.awaitServiceGone(context, homeAgentFilter("initech"), WAIT_SECONDS));
  }
}
