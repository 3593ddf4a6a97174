package io.mvpn.homeagent;

import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.NamespaceLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Real kernels for the home agent to talk to ({@link NamespaceLab}: namespaces, TUN devices moved
 * into them, programs inside them, all removed on close), with scapy's mobile nodes run by Debian's
 * python3. Runs need root; serialize them with {@code flock /tmp/mvpn-netns.lock}. Other modules'
 * tests on real kernels use it through this module's test-jar.
 */
public final class NetnsLab extends NamespaceLab {

  /** Debian's interpreter, which has python3-scapy (a pyenv one on PATH may not). */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  public NetnsLab() {
    super("mvh");
  }

  /**
   * Skips the calling test when this host cannot run it (root, /dev/net/tun, ip, python3-scapy,
   * {@code tools}), except under CI=true, where it fails and names what is missing.
   */
  public static void requireRootWithScapy(String... tools)
      throws IOException, InterruptedException {
    requireRootWithPython(Map.of("scapy.layers.mobileip", "python3-scapy"), tools);
  }

  /**
   * As {@link #requireRootWithScapy}, for the Python modules given, each with the Debian package
   * that brings it (named when it is missing).
   */
  public static void requireRootWithPython(Map<String, String> packageByModule, String... tools)
      throws IOException, InterruptedException {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(PYTHON)) {
      missing.add(PYTHON + " (python3)");
    } else {
      for (Map.Entry<String, String> m : new TreeMap<>(packageByModule).entrySet()) {
        if (!imports(m.getKey())) {
          missing.add(m.getValue());
        }
      }
    }
    KernelLab.requireKernel(missing, tools);
  }

  /** Whether Debian's python3 imports a module (scapy's, say). */
  public static boolean imports(String module) throws IOException, InterruptedException {
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
