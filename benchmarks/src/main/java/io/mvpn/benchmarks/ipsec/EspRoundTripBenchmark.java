package io.mvpn.benchmarks.ipsec;

import io.mvpn.api.Ipv4Address;
import io.mvpn.benchmarks.NettyThreadExecutor;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one packet costs the security gateway's ESP path at full size: one 1,400-byte inner datagram
 * sealed by an outbound AES-256-GCM SA (outer IPv4 header, ESP, ESN) and the ESP packet opened
 * again by the inbound SA of the same keys (replay window on, so each packet is new to it), against
 * the bare JDK AES-GCM encryption and decryption of the same plaintext in the same run: the ratio
 * is what ESP adds around the cipher per packet both ways.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})
@Measurement(iterations = 10, time = 1)
@Warmup(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@BenchmarkMode(Mode.AverageTime)
@State(Scope.Thread)
public class EspRoundTripBenchmark {

  static final int SIZE = 1400;

  /** A 32-byte AES key and the 4-byte salt (RFC 4106 §8.1). */
  static final byte[] KEY =
      HexFormat.of()
          .parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308cafebabe");

  PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  Ipv4Packet inner;
  EspSecurityAssociation out;
  EspSecurityAssociation in;

  /** The gateway's pair of SAs toward one road warrior, and a datagram from the protected side. */
  @Setup(Level.Iteration)
  public void setUp() throws Exception {
    inner = EspBenchmark.innerDatagram(alloc, SIZE);
    Ipv4Address[] ends = {Ipv4Address.parse("198.51.100.1"), Ipv4Address.parse("198.51.100.10")};
    out = new EspSecurityAssociation(0x1001, Direction.OUTBOUND, ends[0], ends[1], KEY, true, 0);
    in = new EspSecurityAssociation(0x1001, Direction.INBOUND, ends[0], ends[1], KEY, true, 64);
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    inner.buffer().release();
  }

  /** The baseline's state: two ciphers and ESP's plaintext length (datagram, padding, trailer). */
  @State(Scope.Thread)
  public static class BareJdk {
    final SecretKeySpec key = new SecretKeySpec(KEY, 0, 32, "AES");
    final byte[] nonce = new byte[12];
    final byte[] aad = new byte[12];
    final byte[] plain = new byte[(SIZE + 2 + 3) & ~3];
    final byte[] sealed = new byte[plain.length + 16];
    final byte[] opened = new byte[plain.length];
    Cipher encrypt;
    Cipher decrypt;
    long counter;

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
      encrypt = Cipher.getInstance("AES/GCM/NoPadding");
      decrypt = Cipher.getInstance("AES/GCM/NoPadding");
    }
  }

  @Benchmark
  public int espSealAndOpen() throws EspException, MalformedPacketException {
    ByteBuf datagram = out.encapsulate(alloc, inner, 64);
    try {
      ByteBuf back = in.decapsulate(alloc, Ipv4Packet.parse(datagram));
      int n = back.readableBytes();
      back.release();
      return n;
    } finally {
      datagram.release();
    }
  }

  /** A new nonce per packet, as ESP's sequence-number IV; the ESN AAD's 12 bytes. */
  @Benchmark
  public int bareJdkSealAndOpen(BareJdk b) throws Exception {
    long c = ++b.counter;
    for (int i = 0; i < 8; i++) {
      b.nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    b.encrypt.init(Cipher.ENCRYPT_MODE, b.key, new GCMParameterSpec(128, b.nonce));
    b.encrypt.updateAAD(b.aad);
    int n = b.encrypt.doFinal(b.plain, 0, b.plain.length, b.sealed, 0);
    b.decrypt.init(Cipher.DECRYPT_MODE, b.key, new GCMParameterSpec(128, b.nonce));
    b.decrypt.updateAAD(b.aad);
    return b.decrypt.doFinal(b.sealed, 0, n, b.opened, 0);
  }
}
