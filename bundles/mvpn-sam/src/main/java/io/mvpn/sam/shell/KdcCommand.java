package io.mvpn.sam.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.sam.kdc.TenantKdc;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:kdc principals [REALM]} lists the principals of the appliance's KDCs; {@code mvpn:kdc
 * add PRINCIPAL [--password PW] [--keytab FILE] [--realm REALM]} adds one: a user with a password,
 * or a service with random keys written to a keytab for it.
 */
@Service
@Command(scope = "mvpn", name = "kdc", description = "The tenant realms' Kerberos KDCs")
public class KdcCommand implements Action {

  @Argument(index = 0, name = "action", description = "principals | add", required = true)
  String action;

  // Karaf reads options only before the first argument; these follow the action, so they are
  // taken from the words after it.
  @Argument(
      index = 1,
      name = "words",
      description =
          "principals: [REALM]; add: PRINCIPAL [--password PW] [--keytab FILE] [--realm R]",
      multiValued = true)
  List<String> words;

  private String name;
  private String realm;
  private String password;
  private String keytab;

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<TenantKdc> kdcs;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() throws Exception {
    try (ServicesNow<TenantKdc> now = ServicesNow.of(bundleContext, TenantKdc.class, kdcs)) {
      kdcs = now.services();
      return run();
    }
  }

  private Object run() throws Exception {
    if (!parseWords()) {
      session.getConsole().println("options: --password PW, --keytab FILE, --realm REALM");
      return null;
    }
    switch (action) {
      case "principals" -> listPrincipals();
      case "add" -> add();
      default -> session.getConsole().println("action: principals [REALM] | add PRINCIPAL");
    }
    return null;
  }

  private void listPrincipals() throws Exception {
    if (kdcs == null || kdcs.isEmpty()) {
      session.getConsole().println("no KDC runs (etc/io.mvpn.kdc-NAME.cfg starts one)");
      return;
    }
    for (TenantKdc kdc : kdcs) {
      if (name != null && !name.equals(kdc.realm())) {
        continue;
      }
      session.getConsole().println(kdc.realm() + " on " + kdc.address());
      for (String principal : kdc.principals()) {
        session.getConsole().println("  " + principal);
      }
    }
  }

  private void add() throws Exception {
    if (name == null) {
      session.getConsole().println("add PRINCIPAL [--password PW] [--keytab FILE] [--realm R]");
      return;
    }
    String wanted = realm != null ? realm : realmOf(name);
    List<TenantKdc> matching =
        kdcs == null
            ? List.of()
            : kdcs.stream().filter(k -> wanted == null || wanted.equals(k.realm())).toList();
    if (matching.size() != 1) {
      session.getConsole().println(matching.isEmpty() ? "no such realm" : "which realm? --realm");
      return;
    }
    TenantKdc kdc = matching.get(0);
    if (password != null) {
      kdc.addPrincipal(name, password);
    } else {
      kdc.addServicePrincipal(name);
    }
    session.getConsole().println("added " + name + " to " + kdc.realm());
    if (keytab != null) {
      kdc.exportKeytab(name, Path.of(keytab));
      session.getConsole().println("keytab " + Path.of(keytab).toAbsolutePath());
    }
  }

  private boolean parseWords() {
    List<String> given = words == null ? List.of() : words;
    for (int i = 0; i < given.size(); i++) {
      String word = given.get(i);
      if (!word.startsWith("--")) {
        if (name != null) {
          return false;
        }
        name = word;
        continue;
      }
      if (i + 1 >= given.size()) {
        return false;
      }
      String value = given.get(++i);
      switch (word) {
        case "--password" -> password = value;
        case "--keytab" -> keytab = value;
        case "--realm" -> realm = value;
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  private static String realmOf(String principal) {
    int at = principal.lastIndexOf('@');
    return at < 0 ? null : principal.substring(at + 1);
  }
}
