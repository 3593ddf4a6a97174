package io.mvpn.api.workgroup;

import java.util.Objects;

/** A change to the membership model; {@code member} is null for whole-workgroup events. */
public record WorkgroupEvent(Type type, String workgroup, MemberId member) {

  public enum Type {
    WORKGROUP_ADDED,
    WORKGROUP_REMOVED,
    MEMBER_JOINED,
    MEMBER_LEFT,
    /** A member's FQDN or gateway address changed, or it was removed from the directory. */
    MEMBER_UPDATED
  }

  public WorkgroupEvent {
    Objects.requireNonNull(type, "type");
  }
}
