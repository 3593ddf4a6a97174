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
 * addresses by an rtnetlink dump ({@link AddressDump}; the JDK's {@link NetworkInterface} if the
 * dump cannot be had). Small file reads and one dump, none of which waits for the RTNL lock: cheap
 * enough to run on every rtnetlink notification ({@link RtnetlinkListener}), which then need not be
 * parsed beyond their headers, and quick while the change notified is still being made.
 */
final class SysfsLinkProbe implements AccessLink.Probe {

  private final String device;
  private final Path operstate;
  private final Path carrierChanges;
  private final Path ifindex;

  SysfsLinkProbe(String device) {
    this.device = device;
    this.operstate = Path.of("/sys/class/net", device, "operstate");
    this.carrierChanges = Path.of("/sys/class/net", device, "carrier_changes");
    this.ifindex = Path.of("/sys/class/net", device, "ifindex");
  }

  @Override
  public AccessLink read() {
    String state;
    long changes;
    int index;
    try {
      state = Files.readString(operstate).trim();
      changes = Long.parseLong(Files.readString(carrierChanges).trim());
      index = Integer.parseInt(Files.readString(ifindex).trim());
    } catch (IOException | NumberFormatException e) {
      return AccessLink.GONE; // no such device (now)
    }
    // "unknown": drivers without carrier reporting (TUN, some virtual devices) that are up.
    boolean up = state.equals("up") || state.equals("unknown");
    try {
      return new AccessLink(up, AddressDump.of(index), changes);
    } catch (IOException e) {
      return new AccessLink(up, addressesByIoctl(), changes);
    }
  }

  /** The JDK's lookup: where rtnetlink dumps are not to be had. */
  private Set<Ipv4Address> addressesByIoctl() {
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
    return addresses;
  }
}
