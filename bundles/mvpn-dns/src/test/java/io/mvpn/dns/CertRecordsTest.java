package io.mvpn.dns;

import static io.mvpn.dns.Fixture.ALICE;
import static io.mvpn.dns.Fixture.BOB;
import static io.mvpn.dns.Fixture.CAROL_NAME;
import static io.mvpn.dns.Fixture.ERIN;
import static io.mvpn.dns.Fixture.ERIN_NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.dns.WorkgroupZone.Transport;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CERTRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Seed 002 c55 against the workgroup DNS: each certificate the MSM's CA issued under a member's
 * FQDN is a CERT record (RFC 4398) of that name, answered to the askers that may see the member.
 */
class CertRecordsTest {

  static final X509Certificate CAROL_CERT = carolsCertificate();

  private final WorkgroupZone zone = new WorkgroupZone(Fixture.directory());

  CertRecordsTest() {
    zone.setCertificates(Fixture.certificates(CAROL_CERT));
  }

  @Test
  void aVisibleMembersCertificateIsAPkixCertRecordWithItsKeysTagAndAlgorithm() throws Exception {
    Message r = ask(ALICE, CAROL_NAME, Type.CERT);

    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    List<Record> answers = r.getSection(Section.ANSWER);
    assertThat(answers).hasSize(1);
    CERTRecord cert = (CERTRecord) answers.get(0);
    assertThat(cert.getName()).isEqualTo(Name.fromString(CAROL_NAME));
    assertThat(cert.getCertType()).isEqualTo(CERTRecord.PKIX);
    assertThat(cert.getCert()).isEqualTo(CAROL_CERT.getEncoded());
    assertThat(cert.getAlgorithm()).isEqualTo(DNSSEC.Algorithm.ECDSAP256SHA256);
    assertThat(cert.getKeyTag())
        .isEqualTo(
            new DNSKEYRecord(
                    Name.root,
                    DClass.IN,
                    0,
                    0,
                    DNSKEYRecord.Protocol.DNSSEC,
                    DNSSEC.Algorithm.ECDSAP256SHA256,
                    CAROL_CERT.getPublicKey())
                .getFootprint());
  }

  @Test
  void anyGivesTheAddressAndTheCertificate() throws Exception {
    List<Record> answers = ask(ALICE, CAROL_NAME, Type.ANY).getSection(Section.ANSWER);

    assertThat(answers).extracting(Record::getType).containsExactly(Type.A, Type.CERT);
  }

  @Test
  void aHiddenMembersCertificateIsNxdomainAndAMemberWithoutOneIsNodata() throws Exception {
    assertThat(ask(BOB, Fixture.ALICE_NAME, Type.CERT).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message none = ask(ERIN, ERIN_NAME, Type.CERT);
    assertThat(none.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(none.getSection(Section.ANSWER)).isEmpty();
    assertThat(none.getSection(Section.AUTHORITY)).hasSize(1);
  }

  @Test
  void bytesThatAreNoCertificateAreNotPublishedAndAKeyWithoutAlgorithmGetsTagZero() {
    WorkgroupZone z = new WorkgroupZone(Fixture.directory());
    z.setCertificates((name, answer) -> answer.accept(List.of(new byte[] {1, 2, 3, 4})));
    assertThat(ask(z, ALICE, CAROL_NAME, Type.CERT).getSection(Section.ANSWER)).isEmpty();

    CERTRecord r = CertRecords.pkix(Name.root, 60, new byte[] {1, 2, 3, 4});
    assertThat(r.getAlgorithm()).isZero();
    assertThat(r.getKeyTag()).isZero();
  }

  private Message ask(io.mvpn.api.workgroup.MemberId asker, String name, int type) {
    return ask(zone, asker, name, type);
  }

  /** Over TCP: a certificate does not fit the 512 octets of plain UDP. */
  private static Message ask(
      WorkgroupZone z, io.mvpn.api.workgroup.MemberId asker, String name, int type) {
    try {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
      return new Message(z.answer(q.toWire(), asker, Transport.TCP));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A self-signed EC P-256 certificate naming Carol's FQDN, as a CA would issue it. */
  static X509Certificate carolsCertificate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=carol.wg.mvpn.example");
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              keys.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, "carol.wg.mvpn.example")));
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
