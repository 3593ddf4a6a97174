package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaStore.Direction;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.ipsec.StoredEspTunnel;
import io.mvpn.api.ipsec.StoredEspTunnel.RetiringInbound;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state file's format for security gateways' tunnels, as {@link StateCodec} writes the others:
 * a version byte, then the fields in order; keys as length-prefixed bytes.
 */
final class EspSaCodec {

  private static final int TUNNEL_V1 = 1;
  private static final int MAX_KEY_BYTES = 64;

  /**
   * The algorithm byte of stored keys, by position: part of the file format, so a suite only ever
   * goes on the end. AES-GCM-16 is 0, as in the records written before the other suites; they carry
   * an empty integrity key already, so they read on unchanged and V1 stays V1.
   */
  private static final List<EspSaKeys.Algorithm> ALGORITHM_CODES =
      List.of(
          EspSaKeys.Algorithm.AES_GCM_16,
          EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_256_128,
          EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_384_192,
          EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_512_256,
          EspSaKeys.Algorithm.CHACHA20_POLY1305);

  private EspSaCodec() {}

  /** The key of a node's tunnel in the tunnels map. */
  static String tunnelKey(String gateway, Ipv4Address home) {
    return StateCodec.key(gateway, home);
  }

  /** The key of an SA's reservation in the sequences map. */
  static String sequenceKey(InMemoryEspSaStore.SequenceKey k) {
    return StateCodec.key(
        k.gateway(),
        Ipv4Address.of(k.homeAddress()),
        k.direction() == Direction.INBOUND ? "in" : "out",
        Integer.toUnsignedString(k.spi(), 16));
  }

  /** The reservation key a {@link #sequenceKey} names. */
  static InMemoryEspSaStore.SequenceKey parseSequenceKey(String text) {
    String[] f = text.split(" ");
    if (f.length != 4 || !(f[2].equals("in") || f[2].equals("out"))) {
      throw new IllegalArgumentException("sequence key '" + text + "'");
    }
    return new InMemoryEspSaStore.SequenceKey(
        f[0],
        Ipv4Address.parse(f[1]).toInt(),
        f[2].equals("in") ? Direction.INBOUND : Direction.OUTBOUND,
        Integer.parseUnsignedInt(f[3], 16));
  }

  static byte[] encode(StoredEspTunnel s) {
    return StateCodec.write(
        out -> {
          out.writeByte(TUNNEL_V1);
          EspTunnel t = s.tunnel();
          out.writeInt(t.homeAddress().toInt());
          write(out, t.inbound());
          write(out, t.outbound());
          out.writeInt(t.peer().toInt());
          out.writeShort(t.peerUdpPort());
          out.writeShort(t.localUdpPort());
          out.writeInt(t.replayWindow());
          write(out, t.lifetime());
          out.writeLong(s.installedAtUnixNanos());
          out.writeShort(s.retiring().size());
          for (RetiringInbound r : s.retiring()) {
            write(out, r.keys());
            out.writeInt(r.replayWindow());
            write(out, r.lifetime());
            out.writeLong(r.installedAtUnixNanos());
          }
        });
  }

  static StoredEspTunnel decodeTunnel(byte[] bytes) {
    return StateCodec.read(
        bytes,
        in -> {
          StateCodec.version(in, TUNNEL_V1);
          EspTunnel t =
              new EspTunnel(
                  Ipv4Address.of(in.readInt()),
                  readKeys(in),
                  readKeys(in),
                  Ipv4Address.of(in.readInt()),
                  in.readUnsignedShort(),
                  in.readUnsignedShort(),
                  in.readInt(),
                  readLifetime(in));
          long installedAt = in.readLong();
          int n = in.readUnsignedShort();
          List<RetiringInbound> retiring = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            retiring.add(
                new RetiringInbound(readKeys(in), in.readInt(), readLifetime(in), in.readLong()));
          }
          return new StoredEspTunnel(t, installedAt, retiring);
        });
  }

  static void write(DataOutputStream out, EspSaKeys k) throws IOException {
    out.writeInt(k.spi());
    out.writeByte(code(k.algorithm(), ALGORITHM_CODES));
    out.writeBoolean(k.extendedSequenceNumbers());
    writeBytes(out, k.encryptionKey());
    writeBytes(out, k.salt());
    writeBytes(out, k.integrityKey());
  }

  /**
   * The algorithm's code in {@code codes}: one the table lacks is a release that added a suite but
   * not its code, refused rather than written as a code no release reads back.
   */
  static int code(EspSaKeys.Algorithm algorithm, List<EspSaKeys.Algorithm> codes) {
    int code = codes.indexOf(algorithm);
    if (code < 0) {
      throw new IllegalStateException("ESP algorithm " + algorithm + " has no code in the store");
    }
    return code;
  }

  static EspSaKeys readKeys(DataInputStream in) throws IOException {
    int spi = in.readInt();
    int code = in.readUnsignedByte();
    if (code >= ALGORITHM_CODES.size()) {
      throw new IllegalArgumentException("ESP algorithm " + code);
    }
    EspSaKeys.Algorithm algorithm = ALGORITHM_CODES.get(code);
    boolean esn = in.readBoolean();
    return new EspSaKeys(spi, algorithm, readBytes(in), readBytes(in), readBytes(in), esn);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeByte(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readUnsignedByte();
    if (n > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key of " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  static void write(DataOutputStream out, SaLifetime l) throws IOException {
    for (SaLifetime.Limit limit : List.of(l.bytes(), l.packets(), l.seconds())) {
      out.writeLong(limit.soft());
      out.writeLong(limit.hard());
    }
  }

  static SaLifetime readLifetime(DataInputStream in) throws IOException {
    return new SaLifetime(
        new SaLifetime.Limit(in.readLong(), in.readLong()),
        new SaLifetime.Limit(in.readLong(), in.readLong()),
        new SaLifetime.Limit(in.readLong(), in.readLong()));
  }
}
