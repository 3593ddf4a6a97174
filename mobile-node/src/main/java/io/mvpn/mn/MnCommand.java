package io.mvpn.mn;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code mvpn-mn up|status|down [--config FILE] [--daemon]}: the mobile node of a Linux host. Exit
 * codes: 0 done (for status: registered, or at home), 3 not registered (or not running), 1 an
 * error, 2 a bad command line or configuration, always said in one line on stderr.
 */
public final class MnCommand {

  static final int OK = 0;
  static final int ERROR = 1;
  static final int BAD_CONFIG = 2;
  static final int NOT_REGISTERED = 3;

  /** How long {@code down} and SIGTERM wait for the home agent to drop the binding. */
  private static final long DEREGISTRATION_MILLIS = 5000;

  private final PrintStream out;
  private final PrintStream err;

  MnCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    Logging.configure(); // before any class makes its logger
    System.exit(new MnCommand(System.out, System.err).run(args));
  }

  int run(String[] args) {
    List<String> words = new ArrayList<>(List.of(args));
    Path configFile = MnConfig.DEFAULT_CONFIG;
    boolean daemon = false;
    String command = null;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("--config") && i + 1 < words.size()) {
        configFile = Path.of(words.get(++i));
      } else if (w.equals("--daemon")) {
        daemon = true;
      } else if (command == null && List.of("up", "status", "down").contains(w)) {
        command = w;
      } else {
        return usage("unexpected argument '" + w + "'");
      }
    }
    if (command == null) {
      return usage("no command");
    }
    MnConfig config;
    try {
      config = MnConfig.load(configFile);
    } catch (ConfigException e) {
      err.println("mvpn-mn: " + e.getMessage());
      return BAD_CONFIG;
    }
    return switch (command) {
      case "status" -> status(config);
      case "down" -> down(config);
      default -> daemon ? daemonize(configFile, config) : up(configFile, config);
    };
  }

  private int usage(String problem) {
    err.println(
        "mvpn-mn: " + problem + "; usage: mvpn-mn up|status|down [--config FILE] [--daemon]");
    return BAD_CONFIG;
  }

  private int status(MnConfig config) {
    String answer;
    try {
      answer = ControlSocket.request(config.control(), "status");
    } catch (IOException e) {
      err.println("mvpn-mn: not running (no node answers on " + config.control() + ")");
      return NOT_REGISTERED;
    }
    return printed(answer);
  }

  /** 0 once the home agent confirmed; 1 if it did not within the wait (the node stops anyway). */
  private int down(MnConfig config) {
    try {
      String answer = ControlSocket.request(config.control(), "down");
      if (printed(answer) == ERROR) {
        return ERROR;
      }
      String state = NodeStatus.fields(answer).get("state");
      if (!"deregistered".equals(state) && !NodeStatus.AT_HOME.equals(state)) {
        err.println("mvpn-mn: the home agent did not confirm the deregistration; the node stopped");
        return ERROR;
      }
      return OK;
    } catch (IOException e) {
      err.println("mvpn-mn: not running (no node answers on " + config.control() + ")");
      return NOT_REGISTERED;
    }
  }

  /** Prints a node's answer; its state line decides the exit code. */
  private int printed(String answer) {
    String state = NodeStatus.fields(answer).get("state");
    if (state == null) {
      String first = answer.isBlank() ? "an empty answer" : answer.strip().split("\n")[0];
      err.println("mvpn-mn: the node answered " + first);
      return ERROR;
    }
    out.print(answer);
    return NodeStatus.connected(state) ? OK : NOT_REGISTERED;
  }

  /** Runs the node in this process until {@code down} or SIGTERM. */
  private int up(Path configFile, MnConfig config) {
    NodeHost host = NodeHost.of(config);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean deregistered = new AtomicBoolean();
    ControlSocket control = null;
    try {
      // The control socket answers only once the node runs: --daemon waits for that answer.
      ControlSocket.refuseIfAnswering(config.control());
      host.start();
      control =
          ControlSocket.open(
              config.control(),
              new ControlSocket.Commands() {
                @Override
                public NodeStatus status() throws Exception {
                  return host.status();
                }

                @Override
                public NodeStatus down() throws Exception {
                  if (deregistered.compareAndSet(false, true)) {
                    host.deregister(DEREGISTRATION_MILLIS);
                  }
                  return host.status();
                }

                @Override
                public void answeredDown() {
                  stopped.countDown();
                }

                @Override
                public String moreStatus() throws Exception {
                  return host.samStatus();
                }
              });
      writePid(config.pidFile());
    } catch (ConfigException e) {
      // found only as the node starts (the token of sam.token): a configuration fault all the same
      err.println("mvpn-mn: " + configFile + ": " + e.getMessage());
      host.close();
      return BAD_CONFIG;
    } catch (Exception e) {
      err.println("mvpn-mn: cannot start: " + e.getMessage());
      host.close();
      if (control != null) {
        control.close();
      }
      return ERROR;
    }
    ControlSocket running = control;
    Thread stop =
        new Thread(
            () -> {
              try {
                if (deregistered.compareAndSet(false, true)) {
                  host.deregister(DEREGISTRATION_MILLIS);
                }
              } catch (Exception e) {
                Logging.warn("deregistration on stop: " + e);
              } finally {
                shutdown(host, running, config);
              }
            },
            "mvpn-mn-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stop);
    } catch (IllegalStateException e) {
      return OK; // a SIGTERM came meanwhile: its hook closes
    }
    shutdown(host, running, config);
    return OK;
  }

  /** Once, whichever comes first: {@code down} or a signal. */
  private final AtomicBoolean closed = new AtomicBoolean();

  private void shutdown(NodeHost host, ControlSocket control, MnConfig config) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    control.close();
    host.close();
    if (config.pidFile() != null) {
      try {
        Files.deleteIfExists(config.pidFile());
      } catch (IOException e) {
        Logging.warn("pid file: " + e);
      }
    }
    Logging.info("stopped");
  }

  private static void writePid(Path pidFile) throws IOException {
    if (pidFile != null) {
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    }
  }

  /**
   * Starts {@code up} as a process of its own (this jar, this Java), its output to the log file,
   * and returns once it answers on the control socket: 0 then, 1 if it stopped first.
   */
  private int daemonize(Path configFile, MnConfig config) {
    if (config.logFile() == null) {
      err.println("mvpn-mn: " + configFile + ": logFile: required with --daemon");
      return BAD_CONFIG;
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Process node;
    try {
      node =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  MnCommand.class.getName(),
                  "up",
                  "--config",
                  configFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(config.logFile().toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
    } catch (IOException e) {
      err.println("mvpn-mn: cannot start the node: " + e.getMessage());
      return ERROR;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline && node.isAlive()) {
      try {
        ControlSocket.request(config.control(), "status");
        out.println("mvpn-mn: running, pid " + node.pid() + ", log " + config.logFile());
        return OK;
      } catch (IOException e) {
        sleep(100);
      }
    }
    err.println("mvpn-mn: the node did not come up; see " + config.logFile());
    return ERROR;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
