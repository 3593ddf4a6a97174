package io.mvpn.keying.shell;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.shell.ServicesNow;
import io.mvpn.ike.CaService;
import io.mvpn.ike.CaService.IssuedView;
import io.mvpn.ike.pki.CertificatePolicy;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.CredentialFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:ca issue CN [--ip A.B.C.D] [--dns NAME] [--role sink] [--pem DIR] [--p12 FILE
 * --password PW] | export [--out FILE] | list | revoke SERIAL | crl}: the appliance CA. A role is a
 * certificate policy the holder gets ({@code sink}: an AODV site's sink, which nodes check for
 * before they take its routes). {@code export} prints (or writes) the CA certificate as PEM, for a
 * client to trust; {@code issue} with {@code --pem} or {@code --p12} also writes the new
 * certificate with its key and the CA, for a client to prove itself with. Files are written on the
 * appliance's host, readable by its user only.
 */
@Service
@Command(
    scope = "mvpn",
    name = "ca",
    description = "The appliance CA: issue, export, list, revoke, crl")
public class CaCommand implements Action {

  @Argument(index = 0, name = "action", description = "issue, export, list, revoke or crl")
  @Completion(
      value = StringsCompleter.class,
      values = {"issue", "export", "list", "revoke", "crl"})
  String action = "list";

  @Argument(index = 1, name = "cn|serial", description = "Common name to issue, serial to revoke")
  String subject;

  @Option(name = "--ip", description = "subjectAltName IPv4 address", multiValued = true)
  List<String> ips;

  @Option(name = "--dns", description = "subjectAltName DNS name", multiValued = true)
  List<String> dns;

  @Option(
      name = "--role",
      description = "issue: a role the certificate grants (sink)",
      multiValued = true)
  List<String> roles;

  @Option(name = "--pem", description = "issue: write CN.crt, CN.key (PKCS#8) and ca.crt here")
  String pemDir;

  @Option(name = "--p12", description = "issue: write the key, certificate and CA as PKCS#12")
  String p12File;

  @Option(name = "--password", description = "issue: the PKCS#12 file's password")
  String password;

  @Option(name = "--out", description = "export: write the CA certificate to this file")
  String outFile;

  /** Karaf parses options only before the arguments: these are the ones given after the CN. */
  @Argument(
      index = 2,
      name = "options",
      multiValued = true,
      description = "--ip A, --dns N, --role R, --pem DIR, --p12 FILE, --password PW, --out FILE")
  List<String> trailing;

  private static final String ISSUE_USAGE =
      "usage: mvpn:ca issue CN [--ip A.B.C.D] [--dns NAME] [--role sink] [--pem DIR]"
          + " [--p12 FILE --password PW]";

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<CaService> cas;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<CaService> now = ServicesNow.of(bundleContext, CaService.class, cas)) {
      cas = now.services();
      return run();
    }
  }

  private Object run() {
    PrintStream out = session.getConsole();
    // A CA whose configuration failed to activate shows up as null: skip it.
    CaService ca =
        cas == null ? null : cas.stream().filter(Objects::nonNull).findFirst().orElse(null);
    if (ca == null) {
      out.println("no appliance CA");
      return null;
    }
    switch (action) {
      case "issue" -> issue(out, ca);
      case "export" -> export(out, ca);
      case "list" -> list(out, ca);
      case "revoke" -> revoke(out, ca);
      case "crl" -> crl(out, ca);
      default ->
          out.println(
              "mvpn:ca: no action '"
                  + action
                  + "'\n"
                  + ISSUE_USAGE
                  + " | export [--out FILE] | list | revoke SERIAL | crl");
    }
    return null;
  }

  private void issue(PrintStream console, CaService ca) {
    if (subject == null || !takeTrailing(console)) {
      console.println(ISSUE_USAGE);
      return;
    }
    if (p12File != null && (password == null || password.isEmpty())) {
      console.println("--p12 needs --password; " + ISSUE_USAGE);
      return;
    }
    List<Ipv4Address> addresses;
    try {
      addresses = (ips == null ? List.<String>of() : ips).stream().map(Ipv4Address::parse).toList();
    } catch (IllegalArgumentException e) {
      console.println("not an IPv4 address: " + e.getMessage());
      return;
    }
    List<String> policies = new ArrayList<>();
    for (String role : roles) {
      Optional<String> oid = CertificatePolicy.role(role);
      if (oid.isEmpty()) {
        console.println(
            "no role '"
                + role
                + "' (roles: "
                + String.join(", ", CertificatePolicy.ROLES.keySet())
                + ")");
        return;
      }
      policies.add(oid.get());
    }
    Credential c = ca.issue(subject, addresses, dns == null ? List.of() : dns, policies);
    console.printf(
        "issued serial %s to %s, valid until %s%n",
        c.certificate().getSerialNumber(),
        c.certificate().getSubjectX500Principal().getName(),
        c.certificate().getNotAfter().toInstant());
    try {
      if (pemDir != null) {
        CredentialFiles.PemFiles files =
            CredentialFiles.writePem(Path.of(pemDir), subject, c, ca.certificate());
        console.printf("wrote %s, %s, %s%n", files.certificate(), files.privateKey(), files.ca());
      }
      if (p12File != null) {
        CredentialFiles.writePkcs12(
            Path.of(p12File), subject, c, ca.certificate(), password.toCharArray());
        console.println("wrote " + p12File);
      }
    } catch (IOException | RuntimeException e) {
      console.println("cannot write the credential: " + e.getMessage());
    }
  }

  private void export(PrintStream console, CaService ca) {
    if (!takeTrailing(console)) {
      console.println("usage: mvpn:ca export [--out FILE]");
      return;
    }
    String pem = CredentialFiles.pem(ca.certificate());
    if (outFile == null) {
      console.print(pem);
      return;
    }
    try {
      CredentialFiles.writePrivate(Path.of(outFile), pem.getBytes(StandardCharsets.US_ASCII));
      console.println("wrote " + outFile);
    } catch (IOException e) {
      console.println("cannot write " + outFile + ": " + e.getMessage());
    }
  }

  /** Moves options given after the CN into their fields; false on anything else. */
  private boolean takeTrailing(PrintStream console) {
    ips = ips == null ? new ArrayList<>() : new ArrayList<>(ips);
    dns = dns == null ? new ArrayList<>() : new ArrayList<>(dns);
    roles = roles == null ? new ArrayList<>() : new ArrayList<>(roles);
    List<String> rest = new ArrayList<>(trailing == null ? List.of() : trailing);
    if ("export".equals(action) && subject != null) {
      rest.add(0, subject); // export takes no argument: its options start right away
    }
    for (int i = 0; i < rest.size(); i++) {
      String o = rest.get(i);
      if (i + 1 >= rest.size()) {
        console.println("unexpected " + o);
        return false;
      }
      String value = rest.get(++i);
      switch (o) {
        case "--ip" -> ips.add(value);
        case "--dns" -> dns.add(value);
        case "--role" -> roles.add(value);
        case "--pem" -> pemDir = value;
        case "--p12" -> p12File = value;
        case "--password" -> password = value;
        case "--out" -> outFile = value;
        default -> {
          console.println("unexpected " + o);
          return false;
        }
      }
    }
    return true;
  }

  private void list(PrintStream out, CaService ca) {
    out.println("CA " + ca.certificate().getSubjectX500Principal().getName());
    ShellTable table = new ShellTable();
    table.column("Serial").alignRight();
    for (String c : List.of("Subject", "SubjectAltNames", "Not after", "Status")) {
      table.column(c);
    }
    for (IssuedView i : ca.issued()) {
      table
          .addRow()
          .addContent(
              i.serial(),
              i.subject(),
              String.join(" ", i.subjectAltNames()),
              i.notAfter(),
              i.revokedAt() == null ? "valid" : "revoked " + i.revokedAt());
    }
    table.print(out);
  }

  private void revoke(PrintStream out, CaService ca) {
    if (subject == null) {
      out.println("usage: mvpn:ca revoke SERIAL");
      return;
    }
    BigInteger serial;
    try {
      serial =
          subject.startsWith("0x")
              ? new BigInteger(subject.substring(2), 16)
              : new BigInteger(subject);
    } catch (NumberFormatException e) {
      out.println("not a serial: " + subject);
      return;
    }
    out.println(
        ca.revoke(serial) ? "revoked serial " + serial : "serial " + serial + " not issued here");
  }

  private void crl(PrintStream out, CaService ca) {
    X509CRL crl = ca.crl();
    out.printf(
        "CRL of %s, this update %s, next %s%n",
        crl.getIssuerX500Principal().getName(),
        crl.getThisUpdate().toInstant(),
        crl.getNextUpdate().toInstant());
    if (crl.getRevokedCertificates() != null) {
      for (X509CRLEntry e : crl.getRevokedCertificates()) {
        out.printf(
            "  serial %s revoked %s%n", e.getSerialNumber(), e.getRevocationDate().toInstant());
      }
    }
  }
}
