package io.mvpn.benchmarks.ipsec;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * ESP encryption and decryption (tunnel mode, AES-128-GCM-16) of an inner datagram of the given
 * size, against the raw JDK AES-GCM of the same number of bytes in the same run: the ratio is the
 * cost ESP adds around the cipher (framing, padding, sequence and replay checks, buffers).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
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
  SecretKeySpec rawKey;
  byte[] nonce = new byte[12];
  ByteBuffer plain;
  ByteBuffer encrypted;
  long counter;

  @Setup(Level.Iteration)
  public void setUp() throws Exception {
    Ipv4Address mn = Ipv4Address.parse("203.0.113.61");
    Ipv4Address gw = Ipv4Address.parse("198.51.100.10");
    out = new EspSecurityAssociation(0x1001, Direction.OUTBOUND, mn, gw, KEY, true, 0);
    // Decryption: no replay window, so one sealed packet can be opened again and again.
    in = new EspSecurityAssociation(0x1001, Direction.INBOUND, null, gw, KEY, true, 0);
    ByteBuf datagram =
        UdpDatagram.build(
            alloc,
            0x0A010005,
            0x0A010064,
            5000,
            7,
            Unpooled.wrappedBuffer(new byte[size - 28]),
            64);
    inner = Ipv4Packet.parse(datagram);
    sealed = out.seal(alloc, inner);
    raw = Cipher.getInstance("AES/GCM/NoPadding");
    rawKey = new SecretKeySpec(KEY, 0, 16, "AES");
    plain = ByteBuffer.allocate(size);
    encrypted = ByteBuffer.allocate(size + 16);
  }

  @Benchmark
  public int espEncrypt() throws EspException {
    ByteBuf esp = out.seal(alloc, inner);
    int n = esp.readableBytes();
    esp.release();
    return n;
  }

  @Benchmark
  public int espDecrypt() throws EspException {
    ByteBuf back = in.open(alloc, sealed, sealed.readerIndex(), sealed.readableBytes());
    int n = back.readableBytes();
    back.release();
    return n;
  }

  @Benchmark
  public int rawJdkEncrypt() throws Exception {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    raw.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    plain.clear();
    encrypted.clear();
    return raw.doFinal(plain, encrypted);
  }
}
