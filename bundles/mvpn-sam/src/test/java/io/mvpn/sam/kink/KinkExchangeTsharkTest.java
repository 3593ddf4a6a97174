package io.mvpn.sam.kink;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.capture.PcapngWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kerby.kerberos.kerb.response.ApResponse;
import org.apache.kerby.kerberos.kerb.type.ap.ApRep;
import org.apache.kerby.kerberos.kerb.type.ap.ApReq;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KINK CREATE and its REPLY between two UDP sockets on loopback, keyed by a real service ticket
 * from mvpn's KDC: each side checks the other's checksum and opens its KINK_ENCRYPT, and the
 * datagrams as sent are written to a capture that tshark reads without a malformed frame.
 */
class KinkExchangeTsharkTest {

  private static final byte[] QUICK_MODE = "quick mode payloads".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void aCreateAndItsReplyCarryRealKerberosAndReadCleanlyInTshark() throws Exception {
    require(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark (.ci/run installs it)");
    List<byte[]> sent = new ArrayList<>();
    byte[] apReqDer;
    byte[] apRepDer;
    try (KerberosPeers peers = KerberosPeers.start(dir);
        DatagramSocket initiator = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket responder = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      initiator.setSoTimeout(5000);
      responder.setSoTimeout(5000);

      // The initiator: a service ticket for the responder, its AP-REQ, the SA offer sealed.
      SgtTicket ticket = peers.serviceTicket();
      ApReq apReq = KerberosPeers.apReq(ticket);
      KinkKey initiatorKey = new KinkKey(ticket.getSessionKey());
      byte[] create =
          KinkCodec.encode(
              KinkMessage.of(
                  KinkMessageType.CREATE,
                  0x01020304L,
                  false,
                  List.of(
                      KinkPayload.apReq(1_764_000_000L, apReq.encode()),
                      initiatorKey.seal(List.of(new KinkPayload.Isakmp(1, QUICK_MODE))))),
              initiatorKey);
      send(initiator, create, responder.getLocalPort());
      sent.add(create);

      // The responder: the ticket opens with its own key and yields the same session key.
      byte[] received = receive(responder);
      KinkMessage command = KinkCodec.decode(received);
      KinkPayload.Ap carried = command.first(KinkPayload.Ap.class, KinkPayloadType.AP_REQ);
      ApReq accepted = peers.accept(carried.message());
      KinkKey responderKey = new KinkKey(accepted.getTicket().getEncPart().getKey());
      assertThat(KinkCodec.verify(received, responderKey)).isTrue();
      assertThat(
              responderKey.open(command.first(KinkPayload.Octets.class, KinkPayloadType.ENCRYPT)))
          .containsExactly(new KinkPayload.Isakmp(1, QUICK_MODE));
      ApRep apRep = peers.apRep(accepted);
      byte[] reply =
          KinkCodec.encode(
              KinkMessage.of(
                  KinkMessageType.REPLY,
                  command.xid(),
                  false,
                  List.of(
                      KinkPayload.apRep(1_764_000_100L, apRep.encode()),
                      responderKey.seal(List.of(new KinkPayload.Isakmp(1, QUICK_MODE))))),
              responderKey);
      send(responder, reply, initiator.getLocalPort());
      sent.add(reply);

      // The initiator checks the REPLY under its copy of the key and the AP-REP's proof.
      byte[] answer = receive(initiator);
      KinkMessage answered = KinkCodec.decode(answer);
      assertThat(answered.xid()).isEqualTo(0x01020304L);
      assertThat(KinkCodec.verify(answer, initiatorKey)).isTrue();
      ApRep proof = new ApRep();
      proof.decode(answered.first(KinkPayload.Ap.class, KinkPayloadType.AP_REP).message());
      ApResponse.validate(ticket.getSessionKey(), proof, apReq);
      apReqDer = carried.message();
      apRepDer = proof.encode();

      Path pcap = dir.resolve("kink.pcapng");
      int kinkPort = responder.getLocalPort();
      int nodePort = initiator.getLocalPort();
      try (PcapngWriter capture = PcapngWriter.open(pcap, "lo")) {
        KinkCapture.write(capture, 1, nodePort, kinkPort, sent.get(0));
        KinkCapture.write(capture, 2, kinkPort, nodePort, sent.get(1));
        // The Kerberos messages KINK carried, as Kerberos over UDP: what the kerberos dissector
        // makes of them (tshark's kink dissector reads a pre-RFC layout; docs/protocols.md).
        KinkCapture.write(capture, 3, nodePort, 88, apReqDer);
        KinkCapture.write(capture, 4, 88, nodePort, apRepDer);
      }

      List<String> frames =
          KinkCapture.fields(
              pcap,
              kinkPort,
              "frame.number",
              "kink.type",
              "kink.transactionId",
              "kink.domain_of_interpretation",
              "kink.length",
              "kerberos.msg_type",
              "_ws.malformed",
              "_ws.expert.severity");
      assertThat(frames).hasSize(4);
      assertThat(frames.get(0))
          .startsWith("1|1|16909060|1|" + sent.get(0).length + "|")
          .endsWith("||");
      assertThat(frames.get(1))
          .startsWith("2|3|16909060|1|" + sent.get(1).length + "|")
          .endsWith("||");
      assertThat(frames.get(2)).isEqualTo("3|||||14||");
      assertThat(frames.get(3)).isEqualTo("4|||||15||");
    }
  }

  private static void send(DatagramSocket from, byte[] message, int port) throws Exception {
    from.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), port));
  }

  private static byte[] receive(DatagramSocket socket) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
    socket.receive(packet);
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }
}
