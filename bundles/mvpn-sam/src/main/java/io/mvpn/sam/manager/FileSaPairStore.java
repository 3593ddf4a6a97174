package io.mvpn.sam.manager;

import io.mvpn.api.ipsec.EspSaKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SA pairs on disk, one small file per pair in a directory only the appliance's user can read (the
 * files hold ESP keys). Each change replaces its one file atomically, so a crash leaves every pair
 * either as it was or as it became. A file that does not read back is moved aside and counted: a
 * bad file costs its pair (the nodes get a new one when they ask), never the manager.
 *
 * <p>Layout, version 1: version octet, first and second node (UTF), per direction the SPI, suite
 * name, ESN flag and KEYMAT slice, then created and expiry (Unix ms).
 */
public final class FileSaPairStore implements SaPairStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileSaPairStore.class);
  private static final int VERSION = 1;
  private static final String SUFFIX = ".sa";

  private final Path dir;
  private long unreadable;

  public FileSaPairStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    ownerOnly(dir, "rwx------");
  }

  /** Files that did not read back and were moved aside. */
  public long unreadable() {
    return unreadable;
  }

  @Override
  public void put(SecurityAssociationPair pair) {
    Path file = file(pair);
    Path fresh = file.resolveSibling(file.getFileName() + ".new");
    try {
      Files.write(fresh, encode(pair));
      ownerOnly(fresh, "rw-------");
      Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("SA pair not stored in " + dir, e);
    }
  }

  @Override
  public void remove(SecurityAssociationPair pair) {
    try {
      Files.deleteIfExists(file(pair));
    } catch (IOException e) {
      throw new UncheckedIOException("SA pair not removed from " + dir, e);
    }
  }

  @Override
  public List<SecurityAssociationPair> pairs() {
    List<SecurityAssociationPair> pairs = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        try {
          pairs.add(decode(Files.readAllBytes(file)));
        } catch (IOException | RuntimeException e) {
          unreadable++;
          LOG.warn("SA pair file {} unreadable ({}); moved aside", file, e.getMessage());
          // A .bad from an earlier failure must not keep the manager from starting.
          Files.move(
              file,
              file.resolveSibling(file.getFileName() + ".bad"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("SA pairs not read from " + dir, e);
    }
    return pairs;
  }

  private Path file(SecurityAssociationPair pair) {
    String key = pair.first() + "\u0000" + pair.second();
    return dir.resolve(
        Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8))
            + SUFFIX);
  }

  static byte[] encode(SecurityAssociationPair pair) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(pair.first());
      out.writeUTF(pair.second());
      write(out, pair.firstToSecond());
      write(out, pair.secondToFirst());
      out.writeLong(pair.createdAtUnixMillis());
      out.writeLong(pair.expiresAtUnixMillis());
    }
    return bytes.toByteArray();
  }

  static SecurityAssociationPair decode(byte[] octets) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(octets))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("version " + version);
      }
      SecurityAssociationPair pair =
          new SecurityAssociationPair(
              in.readUTF(), in.readUTF(), read(in), read(in), in.readLong(), in.readLong());
      if (in.available() != 0) {
        throw new IOException(in.available() + " octets after the pair");
      }
      return pair;
    }
  }

  private static void write(DataOutputStream out, EspSaKeys keys) throws IOException {
    out.writeInt(keys.spi());
    out.writeUTF(keys.algorithm().name());
    out.writeBoolean(keys.extendedSequenceNumbers());
    byte[] keymat = keys.keymat();
    out.writeShort(keymat.length);
    out.write(keymat);
  }

  private static EspSaKeys read(DataInputStream in) throws IOException {
    int spi = in.readInt();
    EspSaKeys.Algorithm algorithm = EspSaKeys.Algorithm.valueOf(in.readUTF());
    boolean esn = in.readBoolean();
    byte[] keymat = new byte[in.readUnsignedShort()];
    in.readFully(keymat);
    return EspSaKeys.fromKeymat(spi, algorithm, keymat, esn);
  }

  private static void ownerOnly(Path path, String mode) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }
  }
}
