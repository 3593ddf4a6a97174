package io.mvpn.mn;

import static io.mvpn.net.transport.tun.KernelLab.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.mvpn.api.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink listener against a real kernel: in a network namespace of its own, a veth pair
 * taken up and down and given an address wakes it each time. Needs root and ip; fails without them
 * under CI=true. Run under {@code flock /tmp/mvpn-netns.lock}. Real time; every wait is bounded.
 */
class RtnetlinkListenerTest {

  private static final long WAIT_MILLIS = 1_000;

  @Test
  void headersThatHoldTogetherAreCountedAndOthersAreNot() {
    byte[] two = new byte[20 + 16];
    two[0] = 18; // 18 bytes, aligned to 20
    two[20] = 16;
    assertThat(RtnetlinkListener.wellFormed(two, two.length)).isEqualTo(2);

    byte[] tooShort = new byte[16];
    tooShort[0] = 8;
    assertThat(RtnetlinkListener.wellFormed(tooShort, 16)).isEqualTo(-1);

    byte[] runsPast = new byte[16];
    runsPast[0] = 32;
    assertThat(RtnetlinkListener.wellFormed(runsPast, 16)).isEqualTo(-1);

    byte[] trailing = new byte[20];
    trailing[0] = 16;
    assertThat(RtnetlinkListener.wellFormed(trailing, 20)).isEqualTo(-1);
  }

  @Test
  void wakesOnLinkDownAndUpAndOnAnAddressAddedInItsNamespace() throws Exception {
    requireRootAndIp();
    String ns = "mvnl" + ProcessHandle.current().pid();
    run("ip", "netns", "add", ns);
    try {
      run("ip", "-n", ns, "link", "add", "nl0", "type", "veth", "peer", "name", "nl1");
      Semaphore wakes = new Semaphore(0);
      RtnetlinkListener listener = openIn(ns, wakes::release);
      try {
        for (String[] change :
            List.of(
                new String[] {"link", "set", "dev", "nl0", "up"},
                new String[] {"link", "set", "dev", "nl0", "down"},
                new String[] {"link", "set", "dev", "nl0", "up"},
                new String[] {"address", "add", "10.77.0.1/24", "dev", "nl0"})) {
          wakes.drainPermits();
          List<String> command = new ArrayList<>(List.of("ip", "-n", ns));
          command.addAll(List.of(change));
          run(command.toArray(String[]::new));
          assertThat(wakes.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS))
              .as("woken within %d ms by: ip %s", WAIT_MILLIS, String.join(" ", change))
              .isTrue();
        }
        assertThat(listener.malformed()).isZero();
      } finally {
        listener.close();
        assertThat(listener.awaitClosed(RtnetlinkListener.RECEIVE_TIMEOUT_MILLIS + WAIT_MILLIS))
            .as("the listener's thread ended, closing its socket")
            .isTrue();
      }
    } finally {
      run("ip", "netns", "del", ns);
    }
  }

  /** Opens the listener from a thread that entered the namespace: its socket stays there. */
  private static RtnetlinkListener openIn(String ns, Runnable wake) throws Exception {
    CompletableFuture<RtnetlinkListener> opened = new CompletableFuture<>();
    Thread inside =
        new Thread(
            () -> {
              try {
                Namespaces.enter(Path.of("/var/run/netns", ns));
                opened.complete(RtnetlinkListener.open(wake));
              } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
              }
            },
            "enter-" + ns);
    inside.start();
    return opened.get(10, TimeUnit.SECONDS);
  }

  private static void requireRootAndIp() throws Exception {
    List<String> missing = new ArrayList<>();
    boolean ip =
        List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").stream()
            .anyMatch(p -> Files.isExecutable(Path.of(p)));
    if (!ip) {
      missing.add("the ip command (iproute2)");
    }
    if (!run("id", "-u").trim().equals("0")) {
      missing.add("root (to make a network namespace)");
    }
    Requirements.require(
        missing.isEmpty(),
        "the rtnetlink test needs "
            + String.join(", ", missing)
            + " (run as root, under flock /tmp/mvpn-netns.lock)");
  }

  /** setns(2) for the calling thread only. */
  private static final class Namespaces {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    static {
      Native.register(Namespaces.class, Platform.C_LIBRARY_NAME);
    }

    private static native int open(String path, int flags) throws LastErrorException;

    private static native int setns(int fd, int type) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    static void enter(Path namespace) throws IOException {
      try {
        int fd = open(namespace.toString(), O_RDONLY | O_CLOEXEC);
        try {
          setns(fd, CLONE_NEWNET);
        } finally {
          close(fd);
        }
      } catch (LastErrorException e) {
        throw new IOException("entering " + namespace + ": errno " + e.getErrorCode());
      }
    }
  }
}
