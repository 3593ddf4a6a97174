package io.mvpn.store;

import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.Workgroup;
import io.mvpn.api.workgroup.WorkgroupListener;
import io.mvpn.api.workgroup.WorkgroupService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workgroup directory in the {@link StateFile}: members and workgroups joined at run time (by
 * the mobile service manager's setup file or its portal) survive an update of the store bundle and
 * a restart. Reads and {@link #permits} come from an {@link InMemoryWorkgroupDirectory}; each
 * change is committed to the file under that directory's lock, before its listeners hear of it. A
 * member's entry and each workgroup's member list are records of their own; a workgroup is
 * rewritten whole when someone joins or leaves it (membership changes at the pace of people, not of
 * datagrams). After a reopen, members come in the file's order, each workgroup's in the order they
 * joined.
 */
public final class PersistentWorkgroupDirectory implements WorkgroupService {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentWorkgroupDirectory.class);

  static final String MEMBERS = "workgroup-members";
  static final String WORKGROUPS = "workgroups";

  private final StateFile file;
  private final MVMap<String, byte[]> members;
  private final MVMap<String, byte[]> workgroups;
  private final InMemoryWorkgroupDirectory cache;

  public PersistentWorkgroupDirectory(StateFile file) {
    this.file = file;
    this.members = file.map(MEMBERS);
    this.workgroups = file.map(WORKGROUPS);
    this.cache = new InMemoryWorkgroupDirectory(this::write);
    List<String> badMembers = new ArrayList<>();
    List<Member> stored = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : members.entrySet()) {
      try {
        stored.add(WorkgroupCodec.decodeMember(e.getValue()));
      } catch (IllegalArgumentException bad) {
        LOG.error(
            "state file {}: workgroup member {} unreadable, dropped", file.path(), e.getKey());
        badMembers.add(e.getKey());
      }
    }
    List<String> badGroups = new ArrayList<>();
    Map<String, List<MemberId>> storedGroups = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : workgroups.entrySet()) {
      try {
        storedGroups.put(e.getKey(), WorkgroupCodec.decodeWorkgroup(e.getValue()));
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: workgroup {} unreadable, dropped", file.path(), e.getKey());
        badGroups.add(e.getKey());
      }
    }
    cache.load(stored, storedGroups);
    if (!badMembers.isEmpty() || !badGroups.isEmpty()) {
      file.change(
          () -> {
            badMembers.forEach(members::remove);
            badGroups.forEach(workgroups::remove);
          });
    }
  }

  /** The directory's journal: one commit per change, member entries and workgroups together. */
  private void write(Map<MemberId, Member> changedMembers, Map<String, List<MemberId>> changed) {
    file.change(
        () -> {
          changedMembers.forEach(
              (id, m) -> {
                if (m == null) {
                  members.remove(WorkgroupCodec.key(id));
                } else {
                  members.put(WorkgroupCodec.key(id), WorkgroupCodec.encode(m));
                }
              });
          changed.forEach(
              (name, ids) -> {
                if (ids == null) {
                  workgroups.remove(name);
                } else {
                  workgroups.put(name, WorkgroupCodec.encodeWorkgroup(ids));
                }
              });
        });
  }

  @Override
  public List<Member> members() {
    return cache.members();
  }

  @Override
  public Optional<Member> member(MemberId id) {
    return cache.member(id);
  }

  @Override
  public Optional<Member> memberByFqdn(String fqdn) {
    return cache.memberByFqdn(fqdn);
  }

  @Override
  public List<Workgroup> workgroups() {
    return cache.workgroups();
  }

  @Override
  public Optional<Workgroup> workgroup(String name) {
    return cache.workgroup(name);
  }

  @Override
  public Set<String> workgroupsOf(MemberId member) {
    return cache.workgroupsOf(member);
  }

  @Override
  public boolean permits(MemberId from, MemberId to) {
    return cache.permits(from, to);
  }

  @Override
  public List<Member> visibleTo(MemberId asker) {
    return cache.visibleTo(asker);
  }

  @Override
  public void putMember(Member member) {
    cache.putMember(member);
  }

  @Override
  public boolean removeMember(MemberId id) {
    return cache.removeMember(id);
  }

  @Override
  public void addWorkgroup(String name) {
    cache.addWorkgroup(name);
  }

  @Override
  public boolean removeWorkgroup(String name) {
    return cache.removeWorkgroup(name);
  }

  @Override
  public void join(String workgroup, MemberId member) {
    cache.join(workgroup, member);
  }

  @Override
  public boolean leave(String workgroup, MemberId member) {
    return cache.leave(workgroup, member);
  }

  @Override
  public void addListener(WorkgroupListener listener) {
    cache.addListener(listener);
  }

  @Override
  public void removeListener(WorkgroupListener listener) {
    cache.removeListener(listener);
  }
}
