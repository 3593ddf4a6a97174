package io.mvpn.ike.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace joined to the root namespace by a veth pair on a /30: the root end gets
 * {@code .1}, the namespace end {@code .2}. Names and subnet derive from the process id, so runs in
 * parallel worktrees do not collide. {@link #close()} deletes the namespace, which takes the pair
 * with it.
 */
final class NetNamespace implements AutoCloseable {

  /** The namespace's address inside the tunnel, in charon's local_ts 10.1.0.0/24. */
  static final String INNER_ADDRESS = "10.1.0.1";

  final String name;
  final String rootAddress;
  final String nsAddress;
  private final String rootLink;

  NetNamespace(String prefix) throws IOException, InterruptedException {
    long pid = ProcessHandle.current().pid();
    int slot = (int) (pid % 16384);
    String subnet = "10.233." + (slot / 64) + ".";
    int base = (slot % 64) * 4;
    name = prefix + pid;
    rootLink = "mvik" + pid;
    rootAddress = subnet + (base + 1);
    nsAddress = subnet + (base + 2);
    String nsLink = rootLink + "n";
    run("ip", "netns", "add", name);
    try {
      run("ip", "link", "add", rootLink, "type", "veth", "peer", "name", nsLink);
      run("ip", "link", "set", nsLink, "netns", name);
      run("ip", "addr", "add", rootAddress + "/30", "dev", rootLink);
      run("ip", "link", "set", rootLink, "up");
      run("ip", "-n", name, "addr", "add", nsAddress + "/30", "dev", nsLink);
      run("ip", "-n", name, "link", "set", nsLink, "up");
      run("ip", "-n", name, "link", "set", "lo", "up");
      // A host inside charon's traffic selector: kernel-libipsec routes the tunnel from it.
      run("ip", "-n", name, "addr", "add", INNER_ADDRESS + "/32", "dev", "lo");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Runs a command to completion within 20 s; its output, or an IOException if it failed. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IOException(String.join(" ", command) + " timed out");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + ": " + out);
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      run("ip", "link", "del", rootLink);
    } catch (IOException e) {
      // gone already, or never made
    }
    try {
      run("ip", "netns", "del", name);
    } catch (IOException e) {
      // never made
    }
  }
}
