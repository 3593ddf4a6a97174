package io.mvpn.itests;

import static io.mvpn.itests.Karaf.awaitCondition;
import static io.mvpn.itests.Karaf.awaitService;
import static io.mvpn.itests.Karaf.execute;
import static io.mvpn.itests.Karaf.updateBundle;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.mvpn.demo.RoamingDemo;
import io.mvpn.mobilenode.MobileNode;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The demo inside the appliance, in real time: both tenants' mobile nodes go round home, both
 * foreign agents and a co-located care-of address while pinging home; the home agent bundle is
 * updated in the middle and the pings go on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DemoIT {

  private static final long ROUND_SECONDS = 60;

  @Inject BundleContext context;

  @Inject SessionFactory sessions;

  @Configuration
  public Option[] config() {
    return Karaf.distribution(System.getProperty("mvpn.assembly.archive"), "mvpn appliance");
  }

  private static Set<String> visited(RoamingDemo demo, RoamingDemo.Roamer r) {
    return demo.fabric()
        .onLoop(
            demo.publicVrf(),
            () ->
                r.node().events().stream()
                    .filter(
                        e -> e.what().startsWith("registered") || e.what().equals("deregistered"))
                    .map(MobileNode.Event::attachment)
                    .collect(Collectors.toSet()));
  }

  private static long[] pings(RoamingDemo demo, RoamingDemo.Roamer r) {
    return demo.fabric()
        .onLoop(demo.publicVrf(), () -> new long[] {r.ping().sent(), r.ping().received()});
  }

  @Test
  public void bothNodesRoamEverywhereAndTheirPingsReturnThroughAHomeAgentUpdate() throws Exception {
    RoamingDemo demo =
        (RoamingDemo)
            awaitService(context, "(objectClass=" + RoamingDemo.class.getName() + ")", 30);
    assertNotNull("demo running", demo);
    List<RoamingDemo.Roamer> roamers = demo.roamers();
    assertTrue(roamers.size() == 2);

    // While a node is with a foreign agent, the shell shows its binding at that care-of address.
    assertTrue(
        awaitCondition(
            () -> quietly("mvpn:bindings acme").contains("203.0.113.11"), ROUND_SECONDS));

    updateBundle(sessions, "io.mvpn.homeagent");
    long[] afterUpdate = pings(demo, roamers.get(0));

    for (RoamingDemo.Roamer r : roamers) {
      assertTrue(
          r.tenant()
              + " registered via cell1, cell2, colo and deregistered at home: "
              + visited(demo, r),
          awaitCondition(
              () -> visited(demo, r).containsAll(Set.of("cell1", "cell2", "colo", "home")),
              ROUND_SECONDS));
    }
    for (RoamingDemo.Roamer r : roamers) {
      long[] p = pings(demo, r);
      // At most the echoes in flight when a node moved away are missing.
      assertTrue(r.tenant() + " pings sent/received " + p[0] + "/" + p[1], p[1] >= p[0] - 8);
      assertTrue(p[0] > 100);
    }
    assertTrue(
        "pings went on after the update", pings(demo, roamers.get(0))[1] > afterUpdate[1] + 50);
    String demoView = execute(sessions, "mvpn:demo");
    assertTrue(demoView, demoView.contains("acme") && demoView.contains("globex"));
    String visitors = execute(sessions, "mvpn:visitors");
    assertTrue(visitors, visitors.contains("198.51.100.10") && visitors.contains("198.51.100.20"));
  }

  private String quietly(String command) {
    try {
      return execute(sessions, command);
    } catch (Exception e) {
      return e.toString();
    }
  }
}
