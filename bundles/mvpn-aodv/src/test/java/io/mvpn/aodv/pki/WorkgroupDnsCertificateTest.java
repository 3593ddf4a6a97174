package io.mvpn.aodv.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.DnsServer;
import io.mvpn.dns.StaticAskerResolver;
import io.mvpn.dns.WorkgroupZone;
import io.mvpn.dns.ZoneSettings;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.SimpleResolver;

/**
 * Seed 002 c55 against the appliance's own DNS: the sink's {@link DnsCertificateSource} asks the
 * workgroup DNS, on a loopback socket, for the CERT records of the name a hello refers to; the zone
 * publishes the certificates the MSM's CA issued under each member's FQDN. The sink asks as a
 * member of the site's workgroup, as the DNS answers only askers that may see the member.
 */
class WorkgroupDnsCertificateTest {

  private static final MemberId ALICE = id("10.1.0.3");
  private static final MemberId SINK = id("10.1.0.1");

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create(
          "acme MSM CA",
          KeyType.EC_P256,
          now.minus(Duration.ofDays(1)),
          now.plus(Duration.ofDays(30)),
          CertificateStore.inMemory(),
          new SecureRandom());
  private final Credential alice =
      ca.issue(
          new CertificateAuthority.Subject(
              "alice.acme.example", List.of(), List.of("alice.acme.example")),
          KeyType.EC_P256,
          now.minus(Duration.ofMinutes(5)),
          now.plus(Duration.ofDays(1)));
  private DnsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aSinkFindsTheCertificateAHelloRefersToInTheAppliancesOwnDns() throws Exception {
    byte[] der = alice.certificate().getEncoded();
    DnsCertificateSource sink = sinkAskingTheWorkgroupDns(List.of(der));

    assertThat(
            fetch(
                sink,
                PkiCertificate.reference(DnsCertificateSource.sha256(der), "alice.acme.example.")))
        .contains(alice.certificate());
    assertThat(fetch(sink, PkiCertificate.reference(new byte[32], "alice.acme.example.")))
        .as("a fingerprint no published certificate has")
        .isEmpty();
    assertThat(
            fetch(
                sink,
                PkiCertificate.reference(DnsCertificateSource.sha256(der), "bob.acme.example.")))
        .as("a name the zone does not have")
        .isEmpty();
  }

  private DnsCertificateSource sinkAskingTheWorkgroupDns(List<byte[]> alicesCertificates)
      throws Exception {
    InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
    directory.putMember(
        new Member(ALICE, "alice.acme.example", Ipv4Address.parse("198.51.100.10")));
    directory.putMember(new Member(SINK, "sink.acme.example", Ipv4Address.parse("198.51.100.11")));
    directory.addWorkgroup("site");
    directory.join("site", ALICE);
    directory.join("site", SINK);
    WorkgroupZone zone = new WorkgroupZone(directory, ZoneSettings.of("acme.example."));
    zone.setCertificates(
        (name, answer) ->
            answer.accept(name.equals("alice.acme.example") ? alicesCertificates : List.of()));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    server =
        DnsServer.start(
            zone,
            new StaticAskerResolver().put(loopback, 0, SINK),
            new InetSocketAddress(loopback, 0));
    SimpleResolver resolver = new SimpleResolver(server.udpAddress());
    resolver.setTimeout(Duration.ofSeconds(5));
    return new DnsCertificateSource(resolver);
  }

  private static Optional<X509Certificate> fetch(DnsCertificateSource source, PkiCertificate ref)
      throws Exception {
    CompletableFuture<Optional<X509Certificate>> got = new CompletableFuture<>();
    source.fetch(ref, got::complete);
    return got.get(15, TimeUnit.SECONDS);
  }

  private static MemberId id(String address) {
    return new MemberId(MvpnId.of("acme"), Ipv4Address.parse(address));
  }
}
