package io.mvpn.backbone.shell;

import io.mvpn.api.shell.ServicesNow;
import io.mvpn.backbone.BackboneService;
import java.util.List;
import java.util.Objects;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * {@code mvpn:backbone}: the tenants behind the backbone, whether the NAPT and the workgroup DNS
 * are bound, and what was dropped while they were not. The translations are {@code mvpn:napt}'s.
 */
@Service
@Command(scope = "mvpn", name = "backbone", description = "The backbone router and its services")
public class BackboneCommand implements Action {

  /** Looked up when the command runs ({@link ServicesNow}); a test sets them. */
  List<BackboneService> backbones;

  @Reference BundleContext bundleContext;

  @Reference Session session;

  @Override
  public Object execute() {
    try (ServicesNow<BackboneService> now =
        ServicesNow.of(bundleContext, BackboneService.class, backbones)) {
      backbones = now.services();
      return run();
    }
  }

  private Object run() {
    List<BackboneService> all =
        backbones == null ? List.of() : backbones.stream().filter(Objects::nonNull).toList();
    if (all.isEmpty()) {
      session.getConsole().println("no backbone router (etc/io.mvpn.backbone.cfg)");
    }
    for (BackboneService b : all) {
      session
          .getConsole()
          .printf(
              "tenants %s: NAPT %s (dropped without it %d, to their own realm %d); DNS %s,"
                  + " answered %d, unanswered %d%n",
              b.tenants(),
              b.translating() ? "bound" : "absent",
              b.withoutNapt(),
              b.toOwnRealm(),
              b.answeringDns() ? "bound" : "absent",
              b.dnsAnswered(),
              b.dnsUnanswered());
    }
    return null;
  }
}
