package io.mvpn.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker threads as Netty threads ({@code FastThreadLocalThread}), the kind the data path
 * runs on in production (an event loop). Netty 4.2 pools buffer objects and caches pooled memory
 * per thread only on such threads; on JMH's plain threads every pooled buffer costs a new object
 * and a trip to the shared arena, which no production packet pays. A benchmark opts in with
 * {@code @Fork(jvmArgsAppend = {NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})}.
 */
public final class NettyThreadExecutor extends ThreadPoolExecutor {

  /** The JVM options that make JMH run a benchmark's threads on this executor. */
  public static final String CUSTOM = "-Djmh.executor=CUSTOM";

  public static final String THIS_CLASS =
      "-Djmh.executor.class=io.mvpn.benchmarks.NettyThreadExecutor";

  /** The constructor JMH's CUSTOM executor type calls. */
  public NettyThreadExecutor(int maxThreads, String prefix) {
    super(
        maxThreads,
        maxThreads,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        new DefaultThreadFactory(prefix, true));
  }
}
