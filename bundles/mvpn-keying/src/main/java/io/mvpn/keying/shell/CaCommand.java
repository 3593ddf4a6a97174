package io.mvpn.keying.shell;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.CaService;
import io.mvpn.ike.CaService.IssuedView;
import io.mvpn.ike.pki.Credential;
import java.io.PrintStream;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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

/**
 * {@code mvpn:ca issue CN [--ip A.B.C.D] [--dns NAME] | list | revoke SERIAL | crl}: the appliance
 * CA.
 */
@Service
@Command(scope = "mvpn", name = "ca", description = "The appliance CA: issue, list, revoke, crl")
public class CaCommand implements Action {

  @Argument(index = 0, name = "action", description = "issue, list, revoke or crl")
  @Completion(
      value = StringsCompleter.class,
      values = {"issue", "list", "revoke", "crl"})
  String action = "list";

  @Argument(index = 1, name = "cn|serial", description = "Common name to issue, serial to revoke")
  String subject;

  @Option(name = "--ip", description = "subjectAltName IPv4 address", multiValued = true)
  List<String> ips;

  @Option(name = "--dns", description = "subjectAltName DNS name", multiValued = true)
  List<String> dns;

  /** Karaf parses options only before the arguments: these are the ones given after the CN. */
  @Argument(index = 2, name = "options", multiValued = true, description = "--ip A, --dns N")
  List<String> trailing;

  @Reference(optional = true)
  List<CaService> cas;

  @Reference Session session;

  @Override
  public Object execute() {
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
      case "list" -> list(out, ca);
      case "revoke" -> revoke(out, ca);
      case "crl" -> crl(out, ca);
      default ->
          out.println(
              "usage: mvpn:ca issue CN [--ip A.B.C.D] [--dns NAME] | list"
                  + " | revoke SERIAL | crl");
    }
    return null;
  }

  private void issue(PrintStream out, CaService ca) {
    if (subject == null) {
      out.println("usage: mvpn:ca issue CN [--ip A.B.C.D] [--dns NAME]");
      return;
    }
    List<String> ipTexts = new ArrayList<>(ips == null ? List.of() : ips);
    List<String> names = new ArrayList<>(dns == null ? List.of() : dns);
    List<String> rest = trailing == null ? List.of() : trailing;
    for (int i = 0; i < rest.size(); i++) {
      String o = rest.get(i);
      if ((o.equals("--ip") || o.equals("--dns")) && i + 1 < rest.size()) {
        (o.equals("--ip") ? ipTexts : names).add(rest.get(++i));
      } else {
        out.println("unexpected " + o + "; usage: mvpn:ca issue CN [--ip A.B.C.D] [--dns NAME]");
        return;
      }
    }
    List<Ipv4Address> addresses;
    try {
      addresses = ipTexts.stream().map(Ipv4Address::parse).toList();
    } catch (IllegalArgumentException e) {
      out.println("not an IPv4 address: " + e.getMessage());
      return;
    }
    Credential c = ca.issue(subject, addresses, names);
    out.printf(
        "issued serial %s to %s, valid until %s%n",
        c.certificate().getSerialNumber(),
        c.certificate().getSubjectX500Principal().getName(),
        c.certificate().getNotAfter().toInstant());
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
