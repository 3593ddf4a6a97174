package io.mvpn.net;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/** An allocator that keeps every buffer it hands out, so a test can see which are still held. */
public final class RecordingAllocator extends AbstractByteBufAllocator {

  private final List<ByteBuf> allocated = new ArrayList<>();

  public RecordingAllocator() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return record(Unpooled.buffer(initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return record(Unpooled.directBuffer(initialCapacity, maxCapacity));
  }

  private ByteBuf record(ByteBuf buffer) {
    allocated.add(buffer);
    return buffer;
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** Buffers handed out and not released. */
  public long held() {
    return allocated.stream().filter(b -> b.refCnt() > 0).count();
  }

  /** Stops tracking the buffers already released, so a long run keeps only what is held. */
  public void forgetReleased() {
    allocated.removeIf(b -> b.refCnt() == 0);
  }

  public int allocated() {
    return allocated.size();
  }
}
