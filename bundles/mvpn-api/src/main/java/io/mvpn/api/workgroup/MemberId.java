package io.mvpn.api.workgroup;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import java.util.Objects;

/**
 * A party of a workgroup: a private address is only unique within its tenant's realm, so the tenant
 * is part of the name (the "realm index" of seed 002 c2, c6).
 */
public record MemberId(MvpnId tenant, Ipv4Address privateAddress) {

  public MemberId {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(privateAddress, "privateAddress");
  }

  @Override
  public String toString() {
    return tenant + "/" + privateAddress;
  }
}
