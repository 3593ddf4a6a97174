package io.mvpn.itests;

import io.mvpn.net.transport.tun.KernelLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority the appliance has never heard of, made with openssl in the client's
 * directory: it certifies the road warrior's name as the appliance CA would (ECDSA P-256, the name
 * as subject and DNS subjectAltName) and bundles key, certificate and CA into the PKCS#12 file
 * swanctl.conf loads, so only the issuer differs from a trusted client.
 */
final class UntrustedCa {

  private UntrustedCa() {}

  /** Writes {@code node}'s {@link RoadWarrior#p12File} issued by a new CA named {@code caName}. */
  static void issue(RoadWarrior node, String caName) throws IOException, InterruptedException {
    Path work = Files.createDirectories(node.dir.resolve("untrusted-ca"));
    String ca = work.resolve("ca.pem").toString();
    String caKey = work.resolve("ca.key").toString();
    String key = work.resolve("node.key").toString();
    String request = work.resolve("node.csr").toString();
    String certificate = work.resolve("node.pem").toString();
    Path extensions = work.resolve("node.ext");
    Files.writeString(
        extensions,
        "basicConstraints = critical, CA:FALSE\n"
            + "keyUsage = critical, digitalSignature\n"
            + "subjectAltName = DNS:"
            + node.identity
            + "\n");
    // A new P-256 key with a self-signed CA certificate, then one with a request for the node.
    newKey("-x509", caKey, ca, subject(caName), "-days", "30");
    newKey("-new", key, request, "/CN=" + node.identity);
    KernelLab.run(
        "openssl",
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-set_serial",
        "4242",
        "-days",
        "30",
        "-sha256",
        "-extfile",
        extensions.toString(),
        "-out",
        certificate);
    Files.createDirectories(node.p12File().getParent());
    KernelLab.run(
        "openssl",
        "pkcs12",
        "-export",
        "-inkey",
        key,
        "-in",
        certificate,
        "-certfile",
        ca,
        "-name",
        node.identity,
        "-out",
        node.p12File().toString(),
        "-passout",
        "pass:" + RoadWarrior.PASSWORD);
  }

  /** {@code openssl req MODE} with a new P-256 key, unencrypted, for {@code subject}. */
  private static void newKey(String mode, String key, String out, String subject, String... more)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "req",
                mode,
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key,
                "-out",
                out,
                "-subj",
                subject));
    command.addAll(List.of(more));
    KernelLab.run(command.toArray(String[]::new));
  }

  /** {@code CN=A,O=B} as openssl's {@code -subj} writes it: {@code /O=B/CN=A}. */
  private static String subject(String rfc2253) {
    StringBuilder out = new StringBuilder();
    String[] parts = rfc2253.split(",");
    for (int i = parts.length - 1; i >= 0; i--) {
      out.append('/').append(parts[i].trim());
    }
    return out.toString();
  }
}
