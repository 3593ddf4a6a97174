package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An interface's IPv4 addresses from an rtnetlink dump: the kernel's and hand-made messages. */
class AddressDumpTest {

  @Test
  void theLoopbackInterfaceHasItsAddressInTheKernelsDump() throws Exception {
    int lo = Integer.parseInt(Files.readString(Path.of("/sys/class/net/lo/ifindex")).trim());

    assertThat(AddressDump.of(lo)).contains(Ipv4Address.parse("127.0.0.1"));
    assertThat(AddressDump.of(Integer.MAX_VALUE)).isEmpty();
  }

  @Test
  void onlyTheInterfacesIpv4AddressesAreTakenLocalBeforePeer() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    newAddress(b, 2, 7, 1, "10.10.1.2", 0, null); // IFA_ADDRESS only
    newAddress(b, 2, 7, 2, "10.10.2.2", 1, "10.10.2.9"); // IFA_LOCAL wins over the peer's
    newAddress(b, 2, 8, 2, "10.10.3.2", 0, null); // another interface
    newAddress(b, 10, 7, 2, "10.10.4.2", 0, null); // not AF_INET
    Set<Ipv4Address> found = new HashSet<>();

    boolean done = AddressDump.read(b.array(), b.position(), 7, found);

    assertThat(done).isFalse();
    assertThat(found)
        .containsExactlyInAnyOrder(Ipv4Address.parse("10.10.1.2"), Ipv4Address.parse("10.10.2.2"));
    ByteBuffer end = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    end.putInt(20).putShort((short) 3).putShort((short) 2).putInt(1).putInt(0).putInt(0);
    assertThat(AddressDump.read(end.array(), 20, 7, found)).isTrue();
  }

  @Test
  void messagesThatDoNotHoldTogetherAndKernelErrorsAreRefused() {
    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
    b.putInt(400).putShort((short) 20).putShort((short) 2).putInt(1).putInt(0);
    assertThatThrownBy(() -> AddressDump.read(b.array(), 32, 7, new HashSet<>()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("400 bytes");

    ByteBuffer error = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
    error.putInt(36).putShort((short) 2).putShort((short) 0).putInt(1).putInt(0).putInt(-1);
    assertThatThrownBy(() -> AddressDump.read(error.array(), 36, 7, new HashSet<>()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("errno 1");

    ByteBuffer attribute = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
    attribute.putInt(32).putShort((short) 20).putShort((short) 2).putInt(1).putInt(0);
    attribute.put((byte) 2).put((byte) 24).put((byte) 0).put((byte) 0).putInt(7);
    attribute.putShort((short) 60).putShort((short) 2).putInt(0); // runs past its message
    assertThatThrownBy(() -> AddressDump.read(attribute.array(), 32, 7, new HashSet<>()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("attribute of 60 bytes");
  }

  /** An RTM_NEWADDR with {@code type}'s attribute (1 IFA_ADDRESS, 2 IFA_LOCAL), and a second. */
  private static void newAddress(
      ByteBuffer b, int family, int index, int type, String address, int otherType, String other) {
    int size = 16 + 8 + 8 + (other == null ? 0 : 8);
    b.putInt(size).putShort((short) 20).putShort((short) 2).putInt(1).putInt(0);
    b.put((byte) family).put((byte) 24).put((byte) 0).put((byte) 0).putInt(index);
    b.putShort((short) 8).putShort((short) type).put(Ipv4Address.parse(address).toBytes());
    if (other != null) {
      b.putShort((short) 8).putShort((short) otherType).put(Ipv4Address.parse(other).toBytes());
    }
  }
}
