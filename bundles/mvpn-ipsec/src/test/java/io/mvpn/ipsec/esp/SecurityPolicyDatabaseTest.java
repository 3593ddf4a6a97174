package io.mvpn.ipsec.esp;

import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.SecurityPolicy.Action;
import io.mvpn.ipsec.esp.SecurityPolicy.Range;
import io.mvpn.ipsec.esp.SecurityPolicy.Selector;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class SecurityPolicyDatabaseTest {

  private static Ipv4Packet udp(String src, String dst, int sport, int dport) throws Exception {
    ByteBuf b =
        UdpDatagram.build(
            ALLOC,
            Ipv4Address.parse(src).toInt(),
            Ipv4Address.parse(dst).toInt(),
            sport,
            dport,
            Unpooled.wrappedBuffer(new byte[4]),
            64);
    return Ipv4Packet.parse(b);
  }

  /** Lets UDP whose local port is {@code port} pass in the clear, whatever the addresses. */
  static SecurityPolicy bypassUdpOnLocalPort(int port) {
    return new SecurityPolicy(
        new Selector(
            SecurityPolicy.ANY_ADDRESS,
            SecurityPolicy.ANY_ADDRESS,
            17,
            Range.port(port),
            SecurityPolicy.ANY_PORT),
        Action.BYPASS,
        null);
  }

  @Test
  void firstMatchWithRangesProtocolPortsAndAny() throws Exception {
    SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    SecurityPolicy bypassRegistration = bypassUdpOnLocalPort(434);
    SecurityPolicy protectRealm =
        new SecurityPolicy(
            new Selector(
                Range.of(Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255")),
                SecurityPolicy.ANY_ADDRESS,
                SecurityPolicy.ANY_PROTOCOL,
                SecurityPolicy.ANY_PORT,
                SecurityPolicy.ANY_PORT),
            Action.PROTECT,
            EspSecurityAssociationTest.outbound(false));
    spd.add(bypassRegistration);
    spd.add(protectRealm);

    assertThat(spd.match(udp("10.1.0.5", "10.1.0.100", 434, 434), true))
        .isSameAs(bypassRegistration);
    assertThat(spd.match(udp("10.1.0.5", "10.1.0.100", 5000, 7), true)).isSameAs(protectRealm);
    assertThat(spd.match(udp("10.2.0.5", "10.1.0.100", 5000, 7), true)).isNull();
    // Inbound, local is the destination: a packet to 10.1.0.5 from anywhere is the realm's.
    assertThat(spd.match(udp("203.0.113.9", "10.1.0.5", 7, 5000), false)).isSameAs(protectRealm);
  }

  @Test
  void nonInitialFragmentsNeverMatchAPolicyWithPorts() throws Exception {
    SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    SecurityPolicy ports = bypassUdpOnLocalPort(7);
    spd.add(ports);
    Ipv4Packet whole = udp("10.1.0.5", "10.1.0.100", 7, 9);
    ByteBuf fragment = whole.buffer().copy();
    fragment.setShort(6, 0x0002); // offset 16 bytes
    fragment.setShort(10, 0);
    fragment.setShort(10, io.mvpn.packet.InternetChecksum.compute(fragment, 0, 20));
    assertThat(spd.match(whole, true)).isSameAs(ports);
    assertThat(spd.match(Ipv4Packet.parse(fragment), true)).isNull();
  }

  @Test
  void theIndexFindsWhatAScanInOrderWouldAmongHostAndWidePolicies() throws Exception {
    // The oracle: the first match of a plain scan of the policies in the order they were added.
    java.util.Random random = new java.util.Random(4301);
    SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    java.util.List<SecurityPolicy> inOrder = new java.util.ArrayList<>();
    for (int round = 0; round < 400; round++) {
      if (!inOrder.isEmpty() && random.nextInt(4) == 0) {
        SecurityPolicy gone = inOrder.get(random.nextInt(inOrder.size()));
        inOrder.remove(gone); // of equal policies, the first goes, as from the SPD
        assertThat(spd.remove(gone)).isTrue();
      } else {
        SecurityPolicy p = randomPolicy(random);
        spd.add(p);
        inOrder.add(p);
      }
      assertThat(spd.policies()).containsExactlyElementsOf(inOrder);
      for (int probe = 0; probe < 20; probe++) {
        Ipv4Packet packet =
            udp(
                "10.9.0." + random.nextInt(8),
                "10.9.0." + random.nextInt(8),
                random.nextInt(3),
                random.nextInt(3));
        for (boolean outbound : new boolean[] {true, false}) {
          SecurityPolicy expected = null;
          for (SecurityPolicy p : inOrder) {
            SecurityPolicyDatabase one = new SecurityPolicyDatabase();
            one.add(p);
            if (one.match(packet, outbound) != null) {
              expected = p;
              break;
            }
          }
          assertThat(spd.match(packet, outbound)).isSameAs(expected);
        }
      }
    }
  }

  /** Over 10.9.0.0/29: a host (most), a range or any as remote; ports 0 to 2 or any. */
  private static SecurityPolicy randomPolicy(java.util.Random random) {
    long base = Ipv4Address.parse("10.9.0.0").toInt() & 0xFFFFFFFFL;
    long host = base + random.nextInt(8);
    Range remote =
        switch (random.nextInt(5)) {
          case 0 -> SecurityPolicy.ANY_ADDRESS;
          case 1 -> new Range(base + random.nextInt(4), base + 4 + random.nextInt(4));
          default -> new Range(host, host);
        };
    Range local =
        random.nextBoolean()
            ? SecurityPolicy.ANY_ADDRESS
            : new Range(base + random.nextInt(8), base + 7);
    Range localPort =
        random.nextBoolean() ? SecurityPolicy.ANY_PORT : Range.port(random.nextInt(3));
    return new SecurityPolicy(
        new Selector(local, remote, 17, localPort, SecurityPolicy.ANY_PORT),
        Action.values()[random.nextInt(2)],
        null);
  }
}
