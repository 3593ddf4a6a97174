package io.mvpn.net.transport.tun;

/**
 * Opens a TUN device in a process of its own and says what came of it: {@code opened} or {@code
 * refused REASON}. Lets a test start it with fewer privileges than the test has.
 */
public final class TunOpenProbe {

  private TunOpenProbe() {}

  public static void main(String[] args) {
    try {
      TunTransport tun = TunTransport.open(args[0], 1400);
      System.out.println("opened created=" + tun.createdDevice());
      tun.close();
    } catch (TunException e) {
      System.out.println("refused " + e.reason());
    }
  }
}
