package io.mvpn.diameter.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A test CA and one RSA certificate per Diameter identity (CN and DNS name), made by openssl. */
record Certificates(Path dir) {

  static final char[] PASSWORD = "diameter".toCharArray();

  static Certificates issue(Path dir, String... identities) throws Exception {
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=mvpn diameter test CA",
        "-days",
        "2");
    for (String id : identities) {
      run(
          dir,
          "openssl",
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          id + ".key",
          "-out",
          id + ".csr",
          "-subj",
          "/CN=" + id);
      java.nio.file.Files.writeString(dir.resolve(id + ".ext"), "subjectAltName=DNS:" + id + "\n");
      run(
          dir,
          "openssl",
          "x509",
          "-req",
          "-in",
          id + ".csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-out",
          id + ".crt",
          "-days",
          "2",
          "-extfile",
          id + ".ext");
      run(
          dir,
          "openssl",
          "pkcs12",
          "-export",
          "-in",
          id + ".crt",
          "-inkey",
          id + ".key",
          "-certfile",
          "ca.crt",
          "-out",
          id + ".p12",
          "-passout",
          "pass:" + new String(PASSWORD));
    }
    return new Certificates(dir);
  }

  Path ca() {
    return dir.resolve("ca.crt");
  }

  Path cert(String id) {
    return dir.resolve(id + ".crt");
  }

  Path key(String id) {
    return dir.resolve(id + ".key");
  }

  Path keyStore(String id) {
    return dir.resolve(id + ".p12");
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
