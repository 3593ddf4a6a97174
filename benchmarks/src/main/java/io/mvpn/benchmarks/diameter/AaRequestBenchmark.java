package io.mvpn.benchmarks.diameter;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.CertifiedNode;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.nasreq.FramedRoute;
import io.mvpn.diameter.nasreq.HelloAaRequests;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.nasreq.Nasreq;
import io.mvpn.diameter.peer.RequestHandler;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AA-Requests the MSM answers per second on one core (seed 002 c50-52, the certified node's
 * AUTHORIZE_ONLY request): {@code msmAnswers} takes the request as octets from the wire, decodes
 * it, checks the mandatory AVPs, authorises the member ({@link SiteAuthority}: directory lookup by
 * FQDN, site realm, home address, the cross-sink replay memory, routes and workgroup filter) and
 * encodes the AA-Answer with the node's identity AVPs, as the Diameter node does around its
 * handler. Each call is a new hello (timestamp and nonce written into the request's
 * CHAP-Challenge), of the next of {@code members} members, so the replay memory works as it does
 * under load. Baseline in the same run, {@code bareBuildAndParse}: the same request and the same
 * answer built, encoded, decoded and read back with no MSM in between.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar AaRequestBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The JIT settles late on a loaded machine: a short warm-up measured the compiler, not the code.
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class AaRequestBenchmark {

  private static final String REALM = "acme.example";
  private static final String SESSION = "sink.acme.example;1;1";

  @Param({"1000"})
  public int members;

  private RequestHandler server;
  private List<Avp> identity;
  private byte[][] requests;
  private int[] challengeAt;
  private CertifiedNode[] nodes;
  private List<Avp> grant;
  private int next;
  private long hello = 1_780_300_800_000L;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
    SiteAuthority msm = new SiteAuthority(directory);
    msm.addSite(
        new SiteAuthority.Site(
            MvpnId.of("acme"), REALM, Prefix.parse("10.1.0.0/16"), Ipv4Address.parse("10.1.0.1")));
    server = new HelloAaServer(msm);
    identity =
        new Capabilities(
                "msm." + REALM,
                REALM,
                List.of(InetAddress.getByName("198.51.100.1")),
                0,
                "mvpn",
                1,
                7,
                Set.of(Nasreq.APPLICATION_ID),
                Set.of())
            .identity();
    requests = new byte[members][];
    challengeAt = new int[members];
    nodes = new CertifiedNode[members];
    for (int i = 0; i < members; i++) {
      Ipv4Address address = Ipv4Address.of(0x0A010000 | (i + 2));
      String fqdn = "node" + i + "." + REALM;
      directory.putMember(
          new Member(
              new MemberId(MvpnId.of("acme"), address),
              fqdn,
              Ipv4Address.of(0xC6336400 | (i % 250 + 2))));
      nodes[i] = new CertifiedNode(fqdn, address, 0, 0, "", REALM);
      requests[i] = request(nodes[i]).toBytes();
      challengeAt[i] = challengeOffset(requests[i]);
    }
    // The answer the baseline builds: what the MSM grants a member.
    grant =
        Nasreq.grant(
            List.of(
                new FramedRoute("0.0.0.0/0", "10.1.0.1", SiteAuthority.DEFAULT_METRIC),
                new FramedRoute("10.1.0.0/16", "0.0.0.0", SiteAuthority.HOME_METRIC)),
            List.of(
                "permit in ip from 10.1.0.2 to 10.1.0.0/16",
                "permit out ip from 10.1.0.0/16 to 10.1.0.2"));
  }

  @Benchmark
  public byte[] msmAnswers() throws Exception {
    int i = next++ % members;
    byte[] wire = requests[i];
    hello++;
    ByteBuffer.wrap(wire, challengeAt[i], 16).putLong(hello).putLong(hello * 31);
    DiameterMessage m = DiameterMessage.decode(Unpooled.wrappedBuffer(wire));
    m.requireKnownMandatoryAvps();
    RequestHandler.Answer a = server.handle(m);
    if (a.resultCode() != ResultCode.SUCCESS) {
      throw new IllegalStateException("refused: " + a.resultCode());
    }
    List<Avp> avps = new ArrayList<>(identity);
    avps.addAll(a.avps());
    return DiameterMessage.answer(m, a.resultCode(), avps).toBytes();
  }

  @Benchmark
  public Object bareBuildAndParse() throws Exception {
    int i = next++ % members;
    hello++;
    CertifiedNode n = nodes[i];
    DiameterMessage request =
        DiameterMessage.decode(
            Unpooled.wrappedBuffer(
                request(new CertifiedNode(n.identity(), n.address(), hello, hello * 31, "", REALM))
                    .toBytes()));
    request.requireKnownMandatoryAvps();
    CertifiedNode read = HelloAaRequests.certifiedNode(request);
    List<Avp> avps = new ArrayList<>(identity);
    avps.addAll(grant);
    DiameterMessage answer =
        DiameterMessage.decode(
            Unpooled.wrappedBuffer(
                DiameterMessage.answer(request, ResultCode.SUCCESS, avps).toBytes()));
    return new Object[] {
      read, answer.resultCode(), Nasreq.routes(answer), Nasreq.filterRules(answer)
    };
  }

  private static DiameterMessage request(CertifiedNode node) {
    return HelloAaRequests.certifiedRequest(SESSION, "sink." + REALM, REALM, REALM, node);
  }

  /** Where the CHAP-Challenge's data starts in {@code wire}: after the 20-octet header. */
  private static int challengeOffset(byte[] wire) {
    ByteBuffer b = ByteBuffer.wrap(wire);
    int at = 20;
    while (at < wire.length) {
      int code = b.getInt(at);
      int flags = wire[at + 4] & 0xFF;
      int length = b.getInt(at + 4) & 0xFFFFFF;
      int header = (flags & Avp.FLAG_VENDOR) != 0 ? 12 : 8;
      if (code == AvpCode.CHAP_CHALLENGE) {
        return at + header;
      }
      at += (length + 3) & ~3;
    }
    throw new IllegalStateException("no CHAP-Challenge");
  }
}
