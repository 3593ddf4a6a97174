package io.mvpn.sam.internal;

import io.mvpn.sam.kdc.KdcException;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kdc.TenantKdc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant realm's KDC as a running function: one instance per {@code etc/io.mvpn.kdc-NAME.cfg}
 * (Config Admin factory PID {@code io.mvpn.kdc}). Its principals live in {@code dataDir/REALM}, so
 * a restart, an update of this bundle or a change of the cfg keeps them.
 */
@Component(
    configurationPid = KdcInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = TenantKdc.class)
@Designate(ocd = KdcInstance.Config.class, factory = true)
public final class KdcInstance implements TenantKdc {

  public static final String PID = "io.mvpn.kdc";

  static final String KARAF_DATA = "${karaf.data}";

  private static final Logger LOG = LoggerFactory.getLogger(KdcInstance.class);

  @ObjectClassDefinition(name = "mvpn KDC of one tenant realm")
  public @interface Config {
    @AttributeDefinition(description = "The Kerberos realm, e.g. ACME.MVPN.TEST")
    String realm();

    @AttributeDefinition(
        description = "address:port for TCP and UDP; loopback unless nodes outside must reach it")
    String listen() default "127.0.0.1:10088";

    @AttributeDefinition(description = "Answer on UDP as well as TCP")
    boolean udp() default true;

    @AttributeDefinition(
        description =
            "Key types, space or comma separated: aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96")
    String encryptionTypes() default KdcSettings.AES256 + " " + KdcSettings.AES128;

    @AttributeDefinition(
        description = "Where realms keep their principals; ${karaf.data} is the data directory")
    String dataDir() default KARAF_DATA + "/kdc";
  }

  private RealmKdc kdc;

  @Activate
  void activate(Config config) throws KdcException {
    KdcSettings settings = settings(config, System.getProperty("karaf.data"));
    kdc = RealmKdc.start(settings);
    LOG.info(
        "KDC of {} on {}, principals in {}", kdc.realm(), listen(config), kdc.principalsFile());
  }

  @Deactivate
  void deactivate() {
    if (kdc != null) {
      kdc.close();
      kdc = null;
    }
  }

  /** The settings a cfg describes; {@code karafData} stands for {@code ${karaf.data}}. */
  static KdcSettings settings(Config config, String karafData) throws KdcException {
    String realm = config.realm() == null ? "" : config.realm().trim();
    String dir = config.dataDir().replace(KARAF_DATA, karafData == null ? "data" : karafData);
    List<String> types =
        Arrays.stream(config.encryptionTypes().split("[,\\s]+")).filter(t -> !t.isEmpty()).toList();
    try {
      return new KdcSettings(
          realm, socket(listen(config)), config.udp(), types, Path.of(dir).resolve(realm));
    } catch (IllegalArgumentException | IOException e) {
      throw new KdcException("KDC configuration refused: " + e.getMessage(), e);
    }
  }

  private static String listen(Config config) {
    return config.listen().trim();
  }

  /** An {@code address:port} as a socket address. */
  static InetSocketAddress socket(String listen) throws IOException {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("listen is address:port, not '" + listen + "'");
    }
    return new InetSocketAddress(
        InetAddress.getByName(listen.substring(0, colon)),
        Integer.parseInt(listen.substring(colon + 1)));
  }

  @Override
  public String realm() {
    return kdc.realm();
  }

  @Override
  public InetSocketAddress address() {
    return kdc.address();
  }

  @Override
  public List<String> principals() throws KdcException {
    return kdc.principals();
  }

  @Override
  public void addPrincipal(String name, String password) throws KdcException {
    kdc.addPrincipal(name, password);
  }

  @Override
  public void addServicePrincipal(String name) throws KdcException {
    kdc.addServicePrincipal(name);
  }

  @Override
  public void exportKeytab(String name, Path keytab) throws KdcException, IOException {
    kdc.exportKeytab(name, keytab);
  }
}
