package io.mvpn.api.workgroup;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The membership model of the mobile workgroup system, kept by the mobile service manager and read
 * by the DNS, the workgroup filters and the portal. Implementations are thread-safe.
 */
public interface WorkgroupService {

  List<Member> members();

  Optional<Member> member(MemberId id);

  Optional<Member> memberByFqdn(String fqdn);

  List<Workgroup> workgroups();

  Optional<Workgroup> workgroup(String name);

  /** The workgroups {@code member} belongs to. */
  Set<String> workgroupsOf(MemberId member);

  /** True if {@code from} may send to {@code to}: they share a workgroup (c1, c2). */
  boolean permits(MemberId from, MemberId to);

  /** Every member that shares a workgroup with {@code asker}, itself excluded (c5, c13). */
  List<Member> visibleTo(MemberId asker);

  /** Adds or replaces a member's directory entry. */
  void putMember(Member member);

  /** Removes a member from the directory and from every workgroup. */
  boolean removeMember(MemberId id);

  void addWorkgroup(String name);

  boolean removeWorkgroup(String name);

  /** Signs a member on to a workgroup; both must exist. */
  void join(String workgroup, MemberId member);

  boolean leave(String workgroup, MemberId member);

  void addListener(WorkgroupListener listener);

  void removeListener(WorkgroupListener listener);
}
