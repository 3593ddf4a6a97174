package io.mvpn.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.mvpn.api.MvpnId;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantListener;
import io.mvpn.api.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** What every integration test needs: a Karaf to boot, shell commands, waits on services. */
final class Karaf {

  private Karaf() {}

  /** Every bundle of mvpn-all, by symbolic name: the appliance runs them all. */
  static final java.util.Set<String> MVPN_BUNDLES =
      java.util.Set.of(
          "io.mvpn.api",
          "io.mvpn.packet",
          "io.mvpn.net",
          "io.mvpn.fabric",
          "io.mvpn.lab",
          "io.mvpn.store",
          "io.mvpn.dispatcher",
          "io.mvpn.homeagent",
          "io.mvpn.foreignagent",
          "io.mvpn.mobilenode",
          "io.mvpn.demo",
          "io.mvpn.ipsec",
          "io.mvpn.securitygateway",
          "io.mvpn.aodv",
          "io.mvpn.workgroup",
          "io.mvpn.dns",
          "io.mvpn.msm",
          "io.mvpn.ike",
          "io.mvpn.keying",
          "io.mvpn.napt",
          "io.mvpn.backbone",
          "io.mvpn.metrics",
          "io.mvpn.diameter",
          "io.mvpn.kerby",
          "io.mvpn.sam",
          "io.mvpn.rest");

  static final String PAX_URL_CFG = "etc/org.ops4j.pax.url.mvn.cfg";

  /**
   * Boots the given Karaf archive with its SSH shell moved off 8101 (an appliance may run beside
   * the tests) and pax-url pointed at the build's local repository.
   */
  static Option[] distribution(String archive, String name) {
    String localRepo = System.getProperty("maven.repo.local");
    return new Option[] {
      karafDistributionConfiguration()
          .frameworkUrl(new File(archive).toURI().toString())
          .name(name)
          .unpackDirectory(new File("target/exam"))
          .useDeployFolder(false),
      configureConsole().ignoreLocalConsole(),
      logLevel(LogLevel.INFO),
      editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", "18101"),
      editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", "11099"),
      editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", "44445"),
      editConfigurationFilePut(
          PAX_URL_CFG, "org.ops4j.pax.url.mvn.localRepository", localRepo == null ? "" : localRepo),
      systemProperty("mvpn.version").value(System.getProperty("mvpn.version")),
    };
  }

  /**
   * Runs one shell command as the appliance's admin would (with the admin roles, which Karaf's
   * command ACLs ask for) and returns what it printed.
   */
  static String execute(SessionFactory sessions, String command) throws Exception {
    Subject admin = new Subject();
    for (String role : List.of("admin", "manager", "viewer", "systembundles")) {
      admin.getPrincipals().add(new RolePrincipal(role));
    }
    try {
      return Subject.doAs(
          admin, (PrivilegedExceptionAction<String>) () -> executeAsCaller(sessions, command));
    } catch (PrivilegedActionException e) {
      throw e.getException();
    }
  }

  /**
   * {@code bundle:update BSN}, as an operator runs it again when Felix refused it: while another
   * thread holds the framework's global lock (a refresh, a feature being provisioned) and wants the
   * bundle's lock this command holds, Felix breaks the wait by interrupting the command, which then
   * fails with "Unable to acquire global lock for resolve" and leaves the updated bundle installed
   * but not started. Seen under load; at most three attempts.
   */
  static String updateBundle(SessionFactory sessions, String bsn) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return execute(sessions, "bundle:update " + bsn);
      } catch (BundleException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("acquire global lock")) {
          throw e;
        }
      }
    }
  }

  private static String executeAsCaller(SessionFactory sessions, String command) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      Session session = sessions.create(System.in, out, out);
      try {
        Object result = session.execute(command);
        if (result != null) {
          out.println(result);
        }
      } finally {
        session.close();
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Waits (event-driven, bounded) for a service matching an LDAP filter; null on time-out. */
  static Object awaitService(BundleContext context, String filter, long seconds)
      throws InterruptedException {
    ServiceTracker<Object, Object> tracker =
        new ServiceTracker<>(context, filter(context, filter), null);
    tracker.open(true);
    try {
      return tracker.waitForService(TimeUnit.SECONDS.toMillis(seconds));
    } finally {
      tracker.close();
    }
  }

  /** As {@link #awaitService(BundleContext, String, long)} for a service of {@code type}. */
  static <T> T awaitService(BundleContext context, Class<T> type, long seconds)
      throws InterruptedException {
    return type.cast(awaitService(context, "(objectClass=" + type.getName() + ")", seconds));
  }

  /** Waits (event-driven, bounded) until no service matches an LDAP filter. */
  static boolean awaitServiceGone(BundleContext context, String filter, long seconds)
      throws Exception {
    CountDownLatch gone = new CountDownLatch(1);
    ServiceListener listener =
        event -> {
          if (event.getType() == ServiceEvent.UNREGISTERING) {
            gone.countDown();
          }
        };
    context.addServiceListener(listener, filter);
    try {
      ServiceReference<?>[] left = context.getServiceReferences((String) null, filter);
      return left == null || gone.await(seconds, TimeUnit.SECONDS);
    } finally {
      context.removeServiceListener(listener);
    }
  }

  /** The tenant service in force now (a bundle update replaces it), waiting for it if need be. */
  static TenantService tenantService(BundleContext context, long seconds) throws Exception {
    Object service =
        awaitService(context, "(objectClass=" + TenantService.class.getName() + ")", seconds);
    if (service == null) {
      throw new AssertionError("no TenantService within " + seconds + " s");
    }
    return (TenantService) service;
  }

  /**
   * Waits until the tenant service holds (or no longer holds) a tenant, on its own events: a Tenant
   * service registration is seen by the tenant service an instant later, on another thread.
   */
  static Optional<Tenant> awaitTenant(
      TenantService tenants, String id, boolean present, long seconds) throws Exception {
    MvpnId tenant = MvpnId.of(id);
    CountDownLatch reached = new CountDownLatch(1);
    TenantListener listener =
        event -> {
          if (tenants.getTenant(tenant).isPresent() == present) {
            reached.countDown();
          }
        };
    tenants.addListener(listener);
    try {
      if (tenants.getTenant(tenant).isPresent() != present
          && !reached.await(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "tenant " + id + (present ? " never came" : " never went") + " in " + seconds + " s");
      }
      return tenants.getTenant(tenant);
    } finally {
      tenants.removeListener(listener);
    }
  }

  /**
   * Waits for a condition that the framework reaches on its own threads and announces with no event
   * of its own (a component's state in SCR), checking it every 20 ms for a bounded time.
   */
  static boolean awaitCondition(BooleanSupplier condition, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  static Filter filter(BundleContext context, String filter) {
    try {
      return context.createFilter(filter);
    } catch (InvalidSyntaxException e) {
      throw new IllegalArgumentException(filter, e);
    }
  }
}
