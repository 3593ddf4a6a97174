package io.mvpn.aodv.pki;

import io.mvpn.aodv.message.PkiCertificate;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.xbill.DNS.CERTRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A node's certificate from its MSM's DNS (seed 002 c55): a CERT query (RFC 4398, type 37) for the
 * name the hello gives; of the answers, the first of type PKIX (1) whose certificate's SHA-256 is
 * the hello's fingerprint. A name with no such record, or a failed query, gives none.
 */
public final class DnsCertificateSource implements CertificateSource {

  private final Resolver resolver;

  /** Asks through {@code resolver}, e.g. a {@code SimpleResolver} pointed at the MSM's DNS. */
  public DnsCertificateSource(Resolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public void fetch(PkiCertificate reference, Consumer<Optional<X509Certificate>> answer) {
    Message query;
    try {
      query =
          Message.newQuery(
              org.xbill.DNS.Record.newRecord(
                  Name.fromString(reference.dnsName(), Name.root), Type.CERT, DClass.IN));
    } catch (TextParseException e) {
      answer.accept(Optional.empty());
      return;
    }
    byte[] fingerprint = reference.fingerprint();
    resolver
        .sendAsync(query)
        .whenComplete(
            (response, failure) ->
                answer.accept(failure == null ? match(response, fingerprint) : Optional.empty()));
  }

  /** The PKIX certificate in {@code response} whose SHA-256 is {@code fingerprint}. */
  static Optional<X509Certificate> match(Message response, byte[] fingerprint) {
    if (response.getRcode() != Rcode.NOERROR) {
      return Optional.empty();
    }
    List<byte[]> pkix = new ArrayList<>();
    for (org.xbill.DNS.Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof CERTRecord cert && cert.getCertType() == CERTRecord.PKIX) {
        pkix.add(cert.getCert());
      }
    }
    return CertificateSource.withFingerprint(pkix, fingerprint);
  }

  /** SHA-256 of {@code der}: the fingerprint a reference carries. */
  public static byte[] sha256(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
