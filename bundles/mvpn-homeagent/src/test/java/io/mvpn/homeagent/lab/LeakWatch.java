package io.mvpn.homeagent.lab;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Netty's leak detector at {@code PARANOID} (every buffer tracked), its reports collected rather
 * than only logged: the detector Netty's allocators wrap their buffers with (the pooled and
 * adaptive ones, heap and direct, the lab's among them; the unpooled one only direct), given a
 * listener.
 */
public final class LeakWatch implements AutoCloseable {

  private final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
  private final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
  private final ResourceLeakDetector<?> detector;

  public LeakWatch() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try {
      Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
      f.setAccessible(true);
      detector = (ResourceLeakDetector<?>) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Netty's buffer leak detector is not where it was", e);
    }
    detector.setLeakListener((type, records) -> leaks.add(type + "\n" + records));
  }

  /**
   * The leaks found so far: collects the garbage, then tracks a few buffers, since the detector
   * looks for collected, unreleased buffers only when it tracks a new one.
   */
  public List<String> leaks() {
    // The collector hands cleared references over on its own thread: a few rounds give it time.
    for (int i = 0; i < 10 && leaks.isEmpty(); i++) {
      System.gc();
      for (int k = 0; k < 16; k++) {
        ByteBufAllocator.DEFAULT.heapBuffer(8).release();
        ByteBufAllocator.DEFAULT.directBuffer(8).release();
      }
    }
    return List.copyOf(leaks);
  }

  /** The heap in use after a full collection: the least of three readings, against stragglers. */
  public static long heapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  @Override
  public void close() {
    detector.setLeakListener(null);
    ResourceLeakDetector.setLevel(before);
  }
}
