package io.mvpn.dns;

import static io.mvpn.dns.Fixture.ALICE;
import static io.mvpn.dns.Fixture.BOB;
import static io.mvpn.dns.Fixture.BOB_NAME;
import static io.mvpn.dns.Fixture.CAROL_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsServerTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private DatagramSocket client;
  private StaticAskerResolver askers;
  private DnsServer server;

  @BeforeEach
  void setUp() throws IOException {
    client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    client.setSoTimeout(2000);
    // this client socket is alice; any other source on the host is nobody
    askers = new StaticAskerResolver().put(LOOPBACK, client.getLocalPort(), ALICE);
    server =
        DnsServer.start(
            new WorkgroupZone(Fixture.directory()), askers, new InetSocketAddress(LOOPBACK, 0));
  }

  @AfterEach
  void tearDown() {
    server.close();
    client.close();
  }

  @Test
  void answersOverUdpAsTheMappedMember() throws IOException {
    Message r = udp(client, query(CAROL_NAME));
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(((ARecord) r.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
        .isEqualTo("10.2.0.7");
    assertThat(udp(client, query(BOB_NAME)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void anUnmappedSourceIsRefused() throws IOException {
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      other.setSoTimeout(2000);
      assertThat(udp(other, query(CAROL_NAME)).getRcode()).isEqualTo(Rcode.REFUSED);
    }
  }

  @Test
  void answersOverTcpOnTheSamePortSeveralQueriesPerConnection() throws IOException {
    assertThat(server.tcpAddress().getPort()).isEqualTo(server.udpAddress().getPort());
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(LOOPBACK, 0));
      askers.put(LOOPBACK, s.getLocalPort(), BOB);
      s.connect(server.tcpAddress(), 2000);
      s.setSoTimeout(2000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      for (String name : new String[] {CAROL_NAME, Fixture.ALICE_NAME}) {
        byte[] q = query(name).toWire();
        out.writeShort(q.length);
        out.write(q);
        out.flush();
        byte[] r = new byte[in.readUnsignedShort()];
        in.readFully(r);
        Message m = new Message(r);
        // bob sees carol (ops) but not alice, although alice's address is his
        assertThat(m.getRcode())
            .as(name)
            .isEqualTo(name.equals(CAROL_NAME) ? Rcode.NOERROR : Rcode.NXDOMAIN);
      }
    }
  }

  @Test
  void shortDatagramsAreDroppedAndCounted() throws Exception {
    byte[] junk = {1, 2, 3};
    client.send(new DatagramPacket(junk, junk.length, server.udpAddress()));
    // the next query is answered, so the junk was handled before it
    assertThat(udp(client, query(CAROL_NAME)).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(server.zone().counters().dropped()).isEqualTo(1);
    assertThat(server.zone().counters().queries()).isEqualTo(2);
  }

  @Test
  void closeReleasesThePort() throws IOException {
    InetSocketAddress a = server.udpAddress();
    server.close();
    try (DatagramSocket again = new DatagramSocket(a)) {
      assertThat(again.getLocalPort()).isEqualTo(a.getPort());
    }
  }

  @Test
  void staticResolverParsesHostsPortsAndMembers() {
    StaticAskerResolver r =
        StaticAskerResolver.parse("127.0.0.1=acme/10.1.0.5, 127.0.0.1:5300=beta/10.1.0.5");
    InetAddress lo = LOOPBACK;
    assertThat(r.resolve(new InetSocketAddress(lo, 4000))).contains(ALICE);
    assertThat(r.resolve(new InetSocketAddress(lo, 5300))).contains(BOB);
    assertThat(r.resolve(new InetSocketAddress("127.0.0.2", 5300))).isEmpty();
    assertThat(StaticAskerResolver.parse(" ").resolve(new InetSocketAddress(lo, 1))).isEmpty();
    for (String bad :
        Arrays.asList("127.0.0.1", "localhost=acme/10.1.0.5", "127.0.0.1:0=acme/10.1.0.5")) {
      assertThatThrownBy(() -> StaticAskerResolver.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  static Message query(String name) throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
  }

  private Message udp(DatagramSocket from, Message q) throws IOException {
    byte[] w = q.toWire();
    from.send(new DatagramPacket(w, w.length, server.udpAddress()));
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    from.receive(p);
    Message r = new Message(Arrays.copyOf(buf, p.getLength()));
    assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
    return r;
  }
}
