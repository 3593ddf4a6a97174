package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.backbone.NaptGateway;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.lab.Lab;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.store.InMemoryNaptMappingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The appliance with many tenants whose realms all are 10.1.0.0/16: each has a home agent, a host
 * at 10.1.0.100 on its LAN and a mobile node 10.1.0.5 that is at home, visits the one shared
 * foreign agent on {@code cell1}, or holds a co-located care-of address on the Internet. Around
 * them: a forger on the foreign agent's link that also calls itself 10.1.0.5, a host on the
 * Internet that every tenant reaches through the appliance's NAPT (public address 203.0.113.1,
 * ports 40000-49999), each tenant's realm fenced from it, and the workgroups, the workgroup DNS and
 * the security gateways of {@link IsolationServices}. All in virtual time.
 */
final class IsolationWorld implements AutoCloseable {

  static final long MS = 1_000_000L;
  static final Ipv4Address HOST = MobilityLab.HOST;
  static final Ipv4Address MN_HOME = MobilityLab.MN_HOME;
  static final Ipv4Address FA = Ipv4Address.parse("203.0.113.11");
  static final Ipv4Address INTERNET_HOST = Ipv4Address.parse("203.0.113.200");
  static final String FORGER = "forger";
  static final String OUTSIDER = "outsider";

  /** Where a tenant's mobile node stays for the whole run. */
  enum Place {
    HOME,
    VISITING,
    COLOCATED
  }

  /** One tenant as the run built it. */
  record Tenant(int index, String name, Ipv4Address homeAgent, Place place, MobileNode node) {

    String nodeName() {
      return "mn-" + name;
    }

    String hostName() {
      return name + "-host";
    }

    /** The co-located care-of address (used only by a {@link Place#COLOCATED} node). */
    Ipv4Address careOf() {
      return Ipv4Address.parse("203.0.113." + (100 + index));
    }

    /** The VRF the node's datagrams leave from, where it is. */
    String attachment() {
      return switch (place) {
        case HOME -> "home";
        case VISITING -> "cell1";
        case COLOCATED -> "colo";
      };
    }
  }

  static final int FIRST_PORT = 40000;
  static final int LAST_PORT = 49999;

  final Lab lab;
  final NaptGateway napt;
  final List<Tenant> tenants = new ArrayList<>();
  final IsolationServices services;

  IsolationWorld(long seed, int tenantCount) {
    MobilityLab.Builder b = MobilityLab.builder(seed).internet("2ms");
    for (int i = 0; i < tenantCount; i++) {
      String name = name(i);
      b.tenant(name)
          .homeAgent(
              MobilityLab.homeAgentConfig(
                  name,
                  homeAgent(i),
                  new AssociationSpec(MN_HOME, 1000, Algorithm.HMAC_SHA256, key(i))));
    }
    b.foreignAgent(
        "fa1", "cell1", new ForeignAgent.Config(FA, 600, 1000 * MS, 64, Map.of(), Map.of()));
    for (int i = 0; i < tenantCount; i++) {
      Place place = Place.values()[i % 3];
      b.mobileNode("mn-" + name(i)).home(name(i)).foreign("cell1");
      if (place == Place.COLOCATED) {
        b.colocated("colo", "203.0.113." + (100 + i) + "/24");
      }
    }
    b.topology(
        t -> {
          t.node(FORGER).vrf("cell").iface("c0", "cell1", MN_HOME + "/32");
          t.node(OUTSIDER)
              .vrf("main")
              .iface("eth0", "internet", INTERNET_HOST + "/24")
              .route(MobilityLab.HOME_AGENTS, MobilityLab.PUBLIC.toString());
          IsolationServices.addNodes(t, tenantCount);
        });
    lab = b.build().lab();
    napt = new NaptGateway(lab.vrf("appliance", "public"));
    napt.use(
        new NaptManager(
            new InMemoryNaptMappingStore(),
            MobilityLab.PUBLIC,
            FIRST_PORT,
            LAST_PORT,
            NaptTimeouts.udp(Duration.ofMinutes(2))));
    for (int i = 0; i < tenantCount; i++) {
      MvpnId tenant = MvpnId.of(name(i));
      napt.attach(tenant, lab.vrf("appliance", name(i)));
      napt.fence(tenant, List.of(MobilityLab.REALM));
      lab.vrf(name(i) + "-host", "main")
          .addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), Route.Origin.STATIC);
    }
    for (int i = 0; i < tenantCount; i++) {
      Place place = Place.values()[i % 3];
      String n = "mn-" + name(i);
      MobileNode mn =
          new MobileNode(
              MN_HOME,
              homeAgent(i),
              new MobilitySecurityAssociation(1000, Algorithm.HMAC_SHA256, key(i)),
              600,
              lab.virtualTime(),
              0);
      mn.addHome("home", lab.vrf(n, "home"), lab.iface(n, "home"));
      mn.addForeign("cell1", lab.vrf(n, "cell1"), lab.iface(n, "cell1"));
      if (place == Place.COLOCATED) {
        mn.addColocated("colo", lab.vrf(n, "colo"), lab.iface(n, "colo"));
      }
      tenants.add(new Tenant(i, name(i), homeAgent(i), place, mn));
    }
    services = new IsolationServices(this, seed);
  }

  static String name(int i) {
    return String.format("t%02d", i);
  }

  static Ipv4Address homeAgent(int i) {
    return Ipv4Address.parse("198.51.100." + (10 + i));
  }

  /** A distinct 32-byte key per tenant. */
  static byte[] key(int i) {
    byte[] key = new byte[32];
    for (int k = 0; k < key.length; k++) {
      key[k] = (byte) (i * 31 + k * 7 + 1);
    }
    return key;
  }

  /** Moves every node to its place and lets the registrations complete. */
  void settle() {
    for (Tenant t : tenants) {
      t.node().moveTo(t.attachment());
    }
    lab.virtualTime().advance(3, TimeUnit.SECONDS);
  }

  Vrf vrf(String node, String vrf) {
    return lab.vrf(node, vrf);
  }

  Interface iface(String node, String name) {
    return lab.iface(node, name);
  }

  @Override
  public void close() {
    services.close();
    lab.close();
  }
}
