package io.mvpn.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.mvpn.packet.mip.ReplyCode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * What an operator reads when something is wrong, with the appliance run as an operator runs it: a
 * tenant cfg with a bad field is one ERROR line in karaf.log naming PID, field and reason (no stack
 * trace) and a row of {@code mvpn:info}; a thousand malformed registration datagrams on the
 * signalling port are each counted, and security.log gets at most ten lines of them a second plus
 * one line for each second's rest, which together add up to the thousand.
 */
public class OperationsLogIT {

  private static final long WAIT_SECONDS = 90;
  private static final InetSocketAddress ACME_MIP = HostMobileNode.ACME_SIGNALLING;
  private static final String BROKEN_PID = "io.mvpn.tenant~broken";
  private static final int MALFORMED = 1000;

  /** The acme row of mvpn:registrations: accepted, auth failed, replays, dropped. */
  private static final Pattern ACME_ROW =
      Pattern.compile(
          "acme\\s*\\W\\s*198\\.51\\.100\\.10\\s*\\W\\s*(\\d+)\\s*\\W\\s*(\\d+)\\s*\\W\\s*(\\d+)"
              + "\\s*\\W\\s*(\\d+)");

  private static final Pattern SUMMARY = Pattern.compile("(\\d+) more suppressed \\((.*)\\)");
  private static final Pattern MALFORMED_IN_SUMMARY = Pattern.compile("malformed (\\d+)");

  @Test
  public void aBadTenantIsOneErrorLineAndAFloodOfGarbageIsCountedExactlyAndLoggedWithinBounds()
      throws Exception {
    try (ApplianceProcess appliance = ApplianceProcess.withoutDemo("operations-log");
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(3000);
      appliance.writeEtc(
          "io.mvpn.tenant-broken.cfg", "mvpn.tenant = broken\nhomeRealms = 10.9.0.5/16\n");
      appliance.start();

      String info =
          appliance.awaitShell("mvpn:info", out -> out.contains(BROKEN_PID), WAIT_SECONDS);
      assertTrue(info, info.contains("homeRealms") && info.contains("10.9.0.5/16"));
      assertFalse(info, info.contains("JAVA_HOME not set"));
      assertFalse(
          "no tenant 'broken' runs:\n" + info, info.matches("(?s).*\\bbroken\\s+\\W\\s+10\\.9.*"));
      assertOneErrorLineFor(appliance.home().resolve("data/log/karaf.log"));

      // The signalling port answers a good registration first, so every datagram after it lands.
      HostMobileNode node = HostMobileNode.ofAcme(socket);
      assertEquals(
          ReplyCode.ACCEPTED, node.registerOnceListening(new long[1], WAIT_SECONDS).code());
      long droppedBefore = dropped(appliance.shell("mvpn:registrations"));
      byte[] garbage = {1, 0, 0, 0}; // a registration request cut short
      for (int i = 0; i < MALFORMED; i++) {
        socket.send(new DatagramPacket(garbage, garbage.length, ACME_MIP));
        if (i % 100 == 99) {
          // Spread over some three seconds, and kept within the socket's receive buffer.
          TimeUnit.MILLISECONDS.sleep(300);
        }
      }
      String registrations =
          appliance.awaitShell(
              "mvpn:registrations", out -> dropped(out) >= droppedBefore + MALFORMED, WAIT_SECONDS);
      assertEquals(registrations, droppedBefore + MALFORMED, dropped(registrations));
      String events =
          appliance.awaitShell("mvpn:events -n 5", out -> out.contains("malformed"), WAIT_SECONDS);
      assertTrue(events, events.matches("(?s).*malformed\\s*\\W\\s*" + MALFORMED + "\\b.*"));

      // The last window's summary is written within a second and a quarter of its end.
      TimeUnit.MILLISECONDS.sleep(2500);
      assertSecurityLogBounded(appliance.home().resolve("data/log/security.log"));
    }
  }

  private static long dropped(String registrations) {
    Matcher m = ACME_ROW.matcher(registrations);
    return m.find() ? Long.parseLong(m.group(4)) : -1;
  }

  private static void assertOneErrorLineFor(Path karafLog) throws Exception {
    List<String> lines = Files.readAllLines(karafLog, StandardCharsets.UTF_8);
    List<String> errors =
        lines.stream().filter(l -> l.contains("| ERROR |") && l.contains("broken")).toList();
    assertEquals(String.join("\n", errors), 1, errors.size());
    String line = errors.get(0);
    assertTrue(line, line.contains(BROKEN_PID) && line.contains("homeRealms"));
    assertTrue(line, line.contains("10.9.0.5/16"));
    int at = lines.indexOf(line);
    assertTrue(
        "no stack trace after the line",
        at + 1 == lines.size() || !lines.get(at + 1).startsWith("\tat "));
    assertTrue(
        "nothing in karaf.log mentions an exception from the tenant component",
        lines.stream().noneMatch(l -> l.contains("TenantComponent") && l.contains("Exception")));
  }

  /** At most ten event lines a second, and the summaries add up with them to the flood. */
  private static void assertSecurityLogBounded(Path securityLog) throws Exception {
    List<String> lines = Files.readAllLines(securityLog, StandardCharsets.UTF_8);
    Map<String, Integer> perSecond = new TreeMap<>();
    long logged = 0;
    long suppressed = 0;
    for (String line : lines) {
      if (line.contains("reason=malformed") && line.contains("function=homeagent/acme")) {
        logged++;
        perSecond.merge(line.substring(0, 19), 1, Integer::sum);
      }
      Matcher summary = SUMMARY.matcher(line);
      if (summary.find()) {
        Matcher m = MALFORMED_IN_SUMMARY.matcher(summary.group(2));
        if (m.find()) {
          suppressed += Long.parseLong(m.group(1));
        }
      }
    }
    String all = String.join("\n", lines);
    assertTrue(all, logged > 0 && suppressed > 0);
    perSecond.forEach(
        (second, count) -> assertTrue(second + ": " + count + " lines\n" + all, count <= 10));
    assertEquals(all, MALFORMED, logged + suppressed);
  }
}
