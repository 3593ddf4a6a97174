package io.mvpn.mobilenode.sam;

import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.RealmKdc;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * The tenant realm of the SAM scenarios: mvpn's KDC on loopback with the manager's principal {@code
 * kink/sam} and one {@code kink/NODE} per node the test names, each with its keytab in the test's
 * directory. The KDC is real; only its exchanges run before virtual time starts.
 */
public final class SamRealmKdc implements AutoCloseable {

  public static final String REALM = "ACME.MVPN.TEST";
  public static final String MANAGER = principal("sam");

  private static SamRealmKdc shared;

  private final Path dir;
  private final RealmKdc kdc;
  private final KrbClient client;

  /**
   * The realm of nodes {@code mn} and {@code cn} the scenarios share: started on first use (a KDC
   * costs seconds to start), stopped and removed when the test JVM exits.
   */
  public static synchronized SamRealmKdc shared() throws Exception {
    if (shared == null) {
      Path dir = Files.createTempDirectory("mvpn-sam-realm");
      SamRealmKdc realm = start(dir, "mn", "cn");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    realm.close();
                    try (Stream<Path> files = Files.walk(dir)) {
                      files
                          .sorted(Comparator.reverseOrder())
                          .map(Path::toFile)
                          .forEach(File::delete);
                    } catch (IOException e) {
                      // a temporary directory left behind is all that is lost
                    }
                  }));
      shared = realm;
    }
    return shared;
  }

  /** A realm in {@code dir} with the manager and {@code nodes}. */
  public static SamRealmKdc start(Path dir, String... nodes) throws Exception {
    InetSocketAddress listen;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
    }
    return new SamRealmKdc(
        dir, RealmKdc.start(KdcSettings.of(REALM, listen, dir.resolve("kdc"))), nodes);
  }

  private SamRealmKdc(Path dir, RealmKdc kdc, String... nodes) throws Exception {
    this.dir = dir;
    this.kdc = kdc;
    kdc.addServicePrincipal(MANAGER);
    kdc.exportKeytab(MANAGER, keytab("sam"));
    for (String node : nodes) {
      kdc.addServicePrincipal(principal(node));
      kdc.exportKeytab(principal(node), keytab(node));
    }
    client = new KrbClient(kdc.clientConfigDir().toFile());
    client.init();
  }

  public static String principal(String node) {
    return "kink/" + node + "@" + REALM;
  }

  /** Where {@code node}'s keys are. */
  public Path keytab(String node) {
    return dir.resolve(node + ".keytab");
  }

  public Keytab keys(String node) throws Exception {
    return Keytab.loadKeytab(keytab(node).toFile());
  }

  /** {@code node}'s ticket for the manager: an AS and a TGS exchange with the KDC. */
  public SgtTicket managerTicket(String node) throws Exception {
    return client.requestSgt(client.requestTgt(principal(node), keytab(node).toFile()), MANAGER);
  }

  /** The directory of the krb5.conf naming this KDC. */
  public File clientConfigDir() {
    return kdc.clientConfigDir().toFile();
  }

  @Override
  public void close() {
    kdc.close();
  }
}
