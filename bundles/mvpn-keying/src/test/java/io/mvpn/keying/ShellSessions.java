package io.mvpn.keying;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.console.Session;

/** A shell session for commands under test: its console is a stream the test reads. */
public final class ShellSessions {

  private ShellSessions() {}

  public static Session printingTo(OutputStream out) {
    PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
    return (Session)
        Proxy.newProxyInstance(
            Session.class.getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConsole")) {
                return console;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
