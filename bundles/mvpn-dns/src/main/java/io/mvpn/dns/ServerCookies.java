package io.mvpn.dns;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DNS server cookies (RFC 7873 §4.2): 16 bytes, a 4-byte timestamp in seconds followed by the first
 * 12 bytes of HMAC-SHA-256(secret, client cookie | timestamp | asker). The asker is the member
 * (tenant and private address) rather than a bare IP address, since private realms overlap. A
 * cookie is accepted for an hour after it was made and up to 5 minutes before (RFC 9018 §4.3). The
 * secret lives only as long as this object: after a restart clients simply get new cookies.
 */
public final class ServerCookies {

  static final int LENGTH = 16;
  private static final long MAX_AGE_S = 3600;
  private static final long MAX_SKEW_S = 300;

  private final SecretKeySpec key;
  private final Clock clock;

  public ServerCookies(byte[] secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 16) {
      throw new IllegalArgumentException("a cookie secret has at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A fresh random secret, as RFC 7873 §7.1 recommends. */
  public static ServerCookies random(Clock clock) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new ServerCookies(secret, clock);
  }

  /** A server cookie for this client cookie and asker, made now. */
  public byte[] make(byte[] clientCookie, String asker) {
    int now = (int) clock.instant().getEpochSecond();
    return make(clientCookie, asker, now);
  }

  /** True if {@code serverCookie} was made by this object for this client and asker, recently. */
  public boolean valid(byte[] clientCookie, byte[] serverCookie, String asker) {
    if (serverCookie == null || serverCookie.length != LENGTH) {
      return false;
    }
    int stamp = ByteBuffer.wrap(serverCookie).getInt();
    long age = clock.instant().getEpochSecond() - Integer.toUnsignedLong(stamp);
    if (age > MAX_AGE_S || age < -MAX_SKEW_S) {
      return false;
    }
    return MessageDigest.isEqual(make(clientCookie, asker, stamp), serverCookie);
  }

  private byte[] make(byte[] clientCookie, String asker, int stamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(clientCookie);
      mac.update(ByteBuffer.allocate(4).putInt(stamp).array());
      mac.update(asker.getBytes(StandardCharsets.UTF_8));
      byte[] h = mac.doFinal();
      return ByteBuffer.allocate(LENGTH).putInt(stamp).put(Arrays.copyOf(h, LENGTH - 4)).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
