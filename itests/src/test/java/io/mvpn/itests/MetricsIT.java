package io.mvpn.itests;

import static io.mvpn.api.testing.Requirements.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint as Prometheus uses it, on the appliance started as an operator starts it
 * with the demo running: the scrape passes {@code promtool check metrics}, the home agents'
 * counters move with the demo's traffic, and a {@code bundle:update} of the home agent bundle does
 * not set them back (they live in the counter store, not in the home agent); nor does one of the
 * DNS, NAPT, Diameter, SAM, keying (IKE daemons) and AODV bundles set theirs back.
 */
public class MetricsIT {

  private static final int PORT = 19471;
  private static final long WAIT_SECONDS = 90;
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private static final String ACME_FROM_NODES =
      "mvpn_homeagent_tunnel_received_packets_total{result=\"accepted\",tenant=\"acme\"}";

  /** Accepted registrations: code 0, or 1 where simultaneous bindings were asked for. */
  private static final List<String> ACME_ACCEPTED =
      List.of(
          "mvpn_homeagent_registration_replies_total{code=\"0\",tenant=\"acme\"}",
          "mvpn_homeagent_registration_replies_total{code=\"1\",tenant=\"acme\"}");

  private static final String ACME_BINDINGS = "mvpn_homeagent_bindings{tenant=\"acme\"}";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  public void theScrapeIsLintCleanAndTheDemosCountersMoveAndOutliveAHomeAgentUpdate()
      throws Exception {
    require(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian package prometheus)");
    try (ApplianceProcess appliance =
        ApplianceProcess.unpack(
            System.getProperty("mvpn.assembly.archive"), Path.of("target/metrics"), List.of())) {
      appliance.writeEtc(
          "io.mvpn.metrics.cfg", "address = 127.0.0.1\nport = " + PORT + "\njvm = true\n");
      appliance.writeEtc(ManuallyKeyedGateway.FILE, ManuallyKeyedGateway.cfg());
      appliance.start();

      String text =
          awaitScrape(
              s ->
                  value(s, ACME_FROM_NODES) > 0
                      && ACME_ACCEPTED.stream().anyMatch(series -> value(s, series) > 0),
              WAIT_SECONDS);
      Files.writeString(Path.of("target/metrics-scrape.txt"), text, StandardCharsets.UTF_8);
      String lint = promtool(text);
      assertEquals("", lint, "promtool check metrics on target/metrics-scrape.txt");
      Map<String, Double> first = parse(text);
      for (String family :
          List.of(
              "mvpn_homeagent_bindings",
              "mvpn_foreignagent_visitors",
              "mvpn_foreignagent_relayed_registrations_total",
              "mvpn_securitygateway_esp_sas",
              "mvpn_securitygateway_siu_messages_total",
              "jvm_memory_used_bytes",
              "process_cpu_seconds_total")) {
        assertTrue(
            first.keySet().stream().anyMatch(k -> k.startsWith(family)), family + " in\n" + text);
      }

      // The demo's pings go on: the counters move from one scrape to the next (while the node is
      // away from home, which is most of the demo's round).
      Map<String, Double> moved =
          parse(
              awaitScrape(
                  s -> value(s, ACME_FROM_NODES) > first.get(ACME_FROM_NODES), WAIT_SECONDS));

      String update = appliance.shell("bundle:update io.mvpn.homeagent");
      assertTrue(!update.contains("Error"), update);
      // The new home agent's source is registered again: every one of its counters goes on from
      // where the old one left it, none starts from zero.
      Map<String, Double> after =
          parse(awaitScrape(s -> value(s, ACME_BINDINGS) >= 0, WAIT_SECONDS));
      Map<String, Double> homeAgentBefore = new TreeMap<>();
      moved.forEach(
          (series, v) -> {
            if (series.startsWith("mvpn_homeagent_") && series.contains("_total{")) {
              homeAgentBefore.put(series, v);
            }
          });
      assertTrue(homeAgentBefore.size() >= 6, "home agent counters: " + homeAgentBefore);
      homeAgentBefore.forEach(
          (series, before) ->
              assertTrue(
                  after.getOrDefault(series, -1.0) >= before,
                  series
                      + " was "
                      + before
                      + " before the update, "
                      + after.get(series)
                      + " after"));
      awaitScrape(s -> value(s, ACME_FROM_NODES) > after.get(ACME_FROM_NODES), WAIT_SECONDS);

      String shell = appliance.shell("mvpn:metrics mvpn_homeagent");
      assertTrue(shell.contains("# endpoint: http://127.0.0.1:" + PORT + "/metrics"), shell);
      assertTrue(shell.contains(ACME_BINDINGS), shell);
    }
  }

  /** The functions whose counters live in the counter store: bundle, then its metric prefix. */
  private static final Map<String, String> STORED_COUNTS =
      Map.of(
          "io.mvpn.dns", "mvpn_dns_",
          "io.mvpn.napt", "mvpn_napt_",
          "io.mvpn.diameter", "mvpn_diameter_",
          "io.mvpn.sam", "mvpn_sam_",
          "io.mvpn.keying", "mvpn_ike_",
          "io.mvpn.aodv", "mvpn_aodv_");

  /**
   * The DNS, the NAPT, a Diameter node, an SA manager, an IKE daemon and the AODV routers each
   * count what went through them, and a {@code bundle:update} of each bundle sets none of those
   * counters back: they live in the counter store, as the home agent's do.
   */
  @Test
  public void theDnsNaptDiameterSamIkeAndAodvCountersOutliveAnUpdateOfTheirBundles()
      throws Exception {
    try (ApplianceProcess appliance =
        ApplianceProcess.unpack(
            System.getProperty("mvpn.assembly.archive"),
            Path.of("target/metrics-functions"),
            List.of())) {
      appliance.writeEtc(
          "io.mvpn.metrics.cfg", "address = 127.0.0.1\nport = " + PORT + "\njvm = false\n");
      appliance.start();
      appliance.awaitShell("mvpn:tenants", out -> out.contains("globex"), WAIT_SECONDS);
      // The README's steps: the SAM's keytab first, then each example copied to its cfg name.
      Path samKeytab = appliance.home().resolve("etc/sam-acme.keytab");
      appliance.awaitShell(
          "mvpn:kdc add kink/sam --keytab " + samKeytab,
          out -> out.contains("keytab /"),
          WAIT_SECONDS);
      for (String example :
          List.of(
              "napt",
              "backbone",
              "msm",
              "diameter-msm-acme",
              "diameter-sink-acme",
              "aodv-acme-gw",
              "aodv-acme-r2",
              "sam-acme",
              "ike-ike1")) {
        appliance.enableExample("io.mvpn." + example + ".cfg");
      }

      // Traffic for each: a query to the DNS, a ping through the NAPT, acme-r2's entry into its
      // site (its sink asks the MSM across Diameter; the routers count their AODV messages), a
      // datagram the SA manager refuses and one the IKE daemon drops as malformed.
      appliance.awaitShell(
          "mvpn:dns-lookup bob.globex.wg.mvpn.example acme/10.1.0.5",
          out -> out.contains("NOERROR"),
          WAIT_SECONDS);
      appliance.awaitShell(
          "mvpn:ping -c 1 acme 198.51.100.53", out -> out.contains(" 0.0% loss"), WAIT_SECONDS);
      appliance.awaitShell(
          "mvpn:ping acme-r2 10.1.0.1",
          out -> out.contains(" received") && !out.contains(" 0 received"),
          WAIT_SECONDS);
      appliance.awaitShell("mvpn:sam stats", out -> out.contains("acme ("), WAIT_SECONDS);
      // The SA manager starts once FileInstall and its keytab poll have seen its files, the IKE
      // daemon once its certificate is issued: the datagrams go again with each scrape until each
      // was refused.
      Map<String, Double> before =
          parse(
              awaitScrape(
                  s -> {
                    sendNotKink();
                    send("not IKE", IKE1_PORT);
                    return STORED_COUNTS.values().stream().allMatch(f -> moved(parse(s), f));
                  },
                  WAIT_SECONDS));
      Map<String, Double> moved = new TreeMap<>();
      before.forEach(
          (series, v) -> {
            if (v > 0
                && series.contains("_total{")
                && STORED_COUNTS.values().stream().anyMatch(series::startsWith)) {
              moved.put(series, v);
            }
          });

      for (String bundle : STORED_COUNTS.keySet()) {
        String update = appliance.shell("bundle:update " + bundle);
        assertTrue(!update.contains("Error"), update);
      }
      // Each function's new instance registers its source again; every counter that had moved
      // goes on from where it was.
      Map<String, Double> after =
          parse(awaitScrape(s -> parse(s).keySet().containsAll(moved.keySet()), WAIT_SECONDS));
      moved.forEach(
          (series, was) ->
              assertTrue(
                  after.get(series) >= was,
                  series + " was " + was + " before the update, " + after.get(series) + " after"));
    }
  }

  /** The IKE port of the shipped daemon ike1 (etc/io.mvpn.ike-ike1.cfg). */
  private static final int IKE1_PORT = 15500;

  /** A datagram to acme's SA manager (etc/io.mvpn.sam-acme.cfg) that it refuses as malformed. */
  private static void sendNotKink() {
    send("not KINK", 10910);
  }

  /** {@code text} in one UDP datagram to {@code port} on loopback. */
  private static void send(String text, int port) {
    byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.send(
          new DatagramPacket(
              payload,
              payload.length,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether some counter of the family {@code prefix} has counted something. */
  private static boolean moved(Map<String, Double> samples, String prefix) {
    return samples.entrySet().stream()
        .anyMatch(
            e ->
                e.getKey().startsWith(prefix)
                    && e.getKey().contains("_total{")
                    && e.getValue() > 0);
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    return response.body();
  }

  /** Scrapes every half second until {@code ready} holds; the endpoint may not be up yet. */
  private String awaitScrape(Predicate<String> ready, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = scrape();
        if (ready.test(last)) {
          return last;
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError("scrape not ready in " + seconds + " s; last:\n" + last);
  }

  /** Each sample line, series (name and labels) to value. */
  private static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new TreeMap<>();
    for (String line : text.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (!line.startsWith("#") && space > 0) {
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples;
  }

  private static double value(String text, String series) {
    return parse(text).getOrDefault(series, -1.0);
  }

  /** What promtool finds wrong with the scrape: empty when it exits 0. */
  private static String promtool(String text) throws IOException, InterruptedException {
    Path file = Files.createTempFile("mvpn-scrape", ".prom");
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "promtool did not finish in 30 s";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
