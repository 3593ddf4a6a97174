package io.mvpn.mobilenode.sim;

import io.mvpn.api.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A SoftHSM2 token of a test's own, standing for a node's SIM: initialised afresh in the directory
 * of {@code SOFTHSM2_CONF}, which the module's surefire points into target/ (the library reads it
 * when the JVM first loads it, so one directory serves the whole test JVM). Fails under CI, and
 * skips elsewhere, without softhsm2.
 */
public final class SoftHsmToken {

  public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  public static final String PIN = "1234";

  /** The library's own configuration (where its tokens live). */
  public final Path softhsmConf;

  /** The SunPKCS11 configuration of the token, as docs/operations.md writes it. */
  public final Path providerConf;

  private SoftHsmToken(Path softhsmConf, Path providerConf) {
    this.softhsmConf = softhsmConf;
    this.providerConf = providerConf;
  }

  /** Deletes every token of the directory and initialises one, label {@code mvpn-sim}. */
  public static SoftHsmToken fresh() throws IOException, InterruptedException {
    String conf = System.getenv("SOFTHSM2_CONF");
    Requirements.require(
        Files.exists(LIBRARY) && conf != null,
        "softhsm2 (Debian package softhsm2) and SOFTHSM2_CONF set by the module's surefire");
    Path softhsmConf = Path.of(conf);
    Path dir = softhsmConf.getParent();
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(
        softhsmConf,
        "directories.tokendir = "
            + dir.resolve("tokens")
            + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    SoftHsmToken token =
        new SoftHsmToken(softhsmConf, providerConf(dir.resolve("pkcs11.cfg"), LIBRARY, 0));
    String out =
        token.run(
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "mvpn-sim",
            "--pin",
            PIN,
            "--so-pin",
            "5678");
    if (!out.contains("initialized")) {
      throw new IllegalStateException("softhsm2-util --init-token: " + out);
    }
    return token;
  }

  /** Writes a SunPKCS11 configuration whose secret keys are sensitive and non-extractable. */
  public static Path providerConf(Path at, Path library, int slotListIndex) throws IOException {
    return Files.writeString(
        at,
        String.join(
            "\n",
            "name = SoftHSM-sim",
            "library = " + library,
            "slotListIndex = " + slotListIndex,
            "attributes(*, CKO_SECRET_KEY, *) = {",
            "  CKA_SENSITIVE = true",
            "  CKA_EXTRACTABLE = false",
            "}",
            ""));
  }

  /** A fresh provider instance over the token: what a node that starts configures. */
  public Provider provider() {
    return TokenSaStore.provider(providerConf);
  }

  /** Runs a tool with this token's SOFTHSM2_CONF; its output and errors. */
  public String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", softhsmConf.toString());
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
