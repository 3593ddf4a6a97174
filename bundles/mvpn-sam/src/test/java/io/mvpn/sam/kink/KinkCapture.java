package io.mvpn.sam.kink;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.capture.PcapngWriter;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * KINK datagrams as a loopback capture, and tshark's reading of one: what the tests that check
 * Wireshark's kink and kerberos dissectors share.
 */
public final class KinkCapture {

  private static final int LOOPBACK = 0x7F000001;

  private KinkCapture() {}

  /** Writes {@code payload} as one IPv4/UDP datagram on loopback, {@code second}s into the run. */
  public static void write(PcapngWriter capture, int second, int from, int to, byte[] payload)
      throws Exception {
    ByteBuf datagram =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            LOOPBACK,
            LOOPBACK,
            from,
            to,
            Unpooled.wrappedBuffer(payload),
            64);
    try {
      capture.write(TimeUnit.SECONDS.toNanos(1_764_000_000L + second), datagram);
    } finally {
      datagram.release();
    }
  }

  /**
   * tshark's reading of {@code pcap} with UDP {@code kinkPort} decoded as KINK: one line per frame,
   * {@code fields} separated by '|'.
   */
  public static List<String> fields(Path pcap, int kinkPort, String... fields) throws Exception {
    List<String> arguments =
        new ArrayList<>(
            List.of("-d", "udp.port==" + kinkPort + ",kink", "-T", "fields", "-E", "separator=|"));
    for (String field : fields) {
      arguments.add("-e");
      arguments.add(field);
    }
    return tshark(pcap, arguments.toArray(String[]::new)).lines().toList();
  }

  /** What tshark prints reading {@code pcap} with {@code arguments}. */
  public static String tshark(Path pcap, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/tshark", "-n", "-r", pcap.toString()));
    command.addAll(List.of(arguments));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
