package io.mvpn.keying;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.CertificateDirectory;
import io.mvpn.ike.CaService;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance CA, configured by the optional {@code etc/io.mvpn.ca.cfg}. The root key and
 * everything issued are kept in {@code store} ({@link CaKeyStore}; by default {@code
 * ${karaf.data}/mvpn/ca.p12}), so a restart or a change of the cfg keeps the root and the
 * credentials exported from it valid. Outside Karaf, with no store named, they live in memory
 * ({@link CertificateStore#inMemory()}) and a new root comes with each activation.
 */
@Component(
    configurationPid = ApplianceCa.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true,
    service = {CaService.class, CertificateDirectory.class})
@Designate(ocd = ApplianceCa.Config.class)
public final class ApplianceCa implements CaService, CertificateDirectory {

  public static final String PID = "io.mvpn.ca";

  private static final Logger LOG = LoggerFactory.getLogger(ApplianceCa.class);

  @ObjectClassDefinition(name = "mvpn appliance CA", description = "Issues IKE certificates")
  public @interface Config {
    @AttributeDefinition(name = "Common name", description = "CN of the root certificate")
    String commonName() default "mvpn appliance CA";

    @AttributeDefinition(name = "Key type", description = "EC_P256 or RSA_2048")
    String keyType() default "EC_P256";

    @AttributeDefinition(name = "Root validity (days)")
    int rootValidityDays() default 3650;

    @AttributeDefinition(name = "Certificate validity (days)", description = "Of issued ones")
    int validityDays() default 365;

    @AttributeDefinition(
        name = "Store",
        description =
            "PKCS#12 file of the root and what it issued; empty: ${karaf.data}/mvpn/ca.p12,"
                + " or memory only outside Karaf; 'memory' for memory only")
    String store() default "";

    @AttributeDefinition(
        name = "Store password",
        description =
            "Protects the keys in the store (the file itself is readable by its owner" + " only)",
        type = AttributeType.PASSWORD)
    String storePassword() default "mvpn-appliance-ca";
  }

  private final SecureRandom random = new SecureRandom();
  private CertificateStore store;
  private CertificateAuthority ca;
  private KeyType keyType;
  private Duration validity;

  /** An issued, unrevoked certificate as DNS and the MSM hand it out, with its end of validity. */
  private record Published(byte[] der, Instant notAfter) {}

  /**
   * DNS name to the unrevoked certificates issued under it, newest first: rebuilt whole on each
   * issue and revocation and read without the lock, so DNS and MSM answers do not wait behind a
   * {@code mvpn:ca issue} rewriting the store. Expiry is checked at each read.
   */
  private volatile Map<String, List<Published>> byDnsName = Map.of();

  @Activate
  synchronized void activate(Config config) {
    keyType = KeyType.valueOf(config.keyType().trim());
    validity = Duration.ofDays(config.validityDays());
    Instant now = now();
    Path file = storeFile(config.store(), System.getProperty("karaf.data"));
    store =
        file == null
            ? CertificateStore.inMemory()
            : CaKeyStore.open(file, config.storePassword().toCharArray());
    String where = file == null ? "in memory" : "in " + file;
    if (store.authority().isPresent()) {
      ca = CertificateAuthority.load(store, random);
      LOG.info(
          "appliance CA {} loaded {}, {} issued",
          ca.certificate().getSubjectX500Principal(),
          where,
          store.issued().size());
      reindex();
      return;
    }
    ca =
        CertificateAuthority.create(
            config.commonName(),
            keyType,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(config.rootValidityDays(), ChronoUnit.DAYS),
            store,
            random);
    reindex();
    LOG.info("appliance CA {} created {}", ca.certificate().getSubjectX500Principal(), where);
  }

  /** The store's file: as configured, or under Karaf's data directory; null for memory only. */
  static Path storeFile(String configured, String karafData) {
    String s = configured == null ? "" : configured.trim();
    if (s.equalsIgnoreCase("memory")) {
      return null;
    }
    if (!s.isEmpty()) {
      return Path.of(s);
    }
    return karafData == null ? null : Path.of(karafData, "mvpn", "ca.p12");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  @Override
  public synchronized X509Certificate certificate() {
    return ca.certificate();
  }

  @Override
  public synchronized Credential issue(
      String commonName,
      List<Ipv4Address> addresses,
      List<String> dnsNames,
      List<String> policies) {
    Instant now = now();
    // A little back-dating keeps a peer whose clock is slightly behind from refusing it.
    Credential issued =
        ca.issue(
            new CertificateAuthority.Subject(commonName, addresses, dnsNames, policies),
            keyType,
            now.minus(5, ChronoUnit.MINUTES),
            now.plus(validity));
    reindex();
    LOG.info("issued {} serial {}", commonName, issued.certificate().getSerialNumber());
    return issued;
  }

  @Override
  public synchronized Optional<Credential> credential(String commonName) {
    Map<BigInteger, Instant> revoked = store.revoked();
    Instant now = Instant.now();
    List<CertificateStore.Issued> all = new ArrayList<>(store.issued());
    for (int i = all.size() - 1; i >= 0; i--) {
      CertificateStore.Issued issued = all.get(i);
      X509Certificate c = issued.certificate();
      if (issued.privateKey() != null
          && !revoked.containsKey(issued.serial())
          && c.getNotAfter().toInstant().isAfter(now)
          && commonName.equals(commonName(c))) {
        return Optional.of(Credential.of(issued.privateKey(), c));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized List<IssuedView> issued() {
    Map<BigInteger, Instant> revoked = store.revoked();
    List<IssuedView> views = new ArrayList<>();
    for (CertificateStore.Issued issued : store.issued()) {
      X509Certificate c = issued.certificate();
      views.add(
          new IssuedView(
              issued.serial(),
              c.getSubjectX500Principal().getName(),
              subjectAltNames(c),
              c.getNotBefore().toInstant(),
              c.getNotAfter().toInstant(),
              revoked.get(issued.serial())));
    }
    return views;
  }

  @Override
  public synchronized boolean revoke(BigInteger serial) {
    if (store.issued().stream().noneMatch(i -> i.serial().equals(serial))) {
      return false;
    }
    ca.revoke(serial, now());
    reindex();
    LOG.info("revoked serial {}", serial);
    return true;
  }

  @Override
  public synchronized X509CRL crl() {
    Instant now = now();
    return ca.crl(now, ca.certificate().getNotAfter().toInstant());
  }

  @Override
  public synchronized CertificateValidator validator() {
    return CertificateValidator.trusting(ca.certificate()).withCrls(List.of(crl()));
  }

  /**
   * Seed 002 c55-56: the MSM's DNS publishes, and sinks fetch over Diameter, the certificates
   * issued under a node's DNS name; revoked and expired ones are not handed out.
   */
  @Override
  public void certificates(String dnsName, Consumer<List<byte[]>> answer) {
    answer.accept(certified(CertificateDirectory.normalise(dnsName)));
  }

  private List<byte[]> certified(String dnsName) {
    Instant now = Instant.now();
    List<byte[]> out = new ArrayList<>();
    for (Published p : byDnsName.getOrDefault(dnsName, List.of())) {
      if (p.notAfter().isAfter(now)) {
        out.add(p.der().clone());
      }
    }
    return out;
  }

  /** Rebuilds {@link #byDnsName} from the store; called with the lock held. */
  private void reindex() {
    Map<BigInteger, Instant> revoked = store.revoked();
    Map<String, List<Published>> index = new HashMap<>();
    List<CertificateStore.Issued> all = store.issued();
    for (int i = all.size() - 1; i >= 0; i--) {
      CertificateStore.Issued issued = all.get(i);
      if (revoked.containsKey(issued.serial())) {
        continue;
      }
      X509Certificate c = issued.certificate();
      byte[] der;
      try {
        der = c.getEncoded();
      } catch (CertificateEncodingException e) {
        LOG.warn("issued serial {} does not encode", issued.serial());
        continue;
      }
      Set<String> names = new LinkedHashSet<>();
      for (String n : subjectAltNames(c)) {
        if (n.startsWith("DNS:")) {
          names.add(CertificateDirectory.normalise(n.substring(4)));
        }
      }
      Published p = new Published(der, c.getNotAfter().toInstant());
      names.forEach(name -> index.computeIfAbsent(name, k -> new ArrayList<>()).add(p));
    }
    index.replaceAll((name, list) -> List.copyOf(list));
    byDnsName = Map.copyOf(index);
  }

  static String commonName(X509Certificate c) {
    for (String part : c.getSubjectX500Principal().getName().split(",")) {
      String p = part.trim();
      if (p.startsWith("CN=")) {
        return p.substring(3);
      }
    }
    return "";
  }

  private static List<String> subjectAltNames(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          names.add((type == 7 ? "IP:" : type == 2 ? "DNS:" : type + ":") + san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      names.add("?");
    }
    return names;
  }
}
