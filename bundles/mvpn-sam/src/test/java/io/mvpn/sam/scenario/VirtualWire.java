package io.mvpn.sam.scenario;

import io.mvpn.api.time.Scheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * UDP between nodes and their manager in virtual time: each datagram arrives a fixed one-way delay
 * after it was sent, is logged as sent (for counting, capturing and replaying), and may be dropped
 * by a test's filter.
 */
final class VirtualWire {

  record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {}

  static final long ONE_WAY_MILLIS = 10;

  private final Scheduler time;
  private final Map<InetSocketAddress, Consumer<Datagram>> endpoints = new HashMap<>();
  private final List<Datagram> sent = new ArrayList<>();
  private Predicate<Datagram> drop = d -> false;

  VirtualWire(Scheduler time) {
    this.time = time;
  }

  void attach(InetSocketAddress at, Consumer<Datagram> endpoint) {
    endpoints.put(at, endpoint);
  }

  void dropWhen(Predicate<Datagram> filter) {
    drop = filter;
  }

  void send(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    Datagram d = new Datagram(from, to, bytes.clone());
    sent.add(d);
    if (drop.test(d)) {
      return;
    }
    time.schedule(ONE_WAY_MILLIS, TimeUnit.MILLISECONDS, () -> deliver(d));
  }

  /** Hands a datagram to its destination now, as an attacker on the path would. */
  void deliver(Datagram d) {
    Consumer<Datagram> endpoint = endpoints.get(d.to());
    if (endpoint != null) {
      endpoint.accept(new Datagram(d.from(), d.to(), d.bytes().clone()));
    }
  }

  /** Every datagram sent so far, in order. */
  List<Datagram> sent() {
    return List.copyOf(sent);
  }

  int count() {
    return sent.size();
  }
}
