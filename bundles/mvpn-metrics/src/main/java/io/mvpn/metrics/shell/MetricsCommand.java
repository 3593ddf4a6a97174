package io.mvpn.metrics.shell;

import io.mvpn.metrics.internal.MetricsExporter;
import java.net.InetSocketAddress;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code mvpn:metrics [PREFIX]}: the scrape the endpoint serves, limited to the metrics whose names
 * start with the prefix ({@code mvpn_} by default; {@code ""} for all, the JVM's too).
 */
@Service
@Command(scope = "mvpn", name = "metrics", description = "Show the Prometheus metrics")
public class MetricsCommand implements Action {

  @Argument(index = 0, name = "prefix", description = "metric name prefix (default mvpn_)")
  String prefix = "mvpn_";

  @Reference MetricsExporter exporter;

  @Reference Session session;

  @Override
  public Object execute() {
    InetSocketAddress at = exporter.address();
    session
        .getConsole()
        .println(
            at == null
                ? "# endpoint: off"
                : "# endpoint: http://" + at.getHostString() + ":" + at.getPort() + "/metrics");
    for (String line : exporter.exposition().text().split("\n")) {
      String name = line.startsWith("# ") ? line.split(" ", 4)[2] : line;
      if (name.startsWith(prefix)) {
        session.getConsole().println(line);
      }
    }
    return null;
  }
}
