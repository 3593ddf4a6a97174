package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;

/**
 * The state file's format for NAPT mappings, as {@link StateCodec} writes the others: a version
 * byte, then the fields in order.
 */
final class NaptMappingCodec {

  private static final int MAPPING_V1 = 1;

  private NaptMappingCodec() {}

  /** A public port's key: (public address, protocol, port), as the store names a mapping. */
  static String key(Ipv4Address publicAddress, int protocol, int publicPort) {
    return StateCodec.key(publicAddress, protocol, publicPort);
  }

  static String key(NaptMapping m) {
    return key(m.publicAddress(), m.protocol(), m.publicPort());
  }

  static byte[] encode(NaptMapping m) {
    return StateCodec.write(
        out -> {
          out.writeByte(MAPPING_V1);
          out.writeByte(m.protocol());
          out.writeInt(m.publicAddress().toInt());
          out.writeShort(m.publicPort());
          out.writeUTF(m.inside().tenant().value());
          out.writeInt(m.inside().address().toInt());
          out.writeShort(m.inside().port());
          out.writeByte(m.tcpSeen());
        });
  }

  /** The mapping, or IllegalArgumentException for a record that is not one. */
  static NaptMapping decode(byte[] bytes) {
    return StateCodec.read(
        bytes,
        in -> {
          StateCodec.version(in, MAPPING_V1);
          int protocol = in.readUnsignedByte();
          Ipv4Address publicAddress = Ipv4Address.of(in.readInt());
          int publicPort = in.readUnsignedShort();
          NaptInside inside =
              new NaptInside(
                  MvpnId.of(in.readUTF()), Ipv4Address.of(in.readInt()), in.readUnsignedShort());
          return new NaptMapping(
              protocol, publicAddress, publicPort, inside, in.readUnsignedByte());
        });
  }
}
