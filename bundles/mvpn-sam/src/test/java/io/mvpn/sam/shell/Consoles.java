package io.mvpn.sam.shell;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.console.Session;

/** A shell session whose console prints into a buffer: how command tests read what was printed. */
final class Consoles {

  private Consoles() {}

  static Session printingTo(ByteArrayOutputStream printed) {
    PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
    return (Session)
        Proxy.newProxyInstance(
            Session.class.getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) -> method.getName().equals("getConsole") ? console : null);
  }
}
