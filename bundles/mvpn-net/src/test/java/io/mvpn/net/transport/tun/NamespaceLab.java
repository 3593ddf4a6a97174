package io.mvpn.net.transport.tun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real kernels for a test to talk to: network namespaces this run names after its process id (so
 * parallel worktrees do not collide), TUN devices moved into them, programs run inside them. {@link
 * #close} stops every program and removes every namespace and device made here, also after a
 * failure. Runs need root ({@link KernelLab#requireKernel}); serialize them with {@code flock
 * /tmp/mvpn-netns.lock}. Other modules' kernel tests use it from mvpn-net's test-jar.
 */
public class NamespaceLab implements AutoCloseable {

  private final long pid = ProcessHandle.current().pid();
  private final String devicePrefix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> devices = new ArrayList<>();
  private final List<Process> programs = new ArrayList<>();

  /** {@code devicePrefix}: the first letters of this module's device names, e.g. "mvh". */
  public NamespaceLab(String devicePrefix) {
    this.devicePrefix = devicePrefix;
  }

  /** A new namespace ROLE-PID with its loopback up; removed by {@link #close}. */
  public String namespace(String role) throws IOException, InterruptedException {
    String name = role + "-" + pid;
    if (Files.exists(Path.of("/run/netns", name))) {
      run("ip", "netns", "del", name); // left by a killed run with this process id
    }
    run("ip", "netns", "add", name);
    namespaces.add(name);
    run("ip", "-n", name, "link", "set", "lo", "up");
    return name;
  }

  /** A TUN device name unique to this run, at most 15 characters; deleted by {@link #close}. */
  public String device(String suffix) {
    String name = devicePrefix + (pid % 100_000) + suffix;
    devices.add(name);
    return name;
  }

  /**
   * Moves a device into a namespace (a TUN device keeps its file descriptor in this JVM) and
   * addresses it there: IPv6 off, so the kernel sends only what the test provokes.
   */
  public void moveInto(String device, String namespace, String... addresses)
      throws IOException, InterruptedException {
    run("ip", "link", "set", device, "netns", namespace);
    in(namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + device + ".disable_ipv6=1");
    for (String address : addresses) {
      run("ip", "-n", namespace, "addr", "add", address, "dev", device);
    }
    run("ip", "-n", namespace, "link", "set", device, "up");
  }

  /** Runs a command inside a namespace to completion. */
  public String in(String namespace, String... command) throws IOException, InterruptedException {
    return run(inside(namespace, command).toArray(String[]::new));
  }

  /** Starts a program inside a namespace; {@link #close} stops it if it still runs. */
  public Process start(String namespace, ProcessBuilder.Redirect output, String... command)
      throws IOException {
    Process p =
        new ProcessBuilder(inside(namespace, command))
            .redirectErrorStream(true)
            .redirectOutput(output)
            .start();
    p.getOutputStream().close();
    // Only those still running need stopping: a soak starts thousands, each with its pipes'
    // buffers.
    programs.removeIf(q -> !q.isAlive());
    programs.add(p);
    return p;
  }

  /** A device's packets received and sent, {rx, tx}, as the namespace's kernel counts them. */
  public long[] packets(String namespace, String device) throws IOException, InterruptedException {
    String statistics = "/sys/class/net/" + device + "/statistics/";
    String[] counts =
        in(namespace, "cat", statistics + "rx_packets", statistics + "tx_packets")
            .trim()
            .split("\\s+");
    return new long[] {Long.parseLong(counts[0]), Long.parseLong(counts[1])};
  }

  /** The namespace's IP stack counters (/proc/net/snmp), keyed as "Icmp.InEchos". */
  public Map<String, Long> snmp(String namespace) throws IOException, InterruptedException {
    Map<String, Long> counters = new HashMap<>();
    String[] lines = in(namespace, "cat", "/proc/net/snmp").split("\n");
    for (int i = 0; i + 1 < lines.length; i += 2) {
      String[] names = lines[i].trim().split("\\s+");
      String[] values = lines[i + 1].trim().split("\\s+");
      String group = names[0].substring(0, names[0].length() - 1);
      for (int j = 1; j < names.length && j < values.length; j++) {
        counters.put(group + "." + names[j], Long.parseLong(values[j]));
      }
    }
    return counters;
  }

  private static List<String> inside(String namespace, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return full;
  }

  public static String run(String... command) throws IOException, InterruptedException {
    return KernelLab.run(command);
  }

  /** Stops programs, removes namespaces (and the devices in them), then any device left. */
  @Override
  public void close() throws InterruptedException {
    for (Process p : programs) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    for (String namespace : namespaces) {
      try {
        run("ip", "netns", "del", namespace);
      } catch (IOException e) {
        // Already gone: nothing to clean.
      }
    }
    for (String device : devices) {
      if (KernelLab.exists(device)) {
        try {
          run("ip", "link", "del", device);
        } catch (IOException e) {
          // Gone between the check and the command.
        }
      }
    }
  }
}
