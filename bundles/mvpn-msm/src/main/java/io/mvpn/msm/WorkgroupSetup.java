package io.mvpn.msm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's workgroup setup, from YAML: the members the mobile service manager knows (with
 * their portal credentials, as SHA-256 hashes so the file holds no secret), and the workgroups with
 * the tenants admitted to each and their initial members.
 *
 * <pre>
 * members:
 *   - {tenant: acme, address: 10.1.0.5, fqdn: alice.acme.wg.mvpn.example,
 *      gateway: 198.51.100.10, tokenSha256: 9f86d0...}
 *   - {tenant: acme, address: 10.1.0.6, fqdn: bob.acme.wg.mvpn.example, gateway: 198.51.100.10,
 *      nai: bob@acme.example, spi: 256, helloKey: 00112233445566778899aabbccddeeff}
 * workgroups:
 *   - {name: bridge, admit: [acme, globex], members: [acme/10.1.0.5]}
 * sites:
 *   - {tenant: acme, realm: acme.example, homeRange: 10.1.0.0/16, gateway: 10.1.0.1}
 * </pre>
 */
public record WorkgroupSetup(
    List<MemberSpec> members, List<WorkgroupSpec> workgroups, List<SiteSpec> sites) {

  /**
   * One member of the directory. A member that enters AODV sites (seed 002 c40) also has its NAI,
   * the SPI of its hello key and the key itself (hex, at least 16 bytes): a secret, unlike the
   * portal token's hash, so a file with hello keys must be readable by the appliance alone.
   */
  public record MemberSpec(
      String tenant,
      String address,
      String fqdn,
      String gateway,
      String tokenSha256,
      String nai,
      Long spi,
      String helloKey) {}

  /**
   * A tenant's AODV site (seed 002 c43): the realm its members' NAIs name, its home range and the
   * security gateway its default route leads to.
   */
  public record SiteSpec(String tenant, String realm, String homeRange, String gateway) {}

  /** One workgroup: who may sign on, and who is in it from the start. */
  public record WorkgroupSpec(String name, List<String> admit, List<String> members) {}

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public WorkgroupSetup {
    members = members == null ? List.of() : List.copyOf(members);
    workgroups = workgroups == null ? List.of() : List.copyOf(workgroups);
    sites = sites == null ? List.of() : List.copyOf(sites);
  }

  /** The sites and the members' hello keys, for the MSM's authority over entering nodes. */
  public void applyTo(SiteAuthority authority) {
    for (SiteSpec site : sites) {
      authority.addSite(
          new SiteAuthority.Site(
              MvpnId.of(site.tenant()),
              site.realm(),
              Prefix.parse(site.homeRange()),
              Ipv4Address.parse(site.gateway())));
    }
    for (MemberSpec m : members) {
      if (m.helloKey() == null || m.helloKey().isBlank()) {
        continue;
      }
      if (m.nai() == null || m.spi() == null) {
        throw new IllegalArgumentException(
            "member " + m.address() + ": a hello key needs nai and spi");
      }
      authority.addNode(
          new SiteAuthority.NodeKey(
              m.nai(),
              new MemberId(MvpnId.of(m.tenant()), Ipv4Address.parse(m.address())),
              (int) (long) m.spi(),
              java.util.HexFormat.of().parseHex(m.helloKey())));
    }
  }

  public static WorkgroupSetup read(Path file) throws IOException {
    return YAML.readValue(Files.readString(file), WorkgroupSetup.class);
  }

  public static WorkgroupSetup parse(String yaml) throws IOException {
    return YAML.readValue(yaml, WorkgroupSetup.class);
  }

  /** "tenant/address", as workgroup member lists write it. */
  public static MemberId memberId(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("member '" + text + "': expected TENANT/ADDRESS");
    }
    return new MemberId(
        MvpnId.of(text.substring(0, slash).trim()),
        Ipv4Address.parse(text.substring(slash + 1).trim()));
  }

  /** Per workgroup, the tenants admitted to it: what {@link WorkgroupPortal} enforces. */
  public Map<String, Set<MvpnId>> admitted() {
    Map<String, Set<MvpnId>> out = new HashMap<>();
    for (WorkgroupSpec w : workgroups) {
      Set<MvpnId> tenants = new HashSet<>();
      if (w.admit() != null) {
        w.admit().forEach(t -> tenants.add(MvpnId.of(t)));
      }
      out.put(w.name(), tenants);
    }
    return out;
  }

  /**
   * Puts members and workgroups into the directory (idempotent) and gives the portal the members'
   * credentials. Everything is checked before the directory changes.
   */
  public void applyTo(WorkgroupService directory, WorkgroupPortal portal) {
    List<Member> parsed =
        members.stream()
            .map(
                m ->
                    new Member(
                        new MemberId(MvpnId.of(m.tenant()), Ipv4Address.parse(m.address())),
                        m.fqdn(),
                        Ipv4Address.parse(m.gateway())))
            .toList();
    Map<String, List<MemberId>> initial = new HashMap<>();
    for (WorkgroupSpec w : workgroups) {
      if (w.name() == null || w.name().isBlank()) {
        throw new IllegalArgumentException("a workgroup needs a name");
      }
      initial.put(
          w.name(),
          w.members() == null
              ? List.of()
              : w.members().stream().map(WorkgroupSetup::memberId).toList());
    }
    parsed.forEach(directory::putMember);
    for (int i = 0; i < members.size(); i++) {
      String hash = members.get(i).tokenSha256();
      if (portal != null && hash != null && !hash.isBlank()) {
        portal.addCredentialHash(hash, parsed.get(i).id());
      }
    }
    for (WorkgroupSpec w : workgroups) {
      directory.addWorkgroup(w.name());
      initial.get(w.name()).forEach(m -> directory.join(w.name(), m));
    }
  }
}
