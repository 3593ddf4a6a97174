package io.mvpn.dns;

import static io.mvpn.dns.Fixture.ALICE;
import static io.mvpn.dns.Fixture.CAROL_NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.dns.WorkgroupDns;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.dns.internal.WorkgroupDnsServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The workgroup DNS as the appliance runs it: one zone and one cookie secret for the component's
 * life, offered as a service and, when configured, on a host socket through {@link DnsServer}.
 */
class WorkgroupDnsServerTest {

  static final byte[] CLIENT_COOKIE = {1, 2, 3, 4, 5, 6, 7, 8};

  WorkgroupDnsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Message cookieQuery(CookieOption cookie) throws IOException {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(CAROL_NAME), Type.A, 1));
    q.addRecord(new OPTRecord(1232, 0, 0, 0, cookie), Section.ADDITIONAL);
    return q;
  }

  static CookieOption cookieOf(Message m) {
    OPTRecord opt = m.getOPT();
    return (CookieOption) opt.getOptions(EDNSOption.Code.COOKIE).get(0);
  }

  /** RFC 7873 §5.2: the server cookie handed out with one answer is good for the next query. */
  @Test
  void aServerCookieIssuedOnOneQueryValidatesOnTheNext() throws IOException {
    server = new WorkgroupDnsServer(Fixture.directory(), ZoneSettings.defaults());
    WorkgroupDns dns = server;

    Message first =
        new Message(
            dns.answer(
                cookieQuery(new CookieOption(CLIENT_COOKIE)).toWire(),
                ALICE,
                WorkgroupDns.Transport.UDP));
    assertThat(first.getRcode()).isEqualTo(Rcode.NOERROR);
    CookieOption issued = cookieOf(first);
    assertThat(issued.getClientCookie()).isEqualTo(CLIENT_COOKIE);
    byte[] serverCookie = issued.getServerCookie().orElseThrow();

    Message again = cookieQuery(new CookieOption(CLIENT_COOKIE, serverCookie));
    assertThat(server.zone().hasValidServerCookie(again, ALICE)).isTrue();
    Message second = new Message(dns.answer(again.toWire(), ALICE, WorkgroupDns.Transport.UDP));
    assertThat(second.getRcode()).isEqualTo(Rcode.NOERROR).isNotEqualTo(Rcode.BADCOOKIE);
    assertThat(second.getSection(Section.ANSWER)).hasSize(1);
    assertThat(cookieOf(second).getClientCookie()).isEqualTo(CLIENT_COOKIE);
    // A zone made per query, as the backbone once did, has a secret of its own: it would not know
    // the cookie.
    assertThat(new WorkgroupZone(Fixture.directory()).hasValidServerCookie(again, ALICE)).isFalse();
  }

  @Test
  void itsMetricsCountEveryQueryByWhatBecameOfIt() throws IOException {
    server = new WorkgroupDnsServer(Fixture.directory(), ZoneSettings.defaults());
    server.answer(
        cookieQuery(new CookieOption(CLIENT_COOKIE)).toWire(), ALICE, WorkgroupDns.Transport.UDP);
    // Shorter than a DNS header: dropped unanswered.
    server.answer(new byte[3], ALICE, WorkgroupDns.Transport.UDP);

    Map<String, Long> counted = new java.util.TreeMap<>();
    server.collect(
        new MetricSink() {
          @Override
          public void counter(String name, String help, long value, String... labels) {
            counted.put(String.join("/", name, String.join("/", labels)), value);
          }

          @Override
          public void gauge(String name, String help, double value, String... labels) {
            counted.put(name, (long) value);
          }
        });

    assertThat(counted)
        .containsEntry("mvpn_dns_queries/tenant/acme", 2L)
        .containsEntry("mvpn_dns_responses/tenant/acme/outcome/answer", 1L)
        .containsEntry("mvpn_dns_responses/tenant/acme/outcome/dropped", 1L)
        .containsEntry("mvpn_dns_responses/tenant/acme/outcome/nxdomain", 0L);
  }

  @Test
  void theConfiguredServerAnswersOnItsHostSocketOverUdpAndTcpFromTheSameZone() throws Exception {
    server =
        WorkgroupDnsServer.activated(
            Fixture.directory(),
            config(Map.of("listen", "127.0.0.1:0", "askers", "127.0.0.1=acme/10.1.0.5")));
    InetSocketAddress udp = server.udpAddress();
    assertThat(server.tcpAddress().getPort()).isEqualTo(udp.getPort());

    byte[] query = cookieQuery(new CookieOption(CLIENT_COOKIE)).toWire();
    Message overUdp;
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(5000);
      socket.send(new DatagramPacket(query, query.length, udp));
      DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
      socket.receive(in);
      overUdp = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
    }
    assertThat(overUdp.getSection(Section.ANSWER))
        .singleElement()
        .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("10.2.0.7"));

    // The cookie the socket handed out is the service's too: one secret for the server's life.
    byte[] again =
        cookieQuery(new CookieOption(CLIENT_COOKIE, cookieOf(overUdp).getServerCookie().get()))
            .toWire();
    Message overTcp;
    try (Socket socket = new Socket()) {
      socket.connect(server.tcpAddress(), 5000);
      socket.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(again.length);
      out.write(again);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] reply = new byte[in.readUnsignedShort()];
      in.readFully(reply);
      overTcp = new Message(reply);
    }
    assertThat(overTcp.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(overTcp.getSection(Section.ANSWER)).hasSize(1);
    assertThat(server.zone().hasValidServerCookie(new Message(again), ALICE)).isTrue();
    assertThat(server.origin()).isEqualTo(ZoneSettings.DEFAULT_ORIGIN);
  }

  /** The component's configuration: the given values, every other attribute at its default. */
  static WorkgroupDnsServer.Config config(Map<String, Object> values) {
    return (WorkgroupDnsServer.Config)
        Proxy.newProxyInstance(
            WorkgroupDnsServer.Config.class.getClassLoader(),
            new Class<?>[] {WorkgroupDnsServer.Config.class},
            (proxy, method, args) ->
                values.containsKey(method.getName())
                    ? values.get(method.getName())
                    : method.getDefaultValue());
  }
}
