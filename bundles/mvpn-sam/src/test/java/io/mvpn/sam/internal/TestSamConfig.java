package io.mvpn.sam.internal;

import java.lang.annotation.Annotation;

/** A SAM cfg as tests write it: tenant acme, principal kink/sam, the defaults' limits. */
final class TestSamConfig implements SamInstance.Config {

  private final String realm;
  private final String kdc;
  private final String listen;
  private final String keytab;
  private final String nodes;
  private final String dataDir;

  TestSamConfig(
      String realm, String kdc, String listen, String keytab, String nodes, String dataDir) {
    this.realm = realm;
    this.kdc = kdc;
    this.listen = listen;
    this.keytab = keytab;
    this.nodes = nodes;
    this.dataDir = dataDir;
  }

  @Override
  public Class<? extends Annotation> annotationType() {
    return SamInstance.Config.class;
  }

  @Override
  public String tenant() {
    return "acme";
  }

  @Override
  public String realm() {
    return realm;
  }

  @Override
  public String kdc() {
    return kdc;
  }

  @Override
  public String principal() {
    return "kink/sam";
  }

  @Override
  public String keytab() {
    return keytab;
  }

  @Override
  public String listen() {
    return listen;
  }

  @Override
  public int capacity() {
    return 1_000;
  }

  @Override
  public long lifetimeSeconds() {
    return 28_800;
  }

  @Override
  public int kdcAttempts() {
    return 3;
  }

  @Override
  public long skewSeconds() {
    return 300;
  }

  @Override
  public String nodes() {
    return nodes;
  }

  @Override
  public String dataDir() {
    return dataDir;
  }
}
