package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.VisitorEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The state file's record formats: a version byte, then the fields in order, big-endian; no Java
 * serialization, so reading the file never instantiates a class it names. A record that does not
 * decode is an {@link IllegalArgumentException}: the store skips it and keeps the rest.
 */
final class StateCodec {

  private static final int BINDING_V1 = 1;
  private static final int VISITOR_V1 = 1;

  private StateCodec() {}

  /** Map keys: fields joined by spaces (tenant ids and dotted quads never hold one). */
  static String key(Object... parts) {
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append(p);
    }
    return b.toString();
  }

  static byte[] encode(Binding b) {
    return write(
        out -> {
          out.writeByte(BINDING_V1);
          out.writeUTF(b.tenant().value());
          out.writeInt(b.homeAddress().toInt());
          out.writeInt(b.careOfAddress().toInt());
          out.writeInt(b.homeAgent().toInt());
          out.writeInt(b.flags());
          out.writeInt(b.lifetimeSeconds());
          out.writeLong(b.registeredAtNanos());
          out.writeLong(b.expiresAtNanos());
          out.writeLong(b.identification());
          out.writeInt(b.source().toInt());
          out.writeShort(b.sourcePort());
          out.writeByte(b.encapsulation().ordinal());
        });
  }

  static Binding decodeBinding(byte[] bytes) {
    return read(
        bytes,
        in -> {
          version(in, BINDING_V1);
          return new Binding(
              MvpnId.of(in.readUTF()),
              Ipv4Address.of(in.readInt()),
              Ipv4Address.of(in.readInt()),
              Ipv4Address.of(in.readInt()),
              in.readInt(),
              in.readInt(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              Ipv4Address.of(in.readInt()),
              in.readUnsignedShort(),
              enumAt(Binding.Encapsulation.values(), in.readUnsignedByte()));
        });
  }

  static byte[] encode(VisitorEntry v) {
    return write(
        out -> {
          out.writeByte(VISITOR_V1);
          out.writeUTF(v.agent());
          out.writeInt(v.homeAgent().toInt());
          out.writeInt(v.homeAddress().toInt());
          out.writeInt(v.station());
          out.writeShort(v.sourcePort());
          out.writeInt(v.lifetimeSeconds());
          out.writeLong(v.identification());
          out.writeLong(v.expiresAtUnixNanos());
        });
  }

  static VisitorEntry decodeVisitor(byte[] bytes) {
    return read(
        bytes,
        in -> {
          version(in, VISITOR_V1);
          return new VisitorEntry(
              in.readUTF(),
              Ipv4Address.of(in.readInt()),
              Ipv4Address.of(in.readInt()),
              in.readInt(),
              in.readUnsignedShort(),
              in.readInt(),
              in.readLong(),
              in.readLong());
        });
  }

  static byte[] encodeLong(long value) {
    return write(out -> out.writeLong(value));
  }

  static long decodeLong(byte[] bytes) {
    return read(bytes, DataInputStream::readLong);
  }

  static void version(DataInputStream in, int expected) throws IOException {
    int v = in.readUnsignedByte();
    if (v != expected) {
      throw new IllegalArgumentException("record version " + v + ", expected " + expected);
    }
  }

  static <E> E enumAt(E[] values, int ordinal) {
    if (ordinal >= values.length) {
      throw new IllegalArgumentException(
          "no " + values[0].getClass().getSimpleName() + " " + ordinal);
    }
    return values[ordinal];
  }

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /** Decodes the whole record; short, long or invalid ones are IllegalArgumentException. */
  static <T> T read(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      T value = reader.read(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException(in.available() + " bytes after the record");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated record", e);
    }
  }
}
