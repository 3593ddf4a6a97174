package io.mvpn.mobilenode.sim;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspTransform;
import io.mvpn.ipsec.esp.SequenceBlocks;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A node's ESP SAs and layer-2 master key kept in a PKCS#11 token standing for its SIM (seed 000
 * claim 7), through the JDK's SunPKCS11 provider. Keys are written once as token objects, which the
 * provider's configuration marks sensitive and non-extractable (docs/operations.md), so they
 * survive a restart of the node and never leave the token again: ESP runs AES-GCM inside it ({@link
 * EspTransform#aesGcm}), the layer-2 handshake HMAC-SHA256.
 *
 * <p>What is not secret rides in the object's label: {@code esp|direction|spi|source|destination|
 * salt|esn}. The salt is part of the GCM nonce, public in effect (RFC 4106 §8.1 derives it with the
 * key only so that both ends agree on it); a token holds only key objects through this API.
 *
 * <p>An outbound SA reopened after a restart runs under the same key and salt, so it must never
 * send a sequence number again (RFC 4303 §3.3.3; with GCM that would reuse a nonce): the store
 * reserves its numbers a block ahead ({@link SequenceBlocks}) in a marker object labelled {@code
 * esp-seq|OUTBOUND|spi|upTo}, and a reopened SA resumes above the highest marker. The node reports
 * each sealed packet with {@link #sent}.
 *
 * <p>An SA stored with its end ({@link #store(EspSaKeys, Direction, Ipv4Address, Ipv4Address,
 * long)}) carries it in a further marker object {@code esp-ends|direction|spi|unixMillis}, so the
 * node that reopens it knows whether it may still run it ({@link #endsAt}).
 *
 * <p>Not thread-safe; one node's engine thread uses it.
 */
public final class TokenSaStore {

  private static final String ESP = "esp";
  private static final String MASTER = "link-master|";
  private static final String RESERVED = "esp-seq";
  private static final String ENDS = "esp-ends";

  /** Outbound packets per reservation: one token write per this many packets. */
  static final int RESERVATION_BLOCK = 1024;

  /** An SA found in the token: the SA the node runs, and where it points. */
  public record StoredSa(
      int spi, Direction direction, Ipv4Address source, Ipv4Address destination, boolean esn) {}

  private final Provider provider;
  private final KeyStore token;
  private final SecureRandom random = new SecureRandom();
  private final SequenceBlocks<Integer> reservations =
      new SequenceBlocks<>(RESERVATION_BLOCK, (spi, sa, upTo) -> reserve(spi, upTo));

  /**
   * Opens the token with the user PIN.
   *
   * @param provider a SunPKCS11 provider configured for the token ({@link #provider(Path)})
   */
  public TokenSaStore(Provider provider, char[] pin) {
    this.provider = provider;
    try {
      token = KeyStore.getInstance("PKCS11", provider);
      token.load(null, pin);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot open the token of " + provider.getName(), e);
    }
  }

  /**
   * A new SunPKCS11 provider instance for a configuration file (library, slotListIndex and the
   * sensitive/non-extractable template). Not added to the JVM's provider list: it is passed on.
   */
  public static Provider provider(Path configuration) {
    Provider prototype = Security.getProvider("SunPKCS11");
    if (prototype == null) {
      throw new IllegalStateException("this JVM has no SunPKCS11 provider");
    }
    return prototype.configure(configuration.toString());
  }

  public Provider tokenProvider() {
    return provider;
  }

  /**
   * Writes one direction's AES-GCM SA into the token (replacing one with the same SPI and
   * direction). The caller should wipe {@code keys}' arrays afterwards; the token keeps the key.
   */
  public void store(
      EspSaKeys keys, Direction direction, Ipv4Address source, Ipv4Address destination) {
    if (keys.algorithm() != EspSaKeys.Algorithm.AES_GCM_16) {
      throw new IllegalArgumentException(
          keys.algorithm() + ": only AES-GCM runs inside the token (ChaCha20 does not)");
    }
    remove(keys.spi(), direction);
    String label =
        String.join(
            "|",
            ESP,
            direction.name(),
            Integer.toUnsignedString(keys.spi()),
            source == null ? "-" : source.toString(),
            destination.toString(),
            HexFormat.of().formatHex(keys.salt()),
            Boolean.toString(keys.extendedSequenceNumbers()));
    put(label, new SecretKeySpec(keys.encryptionKey(), "AES"));
  }

  /**
   * As {@link #store(EspSaKeys, Direction, Ipv4Address, Ipv4Address)}, with the wall-clock time the
   * SA ends at, which {@link #endsAt} reads back after a restart.
   */
  public void store(
      EspSaKeys keys,
      Direction direction,
      Ipv4Address source,
      Ipv4Address destination,
      long endsAtUnixMillis) {
    store(keys, direction, source, destination);
    put(marker(ENDS, direction, keys.spi()) + "|" + endsAtUnixMillis, filler());
  }

  /** When the SA of this SPI and direction ends, if it was stored with its end. */
  public OptionalLong endsAt(int spi, Direction direction) {
    String prefix = marker(ENDS, direction, spi) + "|";
    return labels().stream()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
        .max();
  }

  /**
   * Whether the token holds this very SA: the SPI and direction with the same salt, sequence number
   * size and key. The keys are compared by what each makes of an all-zero AES block (the token's
   * key inside the token), so no key leaves it.
   */
  public boolean holds(EspSaKeys keys, Direction direction) {
    String prefix = ESP + "|" + direction.name() + "|" + Integer.toUnsignedString(keys.spi()) + "|";
    for (String label : labels()) {
      String[] f = label.split("\\|");
      if (label.startsWith(prefix)
          && keys.algorithm() == EspSaKeys.Algorithm.AES_GCM_16
          && f[5].equals(HexFormat.of().formatHex(keys.salt()))
          && Boolean.parseBoolean(f[6]) == keys.extendedSequenceNumbers()) {
        byte[] software = keys.encryptionKey();
        try {
          return MessageDigest.isEqual(
              zeroBlock(key(label), provider), zeroBlock(new SecretKeySpec(software, "AES"), null));
        } finally {
          Arrays.fill(software, (byte) 0);
        }
      }
    }
    return false;
  }

  private static byte[] zeroBlock(Key key, Provider provider) {
    try {
      Cipher ecb =
          provider == null
              ? Cipher.getInstance("AES/ECB/NoPadding")
              : Cipher.getInstance("AES/ECB/NoPadding", provider);
      ecb.init(Cipher.ENCRYPT_MODE, key);
      return ecb.doFinal(new byte[16]);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot compare a key with the token's", e);
    }
  }

  private static String marker(String kind, Direction direction, int spi) {
    return String.join("|", kind, direction.name(), Integer.toUnsignedString(spi));
  }

  private SecretKey filler() {
    byte[] filler = new byte[16];
    random.nextBytes(filler);
    return new SecretKeySpec(filler, "AES");
  }

  /** The SAs in the token. */
  public List<StoredSa> sas() {
    List<StoredSa> found = new ArrayList<>();
    for (String label : labels()) {
      String[] f = label.split("\\|");
      if (f.length == 7 && f[0].equals(ESP)) {
        found.add(
            new StoredSa(
                Integer.parseUnsignedInt(f[2]),
                Direction.valueOf(f[1]),
                f[3].equals("-") ? null : Ipv4Address.parse(f[3]),
                Ipv4Address.parse(f[4]),
                Boolean.parseBoolean(f[6])));
      }
    }
    return found;
  }

  /**
   * The SA of this SPI and direction as the node runs it, its key a token object used in place;
   * empty if the token has none.
   */
  public Optional<EspSecurityAssociation> open(int spi, Direction direction, int replayWindow) {
    for (String label : labels()) {
      String[] f = label.split("\\|");
      if (f.length == 7
          && f[0].equals(ESP)
          && f[1].equals(direction.name())
          && Integer.parseUnsignedInt(f[2]) == spi) {
        EspTransform gcm = EspTransform.aesGcm(key(label), HexFormat.of().parseHex(f[5]), provider);
        EspSecurityAssociation sa =
            new EspSecurityAssociation(
                spi,
                direction,
                f[3].equals("-") ? null : Ipv4Address.parse(f[3]),
                Ipv4Address.parse(f[4]),
                gcm,
                Boolean.parseBoolean(f[6]),
                replayWindow);
        if (direction == Direction.OUTBOUND) {
          reservations.resume(spi, sa, reserved(spi));
        }
        return Optional.of(sa);
      }
    }
    return Optional.empty();
  }

  /**
   * An outbound SA {@link #open} returned has sealed a packet: once half of its reserved block is
   * used, the next one is written into the token before the numbers are reached.
   */
  public void sent(EspSecurityAssociation sa) {
    reservations.used(sa);
  }

  /** The highest sequence number reserved for the outbound SA of this SPI; 0 if none. */
  public long reserved(int spi) {
    long highest = 0;
    for (String label : labels()) {
      String[] f = label.split("\\|");
      if (isReservation(f, spi)) {
        highest = Math.max(highest, Long.parseUnsignedLong(f[3]));
      }
    }
    return highest;
  }

  private static boolean isReservation(String[] f, int spi) {
    return f.length == 4
        && f[0].equals(RESERVED)
        && f[1].equals(Direction.OUTBOUND.name())
        && f[2].equals(Integer.toUnsignedString(spi));
  }

  /**
   * Writes the new mark before deleting the older ones, so a crash between the two leaves the
   * higher mark in place. The marker is a random key object: this API stores only keys.
   */
  private void reserve(int spi, long upTo) {
    String mark = marker(RESERVED, Direction.OUTBOUND, spi);
    put(mark + "|" + Long.toUnsignedString(upTo), filler());
    for (String label : labels()) {
      String[] f = label.split("\\|");
      if (isReservation(f, spi) && Long.parseUnsignedLong(f[3]) < upTo) {
        delete(label);
      }
    }
  }

  /** The token object of an SA, for inspection (its attributes); empty if absent. */
  public Optional<Key> keyObject(int spi, Direction direction) {
    String prefix = ESP + "|" + direction.name() + "|" + Integer.toUnsignedString(spi) + "|";
    return labels().stream().filter(l -> l.startsWith(prefix)).findFirst().map(this::key);
  }

  /**
   * Deletes an SA's key from the token, with its reserved sequence numbers (a new key under the
   * same SPI starts afresh) and its end; false if there was none.
   */
  public boolean remove(int spi, Direction direction) {
    String suffix = "|" + direction.name() + "|" + Integer.toUnsignedString(spi) + "|";
    boolean removed = false;
    for (String label : labels()) {
      if (label.startsWith(ESP + suffix)) {
        delete(label);
        removed = true;
      } else if (label.startsWith(RESERVED + suffix) || label.startsWith(ENDS + suffix)) {
        delete(label);
      }
    }
    reservations.forget((owner, sa) -> owner == spi && sa.direction() == direction);
    return removed;
  }

  /** Writes the node's layer-2 master key (an HMAC-SHA256 key) for this identity. */
  public void storeMasterKey(String identity, byte[] masterKey) {
    put(MASTER + identity, new SecretKeySpec(masterKey, "HmacSHA256"));
  }

  /** The node's layer-2 master key as a token object, for the association handshake. */
  public Optional<Key> masterKey(String identity) {
    return labels().contains(MASTER + identity)
        ? Optional.of(key(MASTER + identity))
        : Optional.empty();
  }

  private List<String> labels() {
    try {
      return Collections.list(token.aliases());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot list the token's objects", e);
    }
  }

  private void put(String label, SecretKey key) {
    try {
      token.setKeyEntry(label, key, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write " + label + " into the token", e);
    }
  }

  private Key key(String label) {
    try {
      return token.getKey(label, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + label + " from the token", e);
    }
  }

  private void delete(String label) {
    try {
      token.deleteEntry(label);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot delete " + label + " from the token", e);
    }
  }
}
