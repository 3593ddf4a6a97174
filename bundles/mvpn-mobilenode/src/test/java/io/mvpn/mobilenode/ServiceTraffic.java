package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.mobilenode.IsolationRun.Kind;
import io.mvpn.mobilenode.IsolationRun.Received;
import io.mvpn.mobilenode.IsolationWorld.Place;
import io.mvpn.mobilenode.IsolationWorld.Tenant;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.workgroup.WorkgroupFilter;
import io.mvpn.workgroup.WorkgroupGateway;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CERTRecord;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The random datagrams of an {@link IsolationRun} that go through the functions of {@link
 * IsolationServices}, and what the oracle checks beyond who received them: a DNS answer must name
 * no member the asker may not see (itself, or its workgroup partner's host when it is a host). Who
 * may see whom is this class's own model of the workgroups the services set up, not the directory
 * the DNS consults: a rule wrong in both would otherwise pass. The DNS query carries the datagram's
 * id as its RFC 7873 client cookie, which every answer echoes.
 */
final class ServiceTraffic {

  private final IsolationRun run;
  private final IsolationServices services;
  private final Random random;
  private final Map<Long, Asker> askers = new HashMap<>();
  // Every member's name, as the services named them: the model the answers are judged by.
  private final Map<Name, MemberId> members = new HashMap<>();
  private final List<String> revealed = new ArrayList<>();
  private final Map<Integer, Long> answersByRcode = new HashMap<>();
  private long addressesAnswered;
  private long addressesAcrossTenants;

  ServiceTraffic(IsolationRun run) {
    this.run = run;
    this.services = run.world.services;
    this.random = run.random;
    for (Tenant t : run.tenants) {
      members.put(
          fqdn("host." + IsolationWorld.name(t.index())), IsolationServices.host(t.index()));
      members.put(fqdn("mn." + IsolationWorld.name(t.index())), IsolationServices.node(t.index()));
      listen(t.hostName(), "main", t.index());
      listen(t.nodeName(), "home", t.index());
      listen(t.nodeName(), "cell1", t.index());
      if (t.place() == Place.COLOCATED) {
        listen(t.nodeName(), "colo", t.index());
      }
    }
  }

  /**
   * Host of {@code t} to another tenant's host through the SA it holds to that tenant's gateway.
   */
  void workgroup(long id, Tenant t, int sport, int port, int ttl, ByteBuf payload) {
    // Two in five to the workgroup partner, the rest to any other tenant's host.
    int to = random.nextInt(run.tenants.size() - 1);
    to = to >= t.index() ? to + 1 : to;
    if (services.partner(t.index()) != IsolationRun.NOBODY && random.nextInt(5) < 2) {
      to = services.partner(t.index());
    }
    boolean ownSource = random.nextInt(5) > 0;
    boolean toHost = random.nextInt(5) > 0;
    Ipv4Address source = ownSource ? IsolationWorld.HOST : run.realmAddress();
    Ipv4Address target = toHost ? IsolationWorld.HOST : run.realmAddress();
    boolean allowed =
        services.partner(t.index()) == to
            && source.equals(IsolationWorld.HOST)
            && target.equals(IsolationWorld.HOST);
    run.record(
        id,
        Kind.WORKGROUP,
        t.index(),
        allowed ? to : IsolationRun.NOBODY,
        allowed && ttl == 64 && port == IsolationRun.PORT);
    Vrf host = run.hostVrf(t);
    ByteBuf datagram =
        UdpDatagram.build(host.alloc(), source.toInt(), target.toInt(), sport, port, payload, ttl);
    services.parties.get(t.index()).send(IsolationServices.host(to), datagram);
  }

  /** A host (or, now and then, a connected node) of {@code t} asks the MSM for a name. */
  void dnsQuery(long id, Tenant t, int ttl) {
    boolean fromHost = random.nextInt(5) > 0 || !t.node().connected();
    MemberId asker =
        fromHost ? IsolationServices.host(t.index()) : IsolationServices.node(t.index());
    askers.put(id, new Asker(asker, t.index(), fromHost));
    run.record(id, Kind.DNS_QUERY, t.index(), fromHost && ttl == 64);
    Message query = Message.newQuery(Record.newRecord(name(t), Type.A, DClass.IN));
    byte[] cookie = ByteBuffer.allocate(8).putLong(id).array();
    query.addRecord(
        new OPTRecord(1232, 0, 0, 0, List.of(new CookieOption(cookie))), Section.ADDITIONAL);
    ByteBuf wire = Unpooled.wrappedBuffer(query.toWire());
    try {
      run.udp(
          fromHost ? run.hostVrf(t) : run.nodeVrf(t),
          asker.privateAddress(),
          IsolationServices.MSM,
          IsolationRun.DNS_PORT,
          53,
          ttl,
          wire);
    } finally {
      wire.release();
    }
  }

  /** What a query asks for: mostly a member of some tenant, sometimes a name nobody has. */
  private Name name(Tenant t) {
    int n = random.nextInt(20);
    String name;
    int partner = services.partner(t.index());
    if (n < 6) {
      name = "host." + IsolationWorld.name(partner == IsolationRun.NOBODY ? t.index() : partner);
    } else if (n < 12) {
      name = "host." + IsolationWorld.name(random.nextInt(run.tenants.size()));
    } else if (n < 17) {
      name = "mn." + IsolationWorld.name(random.nextInt(run.tenants.size()));
    } else {
      name = "nobody" + random.nextInt(100) + "." + IsolationWorld.name(t.index());
    }
    return fqdn(name);
  }

  private static Name fqdn(String label) {
    try {
      return Name.fromString(label + ".wg.mvpn.example.");
    } catch (TextParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Who asked a query: a tenant's host or its node. */
  private record Asker(MemberId id, int tenant, boolean host) {}

  /** The model's rule: a member sees itself, and a host its workgroup partner's host. */
  private boolean sees(Asker asker, MemberId named) {
    int partner = services.partner(asker.tenant());
    return named.equals(asker.id())
        || (asker.host()
            && partner != IsolationRun.NOBODY
            && named.equals(IsolationServices.host(partner)));
  }

  /** Tenant t's VPN client in ESP to its own security gateway or, with its own SA, another's. */
  void espToGateway(long id, Tenant t, int sport, int port, int ttl, ByteBuf payload) {
    int to = random.nextInt(5) < 3 ? t.index() : random.nextInt(run.tenants.size());
    boolean ownSource = random.nextInt(10) < 7;
    Ipv4Address source = ownSource ? IsolationServices.VPN_CLIENT : run.realmAddress();
    Ipv4Address target = random.nextInt(5) > 0 ? IsolationWorld.HOST : run.realmAddress();
    run.record(
        id,
        Kind.ESP_TO_GATEWAY,
        t.index(),
        to == t.index()
            && ownSource
            && target.equals(IsolationWorld.HOST)
            && ttl == 64
            && port == IsolationRun.PORT);
    Vrf from = run.outsider();
    ByteBuf inner =
        UdpDatagram.build(from.alloc(), source.toInt(), target.toInt(), sport, port, payload, ttl);
    try {
      from.send(
          services
              .vpnClientSa(t.index(), to)
              .encapsulate(from.alloc(), Ipv4Packet.parse(inner), 64));
    } catch (MalformedPacketException | EspException e) {
      throw new IllegalStateException("a datagram built here parses and seals", e);
    } finally {
      inner.release();
    }
  }

  private void listen(String node, String vrf, int tenant) {
    String at = node + "/" + vrf;
    run.world
        .vrf(node, vrf)
        .bindUdp(IsolationRun.DNS_PORT, (v, ingress, d) -> answered(d, tenant, at));
  }

  private void answered(UdpDatagram d, int tenant, String at) {
    ByteBuf p = d.payload();
    if (p.readableBytes() >= 12 && p.getInt(p.readerIndex()) == IsolationRun.MAGIC) {
      // A random datagram sent to this port, not an answer: received all the same.
      run.received.add(new Received(p.getLong(p.readerIndex() + 4), tenant, at, false));
      return;
    }
    Message answer;
    try {
      answer = new Message(ByteBufUtil.getBytes(d.payload()));
    } catch (IOException e) {
      revealed.add("an unreadable DNS answer at " + at);
      return;
    }
    OPTRecord opt = answer.getOPT();
    List<EDNSOption> cookies = opt == null ? List.of() : opt.getOptions(EDNSOption.Code.COOKIE);
    if (cookies.isEmpty()) {
      revealed.add("a DNS answer without the asker's cookie at " + at);
      return;
    }
    long id = ByteBuffer.wrap(((CookieOption) cookies.get(0)).getClientCookie()).getLong();
    run.received.add(new Received(id, tenant, at, false));
    answersByRcode.merge(answer.getRcode(), 1L, Long::sum);
    Asker asker = askers.get(id);
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : answer.getSection(section)) {
        if (r instanceof ARecord || r instanceof CERTRecord) {
          judge(asker, r, at);
        }
      }
    }
  }

  /** An address or certificate in an answer: its owner must be a member the asker may see. */
  private void judge(Asker asker, Record r, String at) {
    if (r instanceof ARecord) {
      addressesAnswered++;
    }
    MemberId named = members.get(r.getName());
    if (asker == null || named == null || !sees(asker, named)) {
      revealed.add((asker == null ? "nobody" : asker.id()) + " was told " + r + " at " + at);
    } else if (r instanceof ARecord && !named.tenant().equals(asker.id().tenant())) {
      addressesAcrossTenants++;
    }
  }

  /** DNS answers that named a member their asker may not see. */
  List<String> revealed() {
    return revealed;
  }

  /** Addresses the DNS answered, and how many of them were of another tenant's member. */
  long[] dnsAddresses() {
    return new long[] {addressesAnswered, addressesAcrossTenants};
  }

  long espRefusedBySa() {
    return services.securityGateways.stream()
        .mapToLong(g -> g.counter(GatewayCounter.ESP_REFUSED))
        .sum();
  }

  String report() {
    Map<WorkgroupFilter.Verdict, Long> verdicts = new EnumMap<>(WorkgroupFilter.Verdict.class);
    for (WorkgroupGateway g : services.workgroupGateways) {
      g.filter().counts().forEach((v, n) -> verdicts.merge(v, n, Long::sum));
    }
    Map<GatewayCounter, Long> gateway = new EnumMap<>(GatewayCounter.class);
    for (SecurityGateway g : services.securityGateways) {
      for (GatewayCounter c : GatewayCounter.values()) {
        long n = g.counter(c);
        if (n > 0) {
          gateway.merge(c, n, Long::sum);
        }
      }
    }
    Map<String, Long> rcodes = new TreeMap<>();
    answersByRcode.forEach((code, n) -> rcodes.put(Rcode.string(code), n));
    return "  workgroup filter verdicts: "
        + verdicts
        + "\n  DNS answers by rcode: "
        + rcodes
        + ", addresses "
        + addressesAnswered
        + " ("
        + addressesAcrossTenants
        + " of a workgroup partner), answered "
        + services.msmDns.answered()
        + ", unanswered "
        + services.msmDns.unanswered()
        + "\n  security gateways: "
        + gateway;
  }
}
