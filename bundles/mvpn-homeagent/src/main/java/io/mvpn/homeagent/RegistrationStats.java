package io.mvpn.homeagent;

import io.mvpn.packet.mip.ReplyCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/** What a home agent did with registrations: replies by code, and drops by reason. */
public final class RegistrationStats {

  private final Map<Integer, Long> repliesByCode = new TreeMap<>();
  private long malformedDropped;
  private long unknownExtensionDropped;
  // Counted per datagram: lock-free, unlike the per-registration counters.
  private final LongAdder tunnelledAccepted = new LongAdder();
  private final LongAdder tunnelledRefused = new LongAdder();

  synchronized void onReply(int code) {
    repliesByCode.merge(code, 1L, Long::sum);
  }

  synchronized void onMalformed() {
    malformedDropped++;
  }

  synchronized void onUnknownExtension() {
    unknownExtensionDropped++;
  }

  void onTunnelled(boolean accepted) {
    (accepted ? tunnelledAccepted : tunnelledRefused).increment();
  }

  public synchronized long replies(int code) {
    return repliesByCode.getOrDefault(code, 0L);
  }

  public synchronized long accepted() {
    return replies(ReplyCode.ACCEPTED) + replies(ReplyCode.ACCEPTED_NO_SIMULTANEOUS);
  }

  public synchronized long authenticationFailures() {
    return replies(ReplyCode.HA_MN_AUTH_FAILED);
  }

  public synchronized long replays() {
    return replies(ReplyCode.HA_IDENTIFICATION_MISMATCH);
  }

  public synchronized Map<Integer, Long> repliesByCode() {
    return Map.copyOf(repliesByCode);
  }

  public synchronized long malformedDropped() {
    return malformedDropped;
  }

  public synchronized long unknownExtensionDropped() {
    return unknownExtensionDropped;
  }

  /** Reverse-tunnelled datagrams passed into the tenant VRF, and those refused. */
  public long tunnelledAccepted() {
    return tunnelledAccepted.sum();
  }

  public long tunnelledRefused() {
    return tunnelledRefused.sum();
  }
}
