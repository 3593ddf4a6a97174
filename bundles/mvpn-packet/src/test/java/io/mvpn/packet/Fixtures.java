package io.mvpn.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The datagrams scapy made (src/test/scripts/make-fixtures.py) and the fields it was given. */
public final class Fixtures {

  private Fixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name + ".bin")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ByteBuf buffer(String name) {
    return Unpooled.wrappedBuffer(bytes(name));
  }

  public static Properties fields(String name) {
    Properties p = new Properties();
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name + ".properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public static int integer(Properties p, String key) {
    return Integer.decode(p.getProperty(key).trim());
  }
}
