package io.mvpn.ike.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.net.Vrf;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A mobile node's IKEv2 initiator toward its security gateway: one engine per access network, on
 * the care-of address it has there, so a fresh tunnel can be set up from whichever network the node
 * is in. {@link #establish} fits a mobile node's tunnel-establishment hook: it hands over the Child
 * SA's inbound and outbound ESP SAs once IKE_AUTH is done, when the gateway already holds its half.
 */
public final class MobileNodeIke implements AutoCloseable {

  private final Ipv4Address gateway;
  private final EngineSettings settings;
  private final SecureRandom random;
  private final Map<Ipv4Address, IkeEngine> byCareOf = new HashMap<>();
  private final Map<Ipv4Address, VrfIkePort> ports = new HashMap<>();
  private final Map<IkeSa, BiConsumer<EspSecurityAssociation, EspSecurityAssociation>> waiting =
      new HashMap<>();

  public MobileNodeIke(Ipv4Address gateway, EngineSettings settings, SecureRandom random) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** An access network: its VRF, our care-of address there, and what IKE proposes from it. */
  public void addNetwork(Vrf vrf, Ipv4Address careOf, PeerConfig config) {
    VrfIkePort port = new VrfIkePort(vrf, careOf, settings, random);
    IkeEngine engine =
        new IkeEngine(
            port.manager(),
            config,
            null,
            false,
            new IkeEngine.Listener() {
              @Override
              public void established(IkeSa sa) {
                BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready =
                    waiting.remove(sa);
                if (ready != null && !sa.childSas().isEmpty()) {
                  ChildSa child = sa.childSas().get(0);
                  ready.accept(child.inbound(), child.outbound());
                }
              }

              @Override
              public void ended(IkeSa sa) {
                waiting.remove(sa);
              }
            });
    port.start();
    ports.put(careOf, port);
    byCareOf.put(careOf, engine);
  }

  /** The engine of the network where we have {@code careOf}. */
  public IkeEngine engine(Ipv4Address careOf) {
    return byCareOf.get(careOf);
  }

  /** Starts IKE from {@code careOf} to the gateway; {@code ready} gets the Child SA's ESP SAs. */
  public void establish(
      Ipv4Address careOf, BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready) {
    IkeEngine engine = byCareOf.get(careOf);
    if (engine == null) {
      throw new IllegalArgumentException("no access network with care-of address " + careOf);
    }
    waiting.put(engine.initiate(new Endpoint(gateway, Endpoint.IKE_PORT)), ready);
  }

  @Override
  public void close() {
    ports.values().forEach(VrfIkePort::close);
    ports.clear();
    byCareOf.clear();
    waiting.clear();
  }
}
