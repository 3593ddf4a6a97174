package io.mvpn.mn.vpn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.ike.sa.ProposalSyntax;
import io.mvpn.mn.ConfigException;
import io.mvpn.mobilenode.vpn.VpnMobileNode.Handover;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What mode vpn adds to a node's config (docs/mobile-node.md, "Mode vpn"): the security gateway,
 * the node's certificate and key (PKCS#12) and the CA that issued the gateway's (PEM), the identity
 * the node proves, the IKE and ESP proposals (strongSwan's syntax, as the appliance's gateway takes
 * them), and how the node hands over. The files are read here, so a wrong password or a missing CA
 * is a config error, not a failure on the road.
 *
 * @param gatewayIdentity what the gateway must prove: its certificate names its address
 */
public record VpnSettings(
    Ipv4Address gateway,
    Credential credential,
    X509Certificate ca,
    String identity,
    ProposalPolicy ike,
    ProposalPolicy esp,
    Handover handover) {

  /** The keys of mode vpn, which no other mode takes. */
  public static final List<String> KEYS =
      List.of(
          "gateway",
          "certificate",
          "certificatePassword",
          "caCertificate",
          "identity",
          "ikeProposal",
          "espProposal",
          "handover");

  /** Refuses mode vpn's keys in another mode; {@code source} names the file in messages. */
  public static void refuseOutsideVpn(String source, Map<String, Object> map, String mode)
      throws ConfigException {
    for (String key : KEYS) {
      if (map.get(key) != null) {
        throw new ConfigException(source + ": " + key + ": only with mode vpn, not " + mode);
      }
    }
  }

  /** The config file's keys as the node's config reads them, each failure one line. */
  public interface Keys {
    /** The key's value as written, else {@code fallback}; missing and no fallback: refused. */
    String text(String key, String fallback) throws ConfigException;

    /** The one line refusing the key's value. */
    ConfigException bad(String key, String why);
  }

  /** Reads and checks mode vpn's keys, loading the certificate files they name. */
  public static VpnSettings parse(Keys k) throws ConfigException {
    String gatewayText = k.text("gateway", null);
    Ipv4Address gateway;
    try {
      gateway = Ipv4Address.parse(gatewayText);
    } catch (IllegalArgumentException e) {
      throw k.bad("gateway", "'" + gatewayText + "' is not an IPv4 address");
    }
    String identity = k.text("identity", null);
    if (!identity.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      throw k.bad("identity", "'" + identity + "' is not a host name (the certificate's DNS name)");
    }
    String handover = k.text("handover", "fast");
    Handover mode =
        switch (handover) {
          case "fast" -> Handover.FAST;
          case "reestablish" -> Handover.REESTABLISH;
          default -> throw k.bad("handover", "'" + handover + "' is not fast or reestablish");
        };
    return new VpnSettings(
        gateway,
        credential(k),
        ca(k),
        identity,
        proposal(k, "ikeProposal", Proposal.IKE),
        proposal(k, "espProposal", Proposal.ESP),
        mode);
  }

  private static ProposalPolicy proposal(Keys k, String key, int protocol) throws ConfigException {
    String text = k.text(key, "default");
    try {
      return ProposalSyntax.parse(protocol, text);
    } catch (IllegalArgumentException e) {
      throw k.bad(key, "'" + text + "': " + e.getMessage());
    }
  }

  /** The PKCS#12 file's one key entry: the node's key and certificate. */
  private static Credential credential(Keys k) throws ConfigException {
    Path file = Path.of(k.text("certificate", null));
    char[] password = k.text("certificatePassword", "").toCharArray();
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (NoSuchFileException e) {
      throw k.bad("certificate", file + ": no such file");
    } catch (IOException e) {
      // PKCS#12's MAC fails when the password is wrong; other damage reads alike.
      throw k.bad("certificate", file + ": cannot open (wrong certificatePassword?)");
    } catch (GeneralSecurityException e) {
      throw k.bad("certificate", file + ": not a PKCS#12 file: " + e.getMessage());
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)
            && store.getKey(alias, password) instanceof PrivateKey key
            && store.getCertificate(alias) instanceof X509Certificate certificate) {
          return Credential.of(key, certificate);
        }
      }
    } catch (GeneralSecurityException e) {
      throw k.bad("certificate", file + ": the key cannot be read: " + e.getMessage());
    }
    throw k.bad("certificate", file + ": holds no key with its certificate");
  }

  private static X509Certificate ca(Keys k) throws ConfigException {
    Path file = Path.of(k.text("caCertificate", null));
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (NoSuchFileException e) {
      throw k.bad("caCertificate", file + ": no such file");
    } catch (IOException | CertificateException e) {
      throw k.bad("caCertificate", file + ": not a PEM or DER certificate");
    }
  }
}
