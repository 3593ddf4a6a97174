package io.mvpn.benchmarks.ipsec;

import io.mvpn.api.Ipv4Address;
import io.mvpn.benchmarks.NettyThreadExecutor;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ESP encryption and decryption (tunnel mode, AES-128-GCM-16, ESN) of an inner datagram of the
 * given size, against the raw JDK AES-GCM of the same bytes in the same run: the ratio is the cost
 * ESP adds around the cipher (framing, padding, sequence and replay checks, buffers).
 *
 * <p>The baseline is what any AES-GCM user must do per packet, on heap arrays: {@code init} with a
 * new nonce, {@code updateAAD} with the 12-byte ESN AAD and one {@code doFinal} over ESP's
 * plaintext length (the datagram, its padding and the 2-byte trailer). The inner datagram sits in a
 * pooled direct buffer, as one read from a socket would; ESP's output comes from the pooled heap
 * allocator, and the benchmark threads are Netty threads ({@link NettyThreadExecutor}) as the data
 * path's event loop is. Run with {@code -prof gc} for the bytes allocated per operation ({@code
 * gc.alloc.rate.norm}), see docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})
public class EspBenchmark {

  static final byte[] KEY = HexFormat.of().parseHex("feffe9928665731c6d6a8f9467308308cafebabe");

  @Param({"64", "512", "1400"})
  int size;

  PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  EspSecurityAssociation out;
  EspSecurityAssociation in;
  Ipv4Packet inner;
  ByteBuf sealed;
  Cipher raw;
  Cipher rawDecrypt;
  SecretKeySpec rawKey;
  byte[] nonce = new byte[12];
  GCMParameterSpec fixedNonce = new GCMParameterSpec(128, new byte[12]);
  byte[] aad = new byte[12];
  byte[] plain;
  byte[] encrypted;
  byte[] decrypted;
  long counter;

  @Setup(Level.Iteration)
  public void setUp() throws Exception {
    Ipv4Address mn = Ipv4Address.parse("203.0.113.61");
    Ipv4Address gw = Ipv4Address.parse("198.51.100.10");
    out = new EspSecurityAssociation(0x1001, Direction.OUTBOUND, mn, gw, KEY, true, 0);
    // Decryption: no replay window, so one sealed packet can be opened again and again.
    in = new EspSecurityAssociation(0x1001, Direction.INBOUND, null, gw, KEY, true, 0);
    inner = innerDatagram(alloc, size);
    sealed = out.seal(alloc, inner);
    raw = Cipher.getInstance("AES/GCM/NoPadding");
    rawDecrypt = Cipher.getInstance("AES/GCM/NoPadding");
    rawKey = new SecretKeySpec(KEY, 0, 16, "AES");
    // ESP's plaintext: the datagram, padding to a 4-byte boundary, pad length and next header.
    int plainLength = (size + 2 + 3) & ~3;
    plain = new byte[plainLength];
    encrypted = new byte[plainLength + 16];
    decrypted = new byte[plainLength];
    rawDecrypt.init(Cipher.ENCRYPT_MODE, rawKey, fixedNonce);
    rawDecrypt.updateAAD(aad);
    rawDecrypt.doFinal(plain, 0, plainLength, encrypted, 0);
  }

  /** An inner IPv4/UDP datagram of {@code size} bytes in a pooled direct buffer. */
  static Ipv4Packet innerDatagram(PooledByteBufAllocator alloc, int size)
      throws MalformedPacketException {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[size - 28]);
    return Ipv4Packet.parse(UdpDatagram.build(alloc, 0x0A010005, 0x0A010064, 5000, 7, payload, 64));
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    inner.buffer().release();
    sealed.release();
  }

  @Benchmark
  public int espEncrypt() throws EspException {
    ByteBuf esp = out.seal(alloc, inner);
    int n = esp.readableBytes();
    esp.release();
    return n;
  }

  /** As {@link #espEncrypt} with the outer IPv4 header in front: the datagram that is sent. */
  @Benchmark
  public int espEncapsulate() throws EspException {
    ByteBuf datagram = out.encapsulate(alloc, inner, 64);
    int n = datagram.readableBytes();
    datagram.release();
    return n;
  }

  @Benchmark
  public int espDecrypt() throws EspException {
    ByteBuf back = in.open(alloc, sealed, sealed.readerIndex(), sealed.readableBytes());
    int n = back.readableBytes();
    back.release();
    return n;
  }

  /**
   * What ESP pays that the raw baselines do not: taking a pooled heap buffer of the ESP packet's
   * size for the result, and releasing it.
   */
  @Benchmark
  public boolean pooledBuffer() {
    return alloc.heapBuffer(EspSecurityAssociation.sealedLength(size)).release();
  }

  @Benchmark
  public int rawJdkEncrypt() throws Exception {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    raw.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    raw.updateAAD(aad);
    return raw.doFinal(plain, 0, plain.length, encrypted, 0);
  }

  /**
   * One packet's nonce, as ESP must build it per packet (here always the one it was sealed with).
   */
  @Benchmark
  public int rawJdkDecrypt() throws Exception {
    rawDecrypt.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, fixedNonce.getIV()));
    rawDecrypt.updateAAD(aad);
    return rawDecrypt.doFinal(encrypted, 0, encrypted.length, decrypted, 0);
  }
}
