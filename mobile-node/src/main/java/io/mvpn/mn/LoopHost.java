package io.mvpn.mn;

import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every mode's host engine stands on: one Netty event loop that its engine, VRFs and sockets
 * run on, the control thread's way onto it, the engine's events in the log, and the order things
 * stop in.
 */
abstract class LoopHost implements NodeHost {

  private static final Logger LOG = LoggerFactory.getLogger(LoopHost.class);

  final EventLoopGroup group;
  final EventLoopScheduler scheduler;
  private int eventsLogged;
  private String priorityRefused; // on the loop: why the loop kept its priority, once, or null
  private boolean prioritySaid;

  /** On the JDK's NIO. */
  LoopHost() {
    this(NioIoHandler.newFactory());
  }

  /** On the I/O handler {@code io} makes; the host sockets then need its channel classes. */
  LoopHost(IoHandlerFactory io) {
    group = new MultiThreadIoEventLoopGroup(1, io);
    scheduler = new EventLoopScheduler(group.next());
    // First on the loop, so that everything it runs has the priority; said once the node started
    // (a configuration that fails is one line, nothing else).
    group.next().execute(() -> priorityRefused = HandoverPriority.applyHere());
  }

  @Override
  public final NodeStatus status() throws Exception {
    return onLoop(this::snapshot);
  }

  /** The node's state now; on the loop. */
  abstract NodeStatus snapshot();

  /** Runs {@code task} on the loop and waits for it (at most 10 s); never from the loop. */
  final <T> T onLoop(Callable<T> task) throws Exception {
    return scheduler.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }

  /**
   * Polls the status until its state is one of {@code states}, at most {@code timeoutMillis}; true
   * if it got there.
   */
  final boolean awaitState(long timeoutMillis, Set<String> states) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (states.contains(status().state())) {
        return true;
      }
      Thread.sleep(50); // the caller's thread (control or shutdown), never the engine's
    }
    return false;
  }

  /** The engine's events in the log, as they happen (checked twice a second); on the loop. */
  final void logEvents(Supplier<List<String>> events) {
    if (!prioritySaid) {
      prioritySaid = true;
      if (priorityRefused == null) {
        LOG.info("event loop at nice {}", HandoverPriority.nice());
      } else {
        LOG.warn(
            "event loop left at its priority, not nice {}: {}",
            HandoverPriority.nice(),
            priorityRefused);
      }
    }
    List<String> now = events.get();
    for (; eventsLogged < now.size(); eventsLogged++) {
      LOG.info("{}", now.get(eventsLogged));
    }
    scheduler.schedule(500, TimeUnit.MILLISECONDS, () -> logEvents(events));
  }

  /** Removes the interfaces of {@code vrfs} (closing devices and sockets), then stops the loop. */
  final void closeLoop(List<Vrf> vrfs) {
    try {
      onLoop(
          () -> {
            for (Vrf vrf : vrfs) {
              vrf.interfaces().forEach(i -> vrf.removeInterface(i.name()));
            }
            return null;
          });
    } catch (Exception e) {
      LOG.warn("closing the interfaces: {}", e.toString());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
