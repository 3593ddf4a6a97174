package io.mvpn.store.keys;

import io.mvpn.api.config.ConfigList;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.keys.KeystoreException;
import io.mvpn.api.keys.StoredKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.SecretKey;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's {@link KeyService}, over the PKCS#12 file {@code etc/io.mvpn.keys.cfg} names. It
 * lives in the store bundle because keys are state that outlives the functions using them. The
 * service is registered by hand, only once a keystore is open: a function that needs keys waits for
 * it (no password yet, a wrong one) instead of activating, being refused and never trying again. A
 * changed configuration reopens the file in place, without withdrawing the service; one that does
 * not open is rejected (one ERROR line) and the keystore open before stays in use, so a typo cannot
 * take the keys from every running function.
 */
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=\"io.mvpn.api.keys.KeyService\"",
    uses = KeyService.class)
@Component(
    configurationPid = KeyManager.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true,
    service = {})
@Designate(ocd = KeyManager.Config.class)
public final class KeyManager implements KeyService {

  public static final String PID = "io.mvpn.keys";

  /** Where the password comes from when the configuration does not name another variable. */
  public static final String PASSWORD_VARIABLE = "MVPN_KEYSTORE_PASSWORD";

  private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);

  @ObjectClassDefinition(name = "mvpn keystore", description = "Where the secret keys are kept")
  public @interface Config {
    @AttributeDefinition(
        name = "Keystore file",
        description = "PKCS#12, created 0600 on first use; empty: ${karaf.etc}/mvpn-keys.p12")
    String path() default "";

    @AttributeDefinition(
        name = "Password",
        description = "The keystore's password, used when the environment variable is not set")
    String password() default "";

    @AttributeDefinition(
        name = "Password variable",
        description = "An environment variable whose value, when set, is the password instead")
    String passwordVariable() default PASSWORD_VARIABLE;

    @AttributeDefinition(
        name = "First keys",
        description =
            "Keys stored when the file is created, each ALIAS HEXKEY (the demo's); ignored after")
    String[] firstKeys() default {};
  }

  /** Where the open keystore is offered to the functions: the OSGi registry, or a test's. */
  interface Offer {
    /** Offers {@code keys}; a second call while offered changes nothing. */
    void offer(KeyService keys);

    /** Withdraws the offer, if made. */
    void withdraw();
  }

  private final Function<String, String> environment;
  private Offer offer;
  private volatile Pkcs12KeyFile file;
  private volatile KeystoreException unavailable;

  public KeyManager() {
    this(System::getenv, null);
  }

  KeyManager(Function<String, String> environment, Offer offer) {
    this.environment = environment;
    this.offer = offer;
  }

  @Activate
  void activate(BundleContext context, Config config, Map<String, Object> properties) {
    offer = registering(context);
    modified(config, properties);
  }

  @Modified
  void modified(Config config, Map<String, Object> properties) {
    open(config, properties.containsKey("service.pid"));
  }

  @Deactivate
  void deactivate() {
    offer.withdraw();
  }

  private static Offer registering(BundleContext context) {
    return new Offer() {
      private ServiceRegistration<KeyService> registration;

      @Override
      public synchronized void offer(KeyService keys) {
        if (registration == null) {
          registration = context.registerService(KeyService.class, keys, null);
        }
      }

      @Override
      public synchronized void withdraw() {
        if (registration != null) {
          try {
            registration.unregister();
          } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping: the framework withdrew it
          }
          registration = null;
        }
      }
    };
  }

  /**
   * @param configured whether the configuration came from Config Admin: without it (not yet read
   *     from etc/, say) a missing password is not worth an ERROR, only a wait for the file
   */
  void open(Config config, boolean configured) {
    Path path =
        config.path().isBlank()
            ? Path.of(System.getProperty("karaf.etc", "etc"), "mvpn-keys.p12")
            : Path.of(config.path().trim());
    String fromEnvironment =
        config.passwordVariable().isBlank() ? null : environment.apply(config.passwordVariable());
    String password =
        fromEnvironment == null || fromEnvironment.isEmpty() ? config.password() : fromEnvironment;
    try {
      file = Pkcs12KeyFile.open(path, password.toCharArray(), firstKeys(config.firstKeys()));
      unavailable = null;
      LOG.info("keystore {} open with {} keys", path, file.list().size());
      offer.offer(this);
    } catch (KeystoreException | IllegalArgumentException e) {
      KeystoreException why =
          e instanceof KeystoreException k
              ? k
              : new KeystoreException(String.valueOf(e.getMessage()));
      if (file != null) {
        LOG.error("configuration {} rejected, the open keystore kept: {}", PID, why.getMessage());
        return;
      }
      unavailable = why;
      if (configured || !password.isEmpty()) {
        LOG.error("configuration {} rejected: keystore: {}", PID, unavailable.getMessage());
      } else {
        LOG.info("keystore: no etc/{}.cfg yet, and no password in the environment", PID);
      }
    }
  }

  private static Map<String, byte[]> firstKeys(String[] values) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    List<String> items = ConfigList.items(values);
    for (int i = 0; i < items.size(); i++) {
      String[] words = items.get(i).split("\\s+");
      // The entry is never quoted: its first word may be the key itself.
      if (words.length != 2) {
        throw new IllegalArgumentException("firstKeys: entry " + (i + 1) + " is not ALIAS HEXKEY");
      }
      try {
        keys.put(words[0], HexFormat.of().parseHex(words[1]));
      } catch (IllegalArgumentException notHex) {
        throw new IllegalArgumentException("firstKeys: entry " + (i + 1) + " has no hex key");
      }
    }
    return keys;
  }

  private Pkcs12KeyFile file() {
    Pkcs12KeyFile open = file;
    if (open == null) {
      throw unavailable != null ? unavailable : new KeystoreException("no keystore is open");
    }
    return open;
  }

  @Override
  public SecretKey key(String alias) {
    return file().key(alias);
  }

  @Override
  public List<StoredKey> list() {
    return file().list();
  }

  @Override
  public StoredKey add(String alias, byte[] key) {
    StoredKey stored = file().add(alias, key);
    LOG.info("key {} stored ({} bits)", alias, stored.bits());
    return stored;
  }

  @Override
  public StoredKey generate(String alias, int bits) {
    StoredKey stored = file().generate(alias, bits);
    LOG.info("key {} stored ({} random bits)", alias, stored.bits());
    return stored;
  }

  @Override
  public boolean remove(String alias) {
    boolean removed = file().remove(alias);
    if (removed) {
      LOG.info("key {} removed", alias);
    }
    return removed;
  }
}
