package io.mvpn.itests;

import static org.junit.Assert.assertTrue;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * A mobile node on the test's host: 10.1.0.5 registering care-of address 203.0.113.77 with a home
 * agent over a real UDP socket (the appliance's host-socket interface), with an MN-HA key and
 * timestamp identifications (RFC 5944 §5.7).
 */
final class HostMobileNode {

  static final int HOME_ADDRESS = 0x0A010005;
  static final int CARE_OF_ADDRESS = 0xCB00714D;

  private final DatagramSocket socket;
  private final MobilitySecurityAssociation sa;
  private final int homeAgent;
  private final InetSocketAddress to;
  private long counter;

  /** acme's node of the shipped etc/: its key, at acme's home agent through the mip interface. */
  static HostMobileNode ofAcme(DatagramSocket socket) {
    return new HostMobileNode(
        socket,
        java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff"),
        0xC633640A,
        ACME_SIGNALLING);
  }

  /** Where the shipped io.mvpn.interface-acme-mip.cfg puts acme's home agent on the host. */
  static final InetSocketAddress ACME_SIGNALLING =
      new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 4341);

  HostMobileNode(DatagramSocket socket, byte[] key, int homeAgent, InetSocketAddress to) {
    this.socket = socket;
    this.sa =
        new MobilitySecurityAssociation(1000, MobilitySecurityAssociation.Algorithm.HMAC_MD5, key);
    this.homeAgent = homeAgent;
    this.to = to;
  }

  /**
   * A timestamp identification 3 s ahead of the clock (within the home agent's 7 s tolerance), so
   * it is newer than any a node used for the same home address in this second.
   */
  long identification() {
    long ntpSeconds = System.currentTimeMillis() / 1000 + 3 + MipConstants.NTP_UNIX_OFFSET_SECONDS;
    return (ntpSeconds << 32) | ++counter;
  }

  /** The request's bytes: a 300 s registration with reverse tunnelling, authenticated. */
  byte[] request(long identification) {
    return ByteBufUtil.getBytes(
        RegistrationBuilder.request(
                UnpooledByteBufAllocator.DEFAULT,
                MipConstants.FLAG_DECAPSULATION_BY_MN | MipConstants.FLAG_REVERSE_TUNNEL,
                300,
                HOME_ADDRESS,
                homeAgent,
                CARE_OF_ADDRESS,
                identification)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, sa)
            .build());
  }

  /** Sends the request's bytes and returns the reply, whose authenticator must verify. */
  RegistrationReply send(byte[] request) throws IOException, MalformedPacketException {
    socket.send(new DatagramPacket(request, request.length, to));
    DatagramPacket answer = new DatagramPacket(new byte[512], 512);
    socket.receive(answer);
    RegistrationReply reply =
        RegistrationReply.parse(Unpooled.wrappedBuffer(answer.getData(), 0, answer.getLength()));
    assertTrue(
        "reply authenticated by the home agent",
        sa.verify(reply, reply.find(MipConstants.EXT_MN_HA_AUTH)));
    return reply;
  }

  /**
   * Host sockets bind asynchronously: sends a fresh request each time until the home agent answers,
   * within {@code seconds}; the identification used is left in {@code id[0]}.
   */
  RegistrationReply registerOnceListening(long[] id, long seconds)
      throws IOException, MalformedPacketException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      id[0] = identification();
      try {
        return send(request(id[0]));
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no registration reply from " + to + " in " + seconds + " s");
        }
      }
    }
  }
}
