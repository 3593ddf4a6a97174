package io.mvpn.workgroup;

import static io.mvpn.workgroup.WorkgroupWorld.ACME;
import static io.mvpn.workgroup.WorkgroupWorld.FQDNS;
import static io.mvpn.workgroup.WorkgroupWorld.GATEWAYS;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX;
import static io.mvpn.workgroup.WorkgroupWorld.HOSTS;
import static io.mvpn.workgroup.WorkgroupWorld.INITECH;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.workgroup.keying.GatewayKeying;
import io.mvpn.workgroup.keying.KeyingCredentials;
import io.mvpn.workgroup.keying.PartyKeying;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link WorkgroupWorld} with its SAs keyed by IKEv2: a CA (the mobile service manager's), each
 * tenant's gateway keying with a certificate naming its public address, and each member's party
 * keying with one naming its FQDN and its gateway's public address (c10).
 */
final class KeyedWorkgroup implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofDays(30));
  static final Instant YEAR = T0.plus(Duration.ofDays(365));

  final SecureRandom random = new SecureRandom();
  final Map<MvpnId, GatewayKeying> gatewayKeying = new HashMap<>();
  final Map<MemberId, PartyKeying> partyKeying = new HashMap<>();
  final Map<MvpnId, Credential> gatewayCredentials = new HashMap<>();
  final WorkgroupWorld world = new WorkgroupWorld();
  final CertificateAuthority ca =
      CertificateAuthority.create(
          "mvpn msm",
          KeyType.EC_P256,
          T0,
          T0.plus(Duration.ofDays(3650)),
          CertificateStore.inMemory(),
          random);

  KeyedWorkgroup() {
    for (MvpnId t : List.of(ACME, GLOBEX, INITECH)) {
      Ipv4Address gw = GATEWAYS.get(t);
      gatewayCredentials.put(
          t, ca.issue(Subject.gateway("gw-" + t, gw), KeyType.EC_P256, T0, YEAR));
      startKeying(t);
    }
    for (MemberId m : HOSTS.keySet()) {
      partyKeying.put(m, party(m, memberCredential(ca, m, GATEWAYS.get(m.tenant()))));
    }
  }

  /** The tenant's gateway keying, on its gateway as the world holds it now. */
  GatewayKeying startKeying(MvpnId t) {
    Ipv4Address lanStart = Ipv4Address.parse(WorkgroupWorld.lanPrefix(t) + ".0");
    Ipv4Address lanEnd = Ipv4Address.of(lanStart.toInt() | 0xFFFF);
    GatewayKeying keying =
        new GatewayKeying(
            world.gateways.get(t),
            world.directory,
            credentials(gatewayCredentials.get(t), ca),
            List.of(TrafficSelector.ipv4(lanStart, lanEnd)),
            world.lab.vrf("gw-" + t, "outside").scheduler());
    keying.start();
    gatewayKeying.put(t, keying);
    return keying;
  }

  @Override
  public void close() {
    partyKeying.values().forEach(PartyKeying::close);
    gatewayKeying.values().forEach(GatewayKeying::close);
  }

  KeyingCredentials credentials(Credential credential, CertificateAuthority trusted) {
    return new KeyingCredentials(
        credential, CertificateValidator.trusting(trusted.certificate()), () -> NOW, random);
  }

  /** A member's certificate: its FQDN and the public address of {@code gateway} (c10). */
  Credential memberCredential(CertificateAuthority issuer, MemberId m, Ipv4Address gateway) {
    String fqdn = FQDNS.get(m);
    return issuer.issue(
        new Subject(fqdn, List.of(gateway), List.of(fqdn)), KeyType.EC_P256, T0, YEAR);
  }

  PartyKeying party(MemberId m, Credential credential) {
    PartyKeying keying =
        new PartyKeying(
            world.parties.get(m), FQDNS.get(m), world.hostVrf(m), credentials(credential, ca));
    keying.start();
    return keying;
  }

  void key(MemberId from, MemberId to) {
    partyKeying.get(from).connect(world.member(to));
    world.run(2_000);
  }
}
