package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.pki.Credential;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates DNS and the MSM hand out by a member's DNS name (seed 002 c55-56). */
class ApplianceCaDirectoryTest {

  @TempDir Path dir;

  @Test
  void aLookupIsAnsweredWhileAnIssueHoldsTheCaAndForgetsARevokedCertificate() throws Exception {
    ApplianceCa ca = new ApplianceCa();
    ca.activate(IkeDaemonTest.caConfig(dir.resolve("ca.p12").toString()));
    Credential laptop = ca.issue("laptop.acme.example", List.of(), List.of("laptop.acme.example"));
    ExecutorService dns = Executors.newSingleThreadExecutor();
    try {
      synchronized (ca) { // as `mvpn:ca issue` holds it while it rewrites the store
        Future<List<byte[]>> answer = dns.submit(() -> lookup(ca, "Laptop.acme.example."));
        assertThat(answer.get(10, TimeUnit.SECONDS))
            .containsExactly(laptop.certificate().getEncoded());
      }
    } finally {
      dns.shutdownNow();
    }

    ca.revoke(laptop.certificate().getSerialNumber());

    assertThat(lookup(ca, "laptop.acme.example")).isEmpty();
  }

  private static List<byte[]> lookup(ApplianceCa ca, String name) {
    List<List<byte[]>> got = new ArrayList<>();
    ca.certificates(name, got::add);
    return got.get(0);
  }
}
