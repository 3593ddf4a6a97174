package io.mvpn.api.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantListener;
import io.mvpn.api.tenant.TenantService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantCompleterTest {

  @Test
  void theCandidatesAreTheTenantsConfiguredAtTheMoment() {
    Tenants tenants = new Tenants();
    tenants.ids.add("acme");
    tenants.ids.add("globex");
    assertThat(TenantCompleter.ids(tenants)).containsExactly("acme", "globex");

    tenants.ids.remove("acme");
    assertThat(TenantCompleter.ids(tenants)).containsExactly("globex");
  }

  /** A tenant service over a list of ids, read again at every call as the real one is. */
  private static final class Tenants implements TenantService {
    final List<String> ids = new ArrayList<>();

    @Override
    public List<Tenant> getTenants() {
      return ids.stream().map(id -> tenant(MvpnId.of(id))).toList();
    }

    @Override
    public Optional<Tenant> getTenant(MvpnId id) {
      return ids.contains(id.value()) ? Optional.of(tenant(id)) : Optional.empty();
    }

    @Override
    public void addListener(TenantListener listener) {}

    @Override
    public void removeListener(TenantListener listener) {}
  }

  private static Tenant tenant(MvpnId id) {
    return new Tenant() {
      @Override
      public MvpnId id() {
        return id;
      }

      @Override
      public String description() {
        return id.value();
      }

      @Override
      public List<Prefix> homeRealms() {
        return List.of();
      }
    };
  }
}
