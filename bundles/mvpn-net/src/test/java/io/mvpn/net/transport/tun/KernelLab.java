package io.mvpn.net.transport.tun;

import static io.mvpn.api.testing.Requirements.require;

import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Vrf;
import io.netty.channel.EventLoopGroup;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The host side of the TUN tests: checks that the kernel can be driven (root, /dev/net/tun, ip,
 * ping) and runs ip commands. Device names and the 10.200.N.0/24 subnet derive from the process id,
 * so runs in parallel worktrees do not collide; {@link #close} deletes every device made here.
 * Other modules' kernel tests check the host and run commands with it (mvpn-net's test-jar).
 */
public final class KernelLab implements AutoCloseable {

  final int slot = (int) (ProcessHandle.current().pid() % 250) + 1;
  private final List<String> devices = new ArrayList<>();

  /**
   * Removes every interface of the VRFs on their schedulers' threads, waiting at most 10 s for
   * each: closing the transports closes the TUN devices wherever they were moved, so a test does
   * this before it deletes the namespaces.
   */
  public static void removeInterfaces(List<Vrf> vrfs) throws Exception {
    for (Vrf vrf : vrfs) {
      CompletableFuture<Void> removed = new CompletableFuture<>();
      vrf.scheduler()
          .execute(
              () -> {
                try {
                  vrf.interfaces().forEach(i -> vrf.removeInterface(i.name()));
                  removed.complete(null);
                } catch (RuntimeException e) {
                  removed.completeExceptionally(e);
                }
              });
      removed.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Tears down a test of one VRF in namespaces: its interfaces (so the devices close), then the
   * namespaces, then the VRF's event loops; each step whatever came of the one before. Null {@code
   * vrf} or {@code lab}: set-up failed before them.
   */
  static void tearDown(Vrf vrf, NamespaceLab lab, EventLoopGroup group) throws Exception {
    try {
      if (vrf != null) {
        removeInterfaces(List.of(vrf));
      }
    } finally {
      try {
        if (lab != null) {
          lab.close();
        }
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  /**
   * Skips the calling test when the host cannot run it, except under CI=true, where a missing
   * requirement fails the test and says what is missing. {@code tools} are further commands needed.
   */
  public static void requireKernel(String... tools) throws IOException, InterruptedException {
    requireKernel(List.of(), tools);
  }

  /**
   * As {@link #requireKernel(String...)}, with what the caller found missing itself (a Python
   * module, say) named among the rest.
   */
  public static void requireKernel(List<String> alsoMissing, String... tools)
      throws IOException, InterruptedException {
    List<String> missing = new ArrayList<>(alsoMissing);
    for (String tool : tools) {
      if (!onPath(tool)) {
        missing.add("the " + tool + " command");
      }
    }
    if (!onPath("ip")) {
      missing.add("the ip command (iproute2)");
    }
    if (!onPath("ping")) {
      missing.add("the ping command");
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      missing.add("/dev/net/tun");
    }
    if (!run("id", "-u").trim().equals("0")) {
      missing.add("root (to make TUN devices and put addresses on them)");
    }
    if (missing.isEmpty()) {
      return;
    }
    require(
        false,
        "TUN tests need "
            + String.join(", ", missing)
            + " (run as root, under flock"
            + " /tmp/mvpn-netns.lock)");
  }

  /** A device name unique to this run; deleted by {@link #close} whatever made it. */
  String device(String suffix) {
    String name = "mvt" + slot + suffix;
    devices.add(name);
    return name;
  }

  /** An address in this run's subnet, 10.200.SLOT.HOST. */
  String address(int host) {
    return "10.200." + slot + "." + host;
  }

  public static boolean exists(String device) {
    return Files.exists(Path.of("/sys/class/net", device));
  }

  /** Runs a command to completion within 20 s; its output, or an IOException if it failed. */
  public static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IOException(String.join(" ", command) + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  /**
   * Runs work on an engine's scheduler from the test's thread and waits (10 s at most) for its
   * result: engines on real devices run in real time, on their own loop.
   */
  public static <T> T onLoop(Scheduler scheduler, Callable<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          try {
            done.complete(work.call());
          } catch (Exception | AssertionError e) {
            done.completeExceptionally(e);
          }
        });
    return done.get(10, TimeUnit.SECONDS);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  @Override
  public void close() throws InterruptedException {
    for (String device : devices) {
      if (exists(device)) {
        try {
          run("ip", "link", "del", device);
        } catch (IOException e) {
          // Gone between the check and the command: nothing left to clean.
        }
      }
    }
  }
}
