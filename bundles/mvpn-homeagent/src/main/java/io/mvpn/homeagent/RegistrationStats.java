package io.mvpn.homeagent;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.packet.mip.ReplyCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a home agent did with registrations: replies by code, and drops by reason. With a {@link
 * CounterStore} the counters live there, in scope {@code homeagent/<tenant>}, so an update of the
 * home agent (or, with the persistent store, a restart) goes on from where they were; without one
 * they live and die with the engine. Every counter is a lock-free add.
 */
public final class RegistrationStats {

  private static final String REPLY = "reply-";

  private final CounterStore store;
  private final String scope;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  // Counted per datagram: taken once, so the forwarding path does no map lookup.
  private final Counter tunnelledAccepted;
  private final Counter tunnelledRefused;
  private final Counter tunnelledAcceptedBytes;
  private final Counter tunnelledSent;
  private final Counter tunnelledSentBytes;
  private final Counter shedOverload;
  // Reply codes are one byte: each code's counter is looked up (and named) once, not per reply.
  private final AtomicReferenceArray<Counter> byReplyCode = new AtomicReferenceArray<>(256);

  /** Counters of the engine's own. */
  public RegistrationStats() {
    this(null, "");
  }

  public RegistrationStats(CounterStore store, String scope) {
    this.store = store;
    this.scope = scope;
    this.tunnelledAccepted = counter("tunnelled-accepted");
    this.tunnelledRefused = counter("tunnelled-refused");
    this.tunnelledAcceptedBytes = counter("tunnelled-accepted-bytes");
    this.tunnelledSent = counter("tunnelled-sent");
    this.tunnelledSentBytes = counter("tunnelled-sent-bytes");
    this.shedOverload = counter("shed-overload");
  }

  /** The scope of a tenant's home agent counters in the store. */
  public static String scope(String tenant) {
    return "homeagent/" + tenant;
  }

  private Counter counter(String name) {
    return counters.computeIfAbsent(
        name, n -> store == null ? Counter.standalone() : store.counter(scope, n));
  }

  void onReply(int code) {
    if (code < 0 || code >= byReplyCode.length()) {
      counter(REPLY + code).increment();
      return;
    }
    Counter c = byReplyCode.get(code);
    if (c == null) {
      c = counter(REPLY + code);
      byReplyCode.set(code, c);
    }
    c.increment();
  }

  void onMalformed() {
    counter("dropped-malformed").increment();
  }

  void onShedOverload() {
    shedOverload.increment();
  }

  void onUnknownExtension() {
    counter("dropped-unknown-extension").increment();
  }

  void onTunnelled(boolean accepted) {
    (accepted ? tunnelledAccepted : tunnelledRefused).increment();
  }

  /** A node's datagram of {@code innerBytes} taken out of its tunnel into the tenant VRF. */
  void onTunnelled(int innerBytes) {
    tunnelledAccepted.increment();
    tunnelledAcceptedBytes.add(innerBytes);
  }

  /** A datagram of {@code innerBytes} sent into a node's tunnel, once per binding. */
  void onTunnelledToNode(int innerBytes) {
    tunnelledSent.increment();
    tunnelledSentBytes.add(innerBytes);
  }

  public long replies(int code) {
    return counter(REPLY + code).get();
  }

  public long accepted() {
    return replies(ReplyCode.ACCEPTED) + replies(ReplyCode.ACCEPTED_NO_SIMULTANEOUS);
  }

  public long authenticationFailures() {
    return replies(ReplyCode.HA_MN_AUTH_FAILED);
  }

  public long replays() {
    return replies(ReplyCode.HA_IDENTIFICATION_MISMATCH);
  }

  /** Every reply code sent at least once, with its count. */
  public Map<Integer, Long> repliesByCode() {
    Map<Integer, Long> byCode = new TreeMap<>();
    Map<String, Long> all = new TreeMap<>();
    if (store != null) {
      all.putAll(store.snapshot(scope));
    }
    counters.forEach((name, c) -> all.put(name, c.get()));
    all.forEach(
        (name, count) -> {
          if (name.startsWith(REPLY) && count > 0) {
            byCode.put(Integer.parseInt(name.substring(REPLY.length())), count);
          }
        });
    return byCode;
  }

  public long malformedDropped() {
    return counter("dropped-malformed").get();
  }

  /** Requests dropped unread because the home agent was over its registration budget. */
  public long shedOverload() {
    return shedOverload.get();
  }

  public long unknownExtensionDropped() {
    return counter("dropped-unknown-extension").get();
  }

  /** Reverse-tunnelled datagrams passed into the tenant VRF, and those refused. */
  public long tunnelledAccepted() {
    return tunnelledAccepted.get();
  }

  public long tunnelledRefused() {
    return tunnelledRefused.get();
  }

  /** The inner bytes of the reverse-tunnelled datagrams accepted. */
  public long tunnelledAcceptedBytes() {
    return tunnelledAcceptedBytes.get();
  }

  /** Datagrams sent into the nodes' tunnels (one per binding), and their inner bytes. */
  public long tunnelledSent() {
    return tunnelledSent.get();
  }

  public long tunnelledSentBytes() {
    return tunnelledSentBytes.get();
  }
}
