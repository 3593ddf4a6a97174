package io.mvpn.ike.sa;

import io.mvpn.api.time.Scheduler;
import io.mvpn.ike.message.EncryptedFragmentPayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * IKE fragmentation (RFC 7383) for one engine: whether an SA may fragment, how a message is cut
 * into SKF fragments for the configured fragment size, and how arriving fragments are verified and
 * reassembled within a memory budget shared by all the engine's SAs. Runs on the engine's
 * scheduler.
 */
final class IkeFragmentation {

  private final EngineSettings settings;
  private final Scheduler scheduler;
  private final EngineCounters counters;
  private FragmentReassembly.Budget budget =
      new FragmentReassembly.Budget(FragmentReassembly.ENGINE_MAX_BYTES);

  IkeFragmentation(EngineSettings settings, Scheduler scheduler, EngineCounters counters) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.counters = counters;
  }

  /**
   * The datagrams of {@code message} sent from {@code from}: IKE_SA_INIT in the clear, anything
   * later in SK, or in SKF fragments (RFC 7383 §2.5) when both ends support them and the SK message
   * would make an IP datagram larger than the fragment size.
   */
  List<byte[]> encode(IkeSa sa, IkeMessage message, Endpoint from) {
    if (message.header().exchangeType() == IkeHeader.IKE_SA_INIT) {
      return List.of(message.toByteArray());
    }
    int skLength =
        IkeHeader.LENGTH
            + IkePayload.GENERIC_HEADER_LENGTH
            + sa.cipher().sealedLength(message.encodedLength() - IkeHeader.LENGTH);
    int limit = maxMessageLength(from);
    if (supported(sa) && skLength > limit) {
      return message.encodeFragments(sa.cipher(), limit);
    }
    ByteBuf buf = message.encodeWithSk(HEAP, sa.cipher());
    try {
      // The heap buffer's array is the datagram when it is exactly as long: no copy of it.
      byte[] array = buf.array();
      return List.of(
          buf.arrayOffset() == 0 && buf.readerIndex() == 0 && array.length == buf.readableBytes()
              ? array
              : ByteBufUtil.getBytes(buf));
    } finally {
      buf.release();
    }
  }

  /**
   * Heap buffers of exactly the size asked: a direct one would be a native allocation and a copy.
   */
  private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

  /** IPv4 (20 bytes) and UDP (8) headers, on port 4500 also the non-ESP marker (RFC 3948). */
  private static final int IPV4_UDP_HEADERS = 28;

  /** The largest IKE message that fits the fragment size in one datagram from {@code from}. */
  private int maxMessageLength(Endpoint from) {
    int marker = from.port() == Endpoint.NAT_T_PORT ? IkeHeader.NON_ESP_MARKER_LENGTH : 0;
    return settings.fragmentSize() - IPV4_UDP_HEADERS - marker;
  }

  /** Whether both ends announced IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT (RFC 7383 §2.3). */
  boolean supported(IkeSa sa) {
    IkeMessage peer = sa.peerInitMessage();
    return settings.fragmentation()
        && peer != null
        && peer.notification(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED) != null;
  }

  static List<IkePayload> announce(List<IkePayload> payloads) {
    List<IkePayload> out = new ArrayList<>(payloads);
    out.add(NotifyPayload.of(NotifyPayload.IKEV2_FRAGMENTATION_SUPPORTED));
    return out;
  }

  /**
   * RFC 7383 §2.6: one fragment of the request ({@code request}) or response the SA expects next,
   * its message ID checked already. It is verified before anything is kept, so a forged one changes
   * nothing; duplicates, fragments counting fewer than the set held (sent before the peer
   * fragmented anew, smaller) and sets past {@link FragmentReassembly}'s limits (per message, and
   * for all SAs together) are dropped, as is a set still incomplete after its timeout. The set once
   * it is complete, else null.
   */
  FragmentReassembly reassemble(IkeSa sa, boolean request, IkeMessage fragment, byte[] datagram) {
    counters.fragmentsReceived.increment();
    EncryptedFragmentPayload skf = fragment.encryptedFragment();
    long id = fragment.header().messageId();
    if (!supported(sa) || skf.totalFragments() > FragmentReassembly.MAX_FRAGMENTS) {
      counters.fragmentsDropped.increment();
      return null;
    }
    FragmentReassembly set = sa.tasks().fragments(request);
    if (set != null && set.messageId() != id) {
      set = null; // an older message's: replaced below once this fragment verifies
    }
    if (set != null && skf.totalFragments() < set.totalFragments()) {
      counters.fragmentsDropped.increment();
      return null;
    }
    if (set != null
        && skf.totalFragments() == set.totalFragments()
        && set.has(skf.fragmentNumber())) {
      counters.duplicateFragments.increment();
      return null;
    }
    byte[] piece;
    try {
      piece = fragment.openFragment(sa.cipher());
    } catch (GeneralSecurityException e) {
      counters.undecryptable.increment();
      return null;
    }
    if (set == null || skf.totalFragments() > set.totalFragments()) {
      FragmentReassembly started = new FragmentReassembly(id, skf.totalFragments(), budget);
      started.timer(
          scheduler.schedule(
              FragmentReassembly.TIMEOUT_SECONDS,
              TimeUnit.SECONDS,
              () -> {
                if (sa.tasks().fragments(request) == started) {
                  counters.fragmentsDropped.increment();
                  sa.tasks().fragments(request, null);
                }
              }));
      sa.tasks().fragments(request, started);
      set = started;
    }
    if (!set.add(skf.fragmentNumber(), piece, skf.innerNextPayload(), datagram)) {
      counters.fragmentsDropped.increment();
      sa.tasks().fragments(request, null);
      return null;
    }
    if (!set.complete()) {
      return null;
    }
    sa.tasks().fragments(request, null);
    counters.reassembled.increment();
    return set;
  }

  /** Bytes the fragment sets of all SAs hold now. */
  long bytesHeld() {
    return budget.held();
  }

  /** What all fragment sets together may hold from now on. */
  void limitMemory(long bytes) {
    budget = new FragmentReassembly.Budget(bytes);
  }
}
