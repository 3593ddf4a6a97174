package io.mvpn.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The appliance stopped and started again as an operator would (bin/karaf server, bin/stop): a
 * binding registered before the restart is back from the persistent store before its node registers
 * again, and the request that made it, sent again after the restart, is a replay (133). A security
 * gateway's SAs are back too, each with the sequence number it had reached: the outbound SA goes on
 * above it instead of starting from its configuration's zero (which would reuse ESP nonces).
 */
public class ApplianceRestartIT {

  private static final long WAIT_SECONDS = 90;
  private static final byte[] ACME_KEY =
      HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  private static final InetSocketAddress ACME_MIP =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 4341);
  private static final int ACME_HOME_AGENT = 0xC633640A;
  private static final Pattern LIFETIME = Pattern.compile("203\\.0\\.113\\.77\\D+?(\\d+)\\s*s");
  private static final Pattern OUTBOUND_SEQUENCE =
      Pattern.compile("outbound SA 0x00001001.*?sequence (\\d+)", Pattern.DOTALL);

  @Test
  public void bindingsAndReplayStateSurviveARestartOfTheContainer() throws Exception {
    // Without the demo: its node is acme's 10.1.0.5 too and would register after the restart.
    try (ApplianceProcess appliance =
            ApplianceProcess.unpack(
                System.getProperty("mvpn.assembly.archive"),
                Path.of("target/restart"),
                List.of("io.mvpn.demo.cfg"));
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(3000);
      // A replay is refused for its identification alone only while its timestamp is still in
      // the window (RFC 5944 §5.7); a restart takes longer than the shipped 7 s, so widen it.
      appliance.editEtc(
          "io.mvpn.homeagent-acme.cfg", "replayTolerance = 7", "replayTolerance = 600");
      appliance.writeEtc(ManuallyKeyedGateway.FILE, ManuallyKeyedGateway.cfg());
      HostMobileNode node = new HostMobileNode(socket, ACME_KEY, ACME_HOME_AGENT, ACME_MIP);

      appliance.start();
      appliance.awaitShell("mvpn:bindings acme", out -> out.contains("Home address"), WAIT_SECONDS);
      long[] id = new long[1];
      RegistrationReply accepted = node.registerOnceListening(id, WAIT_SECONDS);
      assertEquals(ReplyCode.ACCEPTED, accepted.code());
      byte[] firstRequest = node.request(id[0]);
      String before = appliance.shell("mvpn:bindings acme");
      assertTrue(before, before.contains("10.1.0.5") && before.contains("203.0.113.77"));
      // Pings from inside the gateway to the node go out through the outbound SA.
      appliance.awaitShell("mvpn:sa show 0x1001", out -> out.contains("outbound"), WAIT_SECONDS);
      appliance.shell("mvpn:ping -c 5 -i 20 " + ManuallyKeyedGateway.INSIDE_VRF + " 10.1.0.5");
      long sent = outboundSequence(appliance.shell("mvpn:sa show 0x1001"));
      assertTrue("the outbound SA was used: sequence " + sent, sent >= 5);

      appliance.stop();
      Path state = appliance.home().resolve("data/mvpn");
      assertTrue("the store keeps its file in " + state, Files.isDirectory(state));
      appliance.start();

      // Back from the store, with the time it had left, before the node says anything.
      String after =
          appliance.awaitShell(
              "mvpn:bindings acme", out -> out.contains("203.0.113.77"), WAIT_SECONDS);
      assertTrue(after, after.contains("10.1.0.5"));
      Matcher left = LIFETIME.matcher(after);
      if (left.find()) {
        long seconds = Long.parseLong(left.group(1));
        assertTrue("remaining lifetime " + seconds + " s", seconds > 0 && seconds <= 300);
      }
      // The gateway's SA is back with the sequence number it had reached, and sends above it.
      String restored =
          appliance.awaitShell(
              "mvpn:sa show 0x1001", out -> out.contains("outbound"), WAIT_SECONDS);
      long resumed = outboundSequence(restored);
      assertTrue(restored + "\nbefore the restart: " + sent, resumed >= sent);
      appliance.shell("mvpn:ping -c 2 -i 20 " + ManuallyKeyedGateway.INSIDE_VRF + " 10.1.0.5");
      long next = outboundSequence(appliance.shell("mvpn:sa show 0x1001"));
      assertEquals("sequence numbers go on from " + resumed, resumed + 2, next);

      // The old request again, its timestamp still in the window: only the identification the
      // home agent accepted before the restart, kept in the store, makes it a replay.
      RegistrationReply replay = resendUntilAnswered(node, firstRequest);
      assertEquals(ReplyCode.HA_IDENTIFICATION_MISMATCH, replay.code());
      assertEquals(ReplyCode.ACCEPTED, node.send(node.request(node.identification())).code());
    }
  }

  private static long outboundSequence(String show) {
    Matcher m = OUTBOUND_SEQUENCE.matcher(show);
    assertTrue(show, m.find());
    return Long.parseLong(m.group(1));
  }

  /** The host socket of the restarted appliance binds a moment after its shell answers. */
  private static RegistrationReply resendUntilAnswered(HostMobileNode node, byte[] request)
      throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return node.send(request);
      } catch (java.net.SocketTimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no reply to the replayed request in 30 s");
        }
      }
    }
  }
}
