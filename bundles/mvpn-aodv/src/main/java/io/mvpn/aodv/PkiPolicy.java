package io.mvpn.aodv;

import io.mvpn.aodv.pki.CertificateSource;
import io.mvpn.aodv.pki.PkiVerifier;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.random.RandomGenerator;

/**
 * What a router needs for seed 002's PKI hellos (c50-56), as a sink or as an entering node: its own
 * key and certificate, issued by its MSM's CA (c55: from the MSM with the management
 * configuration); the MSM's CA and CRL to check the other side's certificate against; for a sink,
 * where to fetch a certificate a hello only refers to ({@code source}, null for none); for a node,
 * whether to send a reference under {@code referenceName} instead of its certificate (null: the
 * certificate itself). {@code wallClock} turns scheduler nanos into the time certificates and
 * timestamps are read at; {@code nonces} makes the hellos' nonces.
 */
public record PkiPolicy(
    Credential credential,
    CertificateValidator trust,
    CertificateSource source,
    String referenceName,
    LongFunction<Instant> wallClock,
    RandomGenerator nonces) {

  /** How far a hello's timestamp may be from the sink's clock, either way. */
  public static final long TIMESTAMP_WINDOW_MILLIS = 30_000;

  /** PKI hellos a sink remembers against replay inside the window. */
  public static final int REPLAY_CACHE_SIZE = 8192;

  public PkiPolicy {
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(wallClock, "wallClock");
    Objects.requireNonNull(nonces, "nonces");
  }

  PkiVerifier verifier() {
    return new PkiVerifier(trust, source);
  }

  /** Milliseconds of the wall clock at scheduler time {@code nanos}. */
  long millisAt(long nanos) {
    return wallClock.apply(nanos).toEpochMilli();
  }
}
