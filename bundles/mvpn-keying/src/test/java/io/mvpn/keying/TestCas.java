package io.mvpn.keying;

/** An activated appliance CA for tests. */
public final class TestCas {

  private TestCas() {}

  public static ApplianceCa activated() {
    ApplianceCa ca = new ApplianceCa();
    ca.activate(IkeDaemonTest.caConfig());
    return ca;
  }
}
