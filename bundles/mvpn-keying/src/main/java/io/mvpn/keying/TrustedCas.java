package io.mvpn.keying;

import io.mvpn.api.config.ConfigList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Outside CAs an IKE responder trusts beside the appliance CA, from a {@code trustedCas} setting:
 * comma-separated paths of PEM (or DER) files, each holding one or more CA certificates. A file
 * that is missing, unreadable or holds anything but a CA certificate fails the configuration, so a
 * typo never silently narrows who is trusted.
 */
public final class TrustedCas {

  private TrustedCas() {}

  /** The CA certificates of every file named in {@code setting}, in order; none if it is empty. */
  public static List<X509Certificate> load(String[] setting) {
    List<X509Certificate> all = new ArrayList<>();
    for (String path : ConfigList.items(setting)) {
      all.addAll(load(Path.of(path)));
    }
    return all;
  }

  static List<X509Certificate> load(Path file) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("trustedCas: cannot read " + file + ": " + e, e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "trustedCas: " + file + " holds no X.509 certificate: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("trustedCas: " + file + " holds no certificate");
    }
    List<X509Certificate> cas = new ArrayList<>();
    for (Certificate c : certificates) {
      X509Certificate x = (X509Certificate) c;
      if (x.getBasicConstraints() < 0) {
        throw new IllegalArgumentException(
            "trustedCas: "
                + x.getSubjectX500Principal().getName()
                + " in "
                + file
                + " is not a CA certificate");
      }
      cas.add(x);
    }
    return cas;
  }
}
