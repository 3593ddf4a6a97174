package io.mvpn.backbone.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.backbone.BackboneService;
import io.mvpn.net.nat.TenantNapt;
import io.mvpn.packet.ipv4.IpProtocol;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.karaf.shell.api.console.Session;
import org.junit.jupiter.api.Test;

/** {@code mvpn:napt} lists each mapping with its protocol and, for TCP, the connection's state. */
class NaptCommandTest {

  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");

  @Test
  void showsTheProtocolAndStateOfEachMapping() {
    List<TenantNapt.MappingView> mappings =
        List.of(
            new TenantNapt.MappingView(
                IpProtocol.UDP,
                new TenantNapt.Inside(MvpnId.of("acme"), FIVE, 5353),
                40000,
                3_000_000_000L,
                "open"),
            new TenantNapt.MappingView(
                IpProtocol.TCP,
                new TenantNapt.Inside(MvpnId.of("globex"), FIVE, 43512),
                40000,
                0,
                "established"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NaptCommand command = new NaptCommand();
    command.backbones = List.of(backbone(mappings));
    command.session = session(new PrintStream(out, true, StandardCharsets.UTF_8));
    command.execute();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("Proto", "State");
    assertThat(text.lines().filter(l -> l.contains("acme") && l.contains("udp")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("udp", "5353", "40000", "open"));
    assertThat(text.lines().filter(l -> l.contains("globex") && l.contains("tcp")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("43512", "40000", "established"));
    assertThat(text).contains("translated 7, refused (ports exhausted) 1, dropped 2");
  }

  static BackboneService backbone(List<TenantNapt.MappingView> mappings) {
    return new BackboneService() {
      @Override
      public List<TenantNapt.MappingView> mappings() {
        return mappings;
      }

      @Override
      public List<MvpnId> tenants() {
        return List.of(MvpnId.of("acme"), MvpnId.of("globex"));
      }

      @Override
      public long translated() {
        return 7;
      }

      @Override
      public long exhausted() {
        return 1;
      }

      @Override
      public long dropped() {
        return 2;
      }

      @Override
      public long dnsAnswered() {
        return 0;
      }
    };
  }

  /** A shell session whose console is {@code console}; nothing else is asked of it. */
  static Session session(PrintStream console) {
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
