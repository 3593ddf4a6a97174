package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state file's format for the workgroup directory and the workgroup gateways' SAs, as {@link
 * StateCodec} writes the others: a version byte, then the fields in order.
 */
final class WorkgroupCodec {

  private static final int MEMBER_V1 = 1;
  private static final int WORKGROUP_V1 = 1;
  private static final int SA_V1 = 1;

  private WorkgroupCodec() {}

  /** A member's key: tenant and private address. */
  static String key(MemberId id) {
    return StateCodec.key(id.tenant(), id.privateAddress());
  }

  /** An SA's key, for its record and its reservation: gateway, tunnel source and SPI. */
  static String saKey(String gateway, Ipv4Address tunnelSource, int spi) {
    return StateCodec.key(gateway, tunnelSource, Integer.toUnsignedString(spi, 16));
  }

  static byte[] encode(Member m) {
    return StateCodec.write(
        out -> {
          out.writeByte(MEMBER_V1);
          write(out, m.id());
          out.writeUTF(m.fqdn());
          out.writeInt(m.gatewayAddress().toInt());
        });
  }

  static Member decodeMember(byte[] bytes) {
    return StateCodec.read(
        bytes,
        in -> {
          StateCodec.version(in, MEMBER_V1);
          return new Member(readId(in), in.readUTF(), Ipv4Address.of(in.readInt()));
        });
  }

  /** A workgroup's members, in the order they joined. */
  static byte[] encodeWorkgroup(List<MemberId> members) {
    return StateCodec.write(
        out -> {
          out.writeByte(WORKGROUP_V1);
          out.writeInt(members.size());
          for (MemberId id : members) {
            write(out, id);
          }
        });
  }

  static List<MemberId> decodeWorkgroup(byte[] bytes) {
    return StateCodec.read(
        bytes,
        in -> {
          StateCodec.version(in, WORKGROUP_V1);
          int n = in.readInt();
          if (n < 0 || n > bytes.length / 7) {
            throw new IllegalArgumentException("workgroup of " + n + " members");
          }
          List<MemberId> members = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            members.add(readId(in));
          }
          return members;
        });
  }

  static byte[] encode(StoredWorkgroupSa sa) {
    return StateCodec.write(
        out -> {
          out.writeByte(SA_V1);
          out.writeInt(sa.tunnelSource().toInt());
          write(out, sa.party());
          EspSaCodec.write(out, sa.keys());
          out.writeInt(sa.replayWindow());
          EspSaCodec.write(out, sa.lifetime());
          out.writeLong(sa.installedAtUnixNanos());
        });
  }

  static StoredWorkgroupSa decodeSa(byte[] bytes) {
    return StateCodec.read(
        bytes,
        in -> {
          StateCodec.version(in, SA_V1);
          Ipv4Address tunnelSource = Ipv4Address.of(in.readInt());
          MemberId party = readId(in);
          var keys = EspSaCodec.readKeys(in);
          int replayWindow = in.readInt();
          SaLifetime lifetime = EspSaCodec.readLifetime(in);
          return new StoredWorkgroupSa(
              tunnelSource, party, keys, replayWindow, lifetime, in.readLong());
        });
  }

  private static void write(DataOutputStream out, MemberId id) throws IOException {
    out.writeUTF(id.tenant().value());
    out.writeInt(id.privateAddress().toInt());
  }

  private static MemberId readId(DataInputStream in) throws IOException {
    return new MemberId(MvpnId.of(in.readUTF()), Ipv4Address.of(in.readInt()));
  }
}
