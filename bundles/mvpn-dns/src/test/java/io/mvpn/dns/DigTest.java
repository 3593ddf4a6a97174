package io.mvpn.dns;

import static io.mvpn.api.testing.Requirements.require;
import static io.mvpn.dns.Fixture.ALICE;
import static io.mvpn.dns.Fixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's {@code dig} (bind9-dnsutils) against the server on a real socket. dig's defaults send
 * EDNS0 with a COOKIE, so these queries check the zone as resolvers meet it. Alice asks from
 * 127.0.0.1, Bob (the same private address in another tenant) from 127.0.0.2.
 */
class DigTest {

  private static final long DIG_TIMEOUT_S = 10;

  private static DnsServer server;
  private static String dig;

  @BeforeAll
  static void start() throws IOException {
    dig = findDig();
    require(dig != null, "dig not installed (Debian package bind9-dnsutils)");
    StaticAskerResolver askers =
        new StaticAskerResolver()
            .put(InetAddress.getByName("127.0.0.1"), 0, ALICE)
            .put(InetAddress.getByName("127.0.0.2"), 0, BOB);
    WorkgroupZone zone = new WorkgroupZone(Fixture.directory());
    zone.setCertificates(Fixture.certificates(CertRecordsTest.CAROL_CERT));
    server =
        DnsServer.start(zone, askers, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aVisibleNameIsAnsweredWithAnAuthoritativeAddressAndAGoodCookie() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "A");
    assertThat(d.status).isEqualTo("NOERROR");
    assertThat(d.flags).contains("qr", "aa").doesNotContain("ra");
    assertThat(d.answers).containsExactly(Fixture.CAROL_NAME + " 60 IN A 10.2.0.7");
    assertThat(d.output).contains("; EDNS: version: 0, flags:; udp: 1232");
    assertThat(d.output).as(d.output).containsPattern("; COOKIE: [0-9a-f]{48} \\(good\\)");
  }

  @Test
  void digCertGetsTheMembersCertificateAsPkixWithItsKeyTagOverEdnsAndOverTcp() throws Exception {
    byte[] der = CertRecordsTest.CAROL_CERT.getEncoded();
    for (String transport : List.of("+notcp", "+tcp")) {
      Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "CERT", transport);
      assertThat(d.status).as(d.output).isEqualTo("NOERROR");
      assertThat(d.flags).contains("aa").doesNotContain("tc");
      assertThat(d.answers).hasSize(1);
      String[] f = d.answers.get(0).split(" ", 8);
      assertThat(List.of(f).subList(0, 5))
          .containsExactly(Fixture.CAROL_NAME, "60", "IN", "CERT", "PKIX");
      assertThat(Integer.parseInt(f[5])).isBetween(1, 65535);
      assertThat(f[6]).isIn("13", "ECDSAP256SHA256"); // BIND prints the mnemonic
      assertThat(java.util.Base64.getMimeDecoder().decode(f[7].replace(" ", ""))).isEqualTo(der);
    }
    assertThat(dig("127.0.0.2", Fixture.ALICE_NAME, "CERT").status).isEqualTo("NXDOMAIN");
  }

  @Test
  void aHiddenNameIsNxdomainWithTheSoa() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.BOB_NAME, "A");
    assertThat(d.status).isEqualTo("NXDOMAIN");
    assertThat(d.flags).contains("qr", "aa").doesNotContain("ra");
    assertThat(d.answers).isEmpty();
    assertThat(d.authority).hasSize(1);
    assertThat(d.authority.get(0)).startsWith("wg.mvpn.example. 60 IN SOA ");
  }

  @Test
  void theSameAddressInAnotherTenantSeesOtherNames() throws Exception {
    Dig bobAsksBob = dig("127.0.0.2", Fixture.BOB_NAME, "A");
    assertThat(bobAsksBob.status).isEqualTo("NOERROR");
    assertThat(bobAsksBob.answers).containsExactly(Fixture.BOB_NAME + " 60 IN A 10.1.0.5");
    assertThat(dig("127.0.0.2", Fixture.ALICE_NAME, "A").status).isEqualTo("NXDOMAIN");
    assertThat(dig("127.0.0.1", Fixture.ALICE_NAME, "A").answers)
        .containsExactly(Fixture.ALICE_NAME + " 60 IN A 10.1.0.5");
  }

  @Test
  void aNameOutsideTheZoneIsRefused() throws Exception {
    Dig d = dig("127.0.0.1", "www.example.com.", "A");
    assertThat(d.status).isEqualTo("REFUSED");
    assertThat(d.flags).contains("qr").doesNotContain("aa", "ra");
    assertThat(d.answers).isEmpty();
  }

  @Test
  void anotherTypeOfAVisibleNameIsNodata() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "AAAA");
    assertThat(d.status).isEqualTo("NOERROR");
    assertThat(d.flags).contains("aa");
    assertThat(d.answers).isEmpty();
    assertThat(d.authority).hasSize(1);
  }

  @Test
  void withoutEdnsThereIsNoOpt() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "A", "+noedns");
    assertThat(d.status).isEqualTo("NOERROR");
    assertThat(d.answers).containsExactly(Fixture.CAROL_NAME + " 60 IN A 10.2.0.7");
    assertThat(d.output).doesNotContain("OPT PSEUDOSECTION");
  }

  @Test
  void ednsVersionOneIsBadvers() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "A", "+edns=1", "+noednsnegotiation");
    assertThat(d.status).isEqualTo("BADVERS");
    assertThat(d.answers).isEmpty();
    assertThat(d.output).contains("; EDNS: version: 0,");
  }

  @Test
  void theServerCookieIsAcceptedWhenSentBack() throws Exception {
    Dig first = dig("127.0.0.1", Fixture.CAROL_NAME, "A");
    Matcher m = COOKIE.matcher(first.output);
    assertThat(m.find()).as(first.output).isTrue();
    Dig second = dig("127.0.0.1", Fixture.CAROL_NAME, "A", "+cookie=" + m.group(1));
    assertThat(second.status).as(second.output).isEqualTo("NOERROR");
    assertThat(second.output).contains("; COOKIE: " + m.group(1).substring(0, 16));
    assertThat(second.output).contains("(good)");
  }

  @Test
  void theDoBitIsEchoedAndNothingIsSigned() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "A", "+dnssec");
    assertThat(d.output).as(d.output).contains("; EDNS: version: 0, flags: do; udp: 1232");
    assertThat(d.answers).containsExactly(Fixture.CAROL_NAME + " 60 IN A 10.2.0.7");
  }

  @Test
  void tcpGivesTheSameAnswer() throws Exception {
    Dig d = dig("127.0.0.1", Fixture.CAROL_NAME, "A", "+tcp");
    assertThat(d.status).isEqualTo("NOERROR");
    assertThat(d.flags).contains("aa").doesNotContain("ra");
    assertThat(d.answers).containsExactly(Fixture.CAROL_NAME + " 60 IN A 10.2.0.7");
    assertThat(d.output).contains("(TCP)");
  }

  // ---- running dig

  /** What dig printed, and the parts the tests look at. */
  record Dig(
      String output,
      String status,
      Set<String> flags,
      List<String> answers,
      List<String> authority) {}

  private static final Pattern HEADER = Pattern.compile("status: ([A-Z]+),");
  private static final Pattern COOKIE = Pattern.compile("; COOKIE: ([0-9a-f]{48}) ");
  private static final Pattern FLAGS = Pattern.compile(";; flags:([a-z ]*);");

  private static Dig dig(String source, String name, String type, String... options)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                dig,
                "@127.0.0.1",
                "-p",
                Integer.toString(server.udpAddress().getPort()),
                "-b",
                source,
                name,
                type,
                "+time=2",
                "+tries=1"));
    cmd.addAll(Arrays.asList(options));
    Path out = Files.createTempFile("dig", ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(DIG_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("dig did not finish in " + DIG_TIMEOUT_S + " s: " + cmd);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      Matcher s = HEADER.matcher(text);
      Matcher f = FLAGS.matcher(text);
      assertThat(s.find()).as(text).isTrue();
      assertThat(f.find()).as(text).isTrue();
      return new Dig(
          text,
          s.group(1),
          Set.of(f.group(1).trim().split(" +")),
          section(text, "ANSWER"),
          section(text, "AUTHORITY"));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The records of one section, with runs of blanks made one space. */
  private static List<String> section(String text, String name) {
    List<String> records = new ArrayList<>();
    boolean in = false;
    for (String line : text.split("\n")) {
      if (line.startsWith(";; " + name + " SECTION:")) {
        in = true;
      } else if (in && (line.isBlank() || line.startsWith(";"))) {
        break;
      } else if (in) {
        records.add(line.trim().replaceAll("\\s+", " "));
      }
    }
    return records;
  }

  private static String findDig() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "dig");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }
}
