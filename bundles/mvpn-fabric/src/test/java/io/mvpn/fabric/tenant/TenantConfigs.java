package io.mvpn.fabric.tenant;

import java.lang.annotation.Annotation;

/** Builds {@link TenantInstance.Config} values the way SCR would from a .cfg file. */
final class TenantConfigs {
  private TenantConfigs() {}

  static TenantInstance.Config config(String id, String description, String... realms) {
    return new TenantInstance.Config() {
      @Override
      public String mvpn_tenant() {
        return id;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public String[] homeRealms() {
        return realms;
      }

      @Override
      public Class<? extends Annotation> annotationType() {
        return TenantInstance.Config.class;
      }
    };
  }
}
