package io.mvpn.mn;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running node's control: a Unix socket (0600, so only its owner, root in practice, may stop
 * the node) taking one command line per connection, {@code status} or {@code down}, and answering
 * with the status lines before closing. A file left by a node that died is replaced; one a live
 * node answers on is refused.
 */
final class ControlSocket implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlSocket.class);
  private static final int MAX_COMMAND = 64;

  /** What the node does for each command. */
  interface Commands {
    NodeStatus status() throws Exception;

    /** Deregisters; the status after deregistration. */
    NodeStatus down() throws Exception;

    /** After the answer to {@code down} has left: the node may stop now. */
    default void answeredDown() {}

    /** Lines {@code status} shows after the node's (the SAM path's SAs, say). */
    default String moreStatus() throws Exception {
      return "";
    }
  }

  private final Path path;
  private final ServerSocketChannel server;
  private final Thread acceptor;

  private ControlSocket(Path path, ServerSocketChannel server, Commands commands) {
    this.path = path;
    this.server = server;
    this.acceptor = new Thread(() -> serve(commands), "mvpn-mn-control");
    acceptor.setDaemon(true);
  }

  /** Fails if a live node answers on {@code path}; a file left by a node that died is removed. */
  static void refuseIfAnswering(Path path) throws IOException {
    if (Files.exists(path)) {
      if (answers(path)) {
        throw new IOException("a node is already running on " + path);
      }
      Files.delete(path);
    }
  }

  static ControlSocket open(Path path, Commands commands) throws IOException {
    refuseIfAnswering(path);
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    ControlSocket control = new ControlSocket(path, server, commands);
    control.acceptor.start();
    return control;
  }

  private void serve(Commands commands) {
    while (server.isOpen()) {
      boolean down = false;
      try (SocketChannel client = server.accept()) {
        String command = readCommand(client);
        down = command.equals("down");
        String reply;
        try {
          reply =
              switch (command) {
                case "status" -> commands.status().render() + commands.moreStatus();
                case "down" -> commands.down().render();
                default -> "error: unknown command '" + command + "'\n";
              };
        } catch (Exception e) {
          reply = "error: " + e + "\n";
        }
        client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        if (server.isOpen()) {
          LOG.warn("control socket: {}", e.toString());
        }
      }
      if (down) {
        commands.answeredDown(); // the answer is out and its connection closed
      }
    }
  }

  /** Sends one command to a running node and returns its whole answer. */
  static String request(Path path, String command) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.shutdownOutput();
      ByteBuffer answer = ByteBuffer.allocate(1 << 16);
      while (answer.hasRemaining() && channel.read(answer) >= 0) {
        // until the node closes the connection
      }
      return new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
    }
  }

  private static boolean answers(Path path) {
    try {
      request(path, "status");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first line a client sends, at most {@link #MAX_COMMAND} bytes. */
  private static String readCommand(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_COMMAND);
    int newline = -1;
    while (newline < 0 && buffer.hasRemaining() && channel.read(buffer) >= 0) {
      for (int i = 0; i < buffer.position() && newline < 0; i++) {
        newline = buffer.get(i) == '\n' ? i : -1;
      }
    }
    int end = newline < 0 ? buffer.position() : newline;
    return new String(buffer.array(), 0, end, StandardCharsets.UTF_8).trim();
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("closing the control socket: {}", e.toString());
    }
  }
}
