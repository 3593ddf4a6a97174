package io.mvpn.securitygateway.shell;

import io.mvpn.ipsec.gateway.SecurityGatewayService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.apache.karaf.shell.api.console.Session;

/** What {@code mvpn:sa list} and {@code mvpn:spd} print for the given gateways. */
public final class ShellOutput {

  private ShellOutput() {}

  public static String saList(SecurityGatewayService... gateways) {
    return printed(
        session -> {
          SaCommand command = new SaCommand();
          command.gateways = List.of(gateways);
          command.session = session;
          command.execute();
        });
  }

  public static String spd(SecurityGatewayService... gateways) {
    return printed(
        session -> {
          SpdCommand command = new SpdCommand();
          command.gateways = List.of(gateways);
          command.session = session;
          command.execute();
        });
  }

  /** What {@code command} printed on a session's console. */
  private static String printed(Consumer<Session> command) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
    command.accept(
        (Session)
            Proxy.newProxyInstance(
                Session.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getConsole") ? console : null));
    return printed.toString(StandardCharsets.UTF_8);
  }
}
