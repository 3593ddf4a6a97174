package io.mvpn.net.transport;

import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the kernel dropped before this process read it: datagrams that found a UDP socket's receive
 * buffer full. Linux counts them per socket in the last column of {@code /proc/net/udp} and {@code
 * udp6} (where the JVM's dual-stack sockets are, IPv4 addresses mapped); this reads both tables for
 * the sockets this process holds (matched by inode through {@code /proc/self/fd}), so an operator
 * sees an overrun that no counter of the appliance could (they never got the datagram). Read on
 * demand, off the data path; elsewhere than Linux the list is empty.
 */
public final class KernelSocketDrops {

  /** One socket of this process: where it is bound, and what the kernel dropped for it. */
  public record SocketDrops(Ipv4Address address, int port, long drops) {
    @Override
    public String toString() {
      return address + ":" + port;
    }
  }

  private KernelSocketDrops() {}

  /** This process's IPv4 UDP sockets, each with its drop count. */
  public static List<SocketDrops> ofThisProcess() {
    List<SocketDrops> sockets = new ArrayList<>();
    try {
      Set<Long> inodes = socketInodes(Path.of("/proc/self/fd"));
      for (String name : List.of("udp", "udp6")) {
        Path table = Path.of("/proc/self/net", name);
        if (Files.isReadable(table)) {
          sockets.addAll(parse(Files.readAllLines(table), inodes));
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return sockets;
  }

  /** The rows of a {@code /proc/net/udp} table whose inode is in {@code inodes}. */
  static List<SocketDrops> parse(List<String> lines, Set<Long> inodes) {
    List<SocketDrops> sockets = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      if (f.length < 13 || !f[0].endsWith(":")) {
        continue;
      }
      long inode = Long.parseLong(f[9]);
      if (!inodes.contains(inode)) {
        continue;
      }
      String[] local = f[1].split(":");
      Ipv4Address address = ipv4(local[0]);
      if (address != null) {
        sockets.add(
            new SocketDrops(address, Integer.parseInt(local[1], 16), Long.parseLong(f[12])));
      }
    }
    return sockets;
  }

  /**
   * The IPv4 address of a table's hex address: 8 digits (udp), or 32 of an IPv6 address that is
   * unspecified or maps an IPv4 one (udp6); null for any other IPv6 address. Each 32-bit word is
   * the kernel's network-order word printed as a host-order number.
   */
  private static Ipv4Address ipv4(String hex) {
    if (hex.length() == 32) {
      String prefix = hex.substring(0, 24);
      boolean mapped = prefix.equals("0000000000000000" + word("0000FFFF"));
      if (!mapped && !prefix.equals("000000000000000000000000")) {
        return null;
      }
      hex = hex.substring(24);
    }
    return Ipv4Address.of((int) Long.parseLong(word(hex), 16));
  }

  /** A word as the table prints it, in network order. */
  private static String word(String printed) {
    if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
      return printed;
    }
    StringBuilder b = new StringBuilder(8);
    for (int i = 6; i >= 0; i -= 2) {
      b.append(printed, i, i + 2);
    }
    return b.toString();
  }

  private static Set<Long> socketInodes(Path fds) throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(fds)) {
      for (Path fd : all) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException | UnsupportedOperationException e) {
          // closed meanwhile: not ours any more
        }
      }
    }
    return inodes;
  }
}
