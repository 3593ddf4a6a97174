package io.mvpn.ipsec.gateway;

import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.net.Interface;
import io.mvpn.net.UdpHandler;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.function.Consumer;

/**
 * The gateway's UDP port 4500, which the VRF hands over without summing the UDP checksum: ESP's ICV
 * authenticates everything in an ESP-in-UDP datagram but the UDP header, and RFC 3948 §2.1 has
 * senders leave the checksum zero anyway, so summing every 1,400-byte datagram once more buys
 * nothing. What the ICV does not cover is checked where it matters: IKE behind the non-ESP marker,
 * and a source port that would move the tunnel's NAT mapping.
 */
final class EspInUdpPort implements UdpHandler {

  private final Consumer<UdpDatagram> receiver;

  EspInUdpPort(Consumer<UdpDatagram> receiver) {
    this.receiver = receiver;
  }

  @Override
  public void receive(Vrf vrf, Interface ingress, UdpDatagram datagram) {
    // No ICV vouches for IKE, keepalives or runts: their sum is checked as the VRF would have.
    if (EspInUdp.classify(datagram.payload()) != EspInUdp.Kind.ESP && !datagram.checksumValid()) {
      if (ingress != null) {
        ingress.counters().onMalformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM);
      }
      vrf.counters().onMalformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM);
      return;
    }
    receiver.accept(datagram);
  }

  /**
   * Whether ESP in {@code udp} (null: plain ESP) that the gateway refuses before any ICV (too
   * short, unknown SPI) came with a wrong UDP checksum: then it is counted as the bit error it is,
   * not reported as a security event.
   */
  static boolean corrupted(Vrf outside, UdpDatagram udp) {
    if (udp == null || udp.checksumValid()) {
      return false;
    }
    outside.counters().onMalformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM);
    return true;
  }

  @Override
  public boolean needsChecksum() {
    return false;
  }
}
