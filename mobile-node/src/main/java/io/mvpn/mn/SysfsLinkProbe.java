package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads an interface's state: its operational state from {@code /sys/class/net/DEV/operstate} (and
 * {@code carrier_changes}, which counts a down and up that fell between two looks) and its IPv4
 * addresses through the JDK's {@link NetworkInterface}. One small file read and one ioctl-backed
 * lookup: cheap enough to run on every rtnetlink notification ({@link RtnetlinkListener}), which
 * then need not be parsed beyond their headers.
 */
final class SysfsLinkProbe implements AccessLink.Probe {

  private final String device;
  private final Path operstate;
  private final Path carrierChanges;

  SysfsLinkProbe(String device) {
    this.device = device;
    this.operstate = Path.of("/sys/class/net", device, "operstate");
    this.carrierChanges = Path.of("/sys/class/net", device, "carrier_changes");
  }

  @Override
  public AccessLink read() {
    String state;
    long changes;
    try {
      state = Files.readString(operstate).trim();
      changes = Long.parseLong(Files.readString(carrierChanges).trim());
    } catch (IOException | NumberFormatException e) {
      return AccessLink.GONE; // no such device (now)
    }
    // "unknown": drivers without carrier reporting (TUN, some virtual devices) that are up.
    boolean up = state.equals("up") || state.equals("unknown");
    Set<Ipv4Address> addresses = new HashSet<>();
    try {
      NetworkInterface nic = NetworkInterface.getByName(device);
      if (nic != null) {
        for (InterfaceAddress a : nic.getInterfaceAddresses()) {
          if (a.getAddress() instanceof Inet4Address v4) {
            addresses.add(Ipv4Address.of(v4.getAddress()));
          }
        }
      }
    } catch (SocketException e) {
      // gone between the two reads: its addresses went with it
    }
    return new AccessLink(up, addresses, changes);
  }
}
