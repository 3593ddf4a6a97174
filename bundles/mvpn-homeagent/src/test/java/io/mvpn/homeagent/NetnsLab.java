package io.mvpn.homeagent;

import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.NamespaceLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real kernels for the home agent to talk to ({@link NamespaceLab}: namespaces, TUN devices moved
 * into them, programs inside them, all removed on close), with scapy's mobile nodes run by Debian's
 * python3. Runs need root; serialize them with {@code flock /tmp/mvpn-netns.lock}.
 */
final class NetnsLab extends NamespaceLab {

  /** Debian's interpreter, which has python3-scapy (a pyenv one on PATH may not). */
  static final Path PYTHON = Path.of("/usr/bin/python3");

  NetnsLab() {
    super("mvh");
  }

  /**
   * Skips the calling test when this host cannot run it (root, /dev/net/tun, ip, python3-scapy,
   * {@code tools}), except under CI=true, where it fails and names what is missing.
   */
  static void requireRootWithScapy(String... tools) throws IOException, InterruptedException {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(PYTHON)) {
      missing.add(PYTHON + " (python3)");
    } else if (!imports("scapy.layers.mobileip")) {
      missing.add("python3-scapy");
    }
    KernelLab.requireKernel(missing, tools);
  }

  /** Whether Debian's python3 imports a module (scapy's, say). */
  static boolean imports(String module) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", "import " + module)
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
