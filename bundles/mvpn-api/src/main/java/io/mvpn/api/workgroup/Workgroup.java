package io.mvpn.api.workgroup;

import java.util.Objects;
import java.util.Set;

/** A named extranet workgroup and its members; any member may reach any other (c1). */
public record Workgroup(String name, Set<MemberId> members) {

  public Workgroup {
    Objects.requireNonNull(name, "name");
    members = Set.copyOf(members);
  }
}
