package io.mvpn.sam.kdc;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.admin.kadmin.local.LocalKadmin;
import org.apache.kerby.kerberos.kerb.admin.kadmin.local.LocalKadminImpl;
import org.apache.kerby.kerberos.kerb.identity.backend.BackendConfig;
import org.apache.kerby.kerberos.kerb.identity.backend.IdentityBackend;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.request.KrbIdentity;
import org.apache.kerby.kerberos.kerb.server.KdcConfig;
import org.apache.kerby.kerberos.kerb.server.KdcConfigKey;
import org.apache.kerby.kerberos.kerb.server.KdcServer;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;

/**
 * One realm's KDC (Apache Kerby's server) whose principals survive a restart.
 *
 * <p>Kerby keeps identities in memory; this class writes every principal's keys, the realm's own
 * {@code krbtgt} included, to one MIT keytab ({@code principals.keytab}, mode 0600) after each
 * change and loads it back on start. Keys rather than passwords are kept, as any KDC database does;
 * keeping {@code krbtgt}'s key means tickets issued before a restart stay valid after it.
 */
public final class RealmKdc implements TenantKdc, AutoCloseable {

  static final String PRINCIPALS_FILE = "principals.keytab";

  private final KdcSettings settings;
  private final KdcServer server;
  private final LocalKadmin kadmin;
  private final Path principalsFile;

  private RealmKdc(KdcSettings settings, KdcServer server, LocalKadmin kadmin) {
    this.settings = settings;
    this.server = server;
    this.kadmin = kadmin;
    this.principalsFile = settings.dataDir().resolve(PRINCIPALS_FILE);
  }

  /**
   * Starts the realm's KDC, restoring the principals kept in its data directory, if any.
   *
   * <p>Everything is set in the server's own {@link KdcConfig}. Kerby's setters (setKdcRealm,
   * setKdcTcpPort, ... and SimpleKdcServer, which calls them) store their values in static enum
   * constants, so with two realms in one JVM the second would take over the first's realm and port.
   */
  public static RealmKdc start(KdcSettings settings) throws KdcException {
    try {
      Files.createDirectories(settings.dataDir());
      KdcConfig config = new KdcConfig();
      config.setString(KdcConfigKey.KDC_REALM, settings.realm());
      config.setString(KdcConfigKey.KDC_HOST, settings.listen().getAddress().getHostAddress());
      config.setInt(KdcConfigKey.KDC_TCP_PORT, settings.listen().getPort());
      config.setBoolean(KdcConfigKey.KDC_ALLOW_TCP, true);
      config.setBoolean(KdcConfigKey.KDC_ALLOW_UDP, settings.udp());
      if (settings.udp()) {
        config.setInt(KdcConfigKey.KDC_UDP_PORT, settings.listen().getPort());
      }
      config.setString(KdcConfigKey.ENCRYPTION_TYPES, String.join(" ", settings.encryptionTypes()));
      // Kerby's default, stated so an upgrade cannot drop it. Kerby 2.1.1 enforces it only for an
      // AS-REQ with no PA-DATA at all (docs/protocols.md, "Kerberos": MIT's first request carries
      // PA-REQ-ENC-PA-REP and is answered without pre-authentication).
      config.setBoolean(KdcConfigKey.PREAUTH_REQUIRED, true);
      KdcServer server = new KdcServer(config, new BackendConfig());
      server.init();
      LocalKadmin kadmin = new LocalKadminImpl(server.getKdcSetting(), server.getIdentityService());
      kadmin.createBuiltinPrincipals();
      writeClientConfig(settings);
      RealmKdc kdc = new RealmKdc(settings, server, kadmin);
      kdc.restoreOrSave();
      server.start();
      return kdc;
    } catch (KrbException | IOException e) {
      throw new KdcException("KDC of " + settings.realm() + " did not start: " + e.getMessage(), e);
    }
  }

  @Override
  public String realm() {
    return settings.realm();
  }

  @Override
  public InetSocketAddress address() {
    return settings.listen();
  }

  /**
   * The directory holding {@code krb5.conf}, the client configuration for this realm (MIT's format,
   * which Kerby's client reads too): what a client of this KDC, or an operator, points at.
   */
  public Path clientConfigDir() {
    return settings.dataDir();
  }

  /**
   * Writes the realm's krb5.conf for its clients (MIT's format, which Kerby's client reads too).
   * SimpleKdcServer's own names a port of its choosing rather than the KDC's, and sets the JVM-wide
   * java.security.krb5.conf; this one names the KDC's socket and touches nothing global.
   */
  private static void writeClientConfig(KdcSettings settings) throws IOException {
    String host = settings.listen().getAddress().getHostAddress();
    int port = settings.listen().getPort();
    Files.writeString(
        settings.dataDir().resolve("krb5.conf"),
        String.join(
            "\n",
            "# Clients of the " + settings.realm() + " KDC (rewritten at each start).",
            "[libdefaults]",
            "  default_realm = " + settings.realm(),
            "  kdc_realm = " + settings.realm(),
            "  dns_lookup_kdc = false",
            "  udp_preference_limit = 1",
            "  default_tkt_enctypes = " + String.join(" ", settings.encryptionTypes()),
            "  default_tgs_enctypes = " + String.join(" ", settings.encryptionTypes()),
            "  permitted_enctypes = " + String.join(" ", settings.encryptionTypes()),
            "  kdc_tcp_port = " + port,
            "  kdc_udp_port = " + port,
            "[realms]",
            "  " + settings.realm() + " = {",
            "    kdc = " + host + ":" + port,
            "  }",
            ""));
  }

  /** The file the principals' keys are kept in. */
  public Path principalsFile() {
    return principalsFile;
  }

  @Override
  public synchronized List<String> principals() throws KdcException {
    try {
      List<String> names = new ArrayList<>(kadmin.getPrincipals());
      names.sort(null);
      return names;
    } catch (KrbException e) {
      throw new KdcException("principals of " + realm() + " not listed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void addPrincipal(String name, String password) throws KdcException {
    if (password == null || password.isEmpty()) {
      throw new KdcException("a user principal needs a password");
    }
    String principal = settings.qualify(name);
    try {
      kadmin.addPrincipal(principal, password);
    } catch (KrbException e) {
      throw new KdcException(principal + " not added: " + e.getMessage(), e);
    }
    save();
  }

  @Override
  public synchronized void addServicePrincipal(String name) throws KdcException {
    String principal = settings.qualify(name);
    try {
      kadmin.addPrincipal(principal);
    } catch (KrbException e) {
      throw new KdcException(principal + " not added: " + e.getMessage(), e);
    }
    save();
  }

  @Override
  public synchronized void exportKeytab(String name, Path keytab) throws KdcException, IOException {
    String principal = settings.qualify(name);
    if (identity(principal) == null) {
      throw new KdcException("no principal " + principal + " in " + realm());
    }
    Path parent = keytab.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // Kerby appends to an existing keytab; a fresh file holds exactly the current keys.
    Path fresh = Files.createTempFile(parent, ".keytab", ".tmp");
    Files.delete(fresh);
    try {
      kadmin.exportKeytab(fresh.toFile(), principal);
      ownerOnly(fresh);
      Files.move(fresh, keytab, StandardCopyOption.REPLACE_EXISTING);
    } catch (KrbException e) {
      throw new KdcException("keytab of " + principal + " not written: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(fresh);
    }
  }

  /** Stops answering; the principals stay in the data directory for the next start. */
  @Override
  public synchronized void close() {
    try {
      server.stop();
    } catch (KrbException e) {
      // Stopping is best effort: the sockets are closed by the transport regardless.
    }
  }

  private KrbIdentity identity(String principal) throws KdcException {
    try {
      return backend().getIdentity(principal);
    } catch (KrbException e) {
      throw new KdcException(principal + " not read: " + e.getMessage(), e);
    }
  }

  private IdentityBackend backend() {
    return kadmin.getIdentityBackend();
  }

  /**
   * On the first start writes the freshly made principals (krbtgt, kadmin); afterwards puts the
   * kept keys back, replacing the random ones {@code init()} just made for the built-in ones.
   */
  private void restoreOrSave() throws KdcException, IOException, KrbException {
    if (!Files.exists(principalsFile)) {
      save();
      return;
    }
    Keytab kept = Keytab.loadKeytab(principalsFile.toFile());
    for (PrincipalName name : kept.getPrincipals()) {
      List<KeytabEntry> entries = kept.getKeytabEntries(name);
      KrbIdentity restored = new KrbIdentity(name.getName());
      restored.setCreatedTime(KerberosTime.now());
      restored.setExpireTime(KerberosTime.NEVER);
      int kvno = 1;
      for (KeytabEntry entry : entries) {
        restored.addKey(entry.getKey());
        kvno = Math.max(kvno, entry.getKvno());
      }
      restored.setKeyVersion(kvno);
      if (backend().getIdentity(name.getName()) == null) {
        backend().addIdentity(restored);
      } else {
        backend().updateIdentity(restored);
      }
    }
  }

  private void save() throws KdcException {
    try {
      Path fresh = principalsFile.resolveSibling(PRINCIPALS_FILE + ".new");
      Files.deleteIfExists(fresh);
      kadmin.exportKeytab(fresh.toFile());
      ownerOnly(fresh);
      Files.move(fresh, principalsFile, StandardCopyOption.REPLACE_EXISTING, ATOMIC);
    } catch (KrbException | IOException e) {
      throw new KdcException("principals of " + realm() + " not saved: " + e.getMessage(), e);
    }
  }

  private static final StandardCopyOption ATOMIC = StandardCopyOption.ATOMIC_MOVE;

  private static void ownerOnly(Path file) throws IOException {
    File f = file.toFile();
    if (f.toPath().getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
