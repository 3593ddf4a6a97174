package io.mvpn.store;

import io.mvpn.api.Listeners;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.Workgroup;
import io.mvpn.api.workgroup.WorkgroupEvent;
import io.mvpn.api.workgroup.WorkgroupEvent.Type;
import io.mvpn.api.workgroup.WorkgroupListener;
import io.mvpn.api.workgroup.WorkgroupService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership model in memory: members by id and by FQDN, workgroups with their members, and an
 * index from each member to its workgroups so {@link #permits} is two hash lookups. Guarded by one
 * lock; listeners run after the change, outside it. In the appliance it is the one directory the
 * mobile service manager fills and the DNS and workgroup filters read, registered by the store
 * backend: alone with {@code type = memory}, under a {@link PersistentWorkgroupDirectory} that
 * keeps it in the state file otherwise.
 */
public final class InMemoryWorkgroupDirectory implements WorkgroupService {

  /**
   * Told of every change while the directory's lock is held and before any listener, so that a copy
   * kept elsewhere changes in the same order and is current when listeners read it.
   */
  interface Journal {
    /**
     * @param members the entries that changed, with their value now (null: removed)
     * @param workgroups the workgroups that changed, with their members now (null: removed)
     */
    void changed(Map<MemberId, Member> members, Map<String, List<MemberId>> workgroups);
  }

  private final Map<MemberId, Member> members = new LinkedHashMap<>();
  private final Map<String, Member> byFqdn = new HashMap<>();
  private final Map<String, Set<MemberId>> workgroups = new LinkedHashMap<>();
  private final Map<MemberId, Set<String>> groupsOf = new HashMap<>();
  private final Listeners<WorkgroupListener> listeners = new Listeners<>("workgroup changes");
  private final Journal journal;

  public InMemoryWorkgroupDirectory() {
    this((members, workgroups) -> {});
  }

  InMemoryWorkgroupDirectory(Journal journal) {
    this.journal = journal;
  }

  /** Takes in a stored directory as it was, telling neither the journal nor any listener. */
  synchronized void load(List<Member> stored, Map<String, List<MemberId>> storedWorkgroups) {
    for (Member m : stored) {
      members.put(m.id(), m);
      byFqdn.put(m.fqdn(), m);
    }
    storedWorkgroups.forEach(
        (name, ids) -> {
          Set<MemberId> present = new LinkedHashSet<>();
          for (MemberId id : ids) {
            if (members.containsKey(id)) {
              present.add(id);
              groupsOf.computeIfAbsent(id, m -> new LinkedHashSet<>()).add(name);
            }
          }
          workgroups.put(name, present);
        });
  }

  private void record(MemberId id, Member now) {
    Map<MemberId, Member> changed = new HashMap<>();
    changed.put(id, now);
    journal.changed(changed, Map.of());
  }

  private void record(String workgroup) {
    Map<String, List<MemberId>> changed = new HashMap<>();
    Set<MemberId> ids = workgroups.get(workgroup);
    changed.put(workgroup, ids == null ? null : List.copyOf(ids));
    journal.changed(Map.of(), changed);
  }

  @Override
  public synchronized List<Member> members() {
    return List.copyOf(members.values());
  }

  @Override
  public synchronized Optional<Member> member(MemberId id) {
    return Optional.ofNullable(members.get(id));
  }

  @Override
  public synchronized Optional<Member> memberByFqdn(String fqdn) {
    return Optional.ofNullable(byFqdn.get(Member.normalise(fqdn)));
  }

  @Override
  public synchronized List<Workgroup> workgroups() {
    List<Workgroup> all = new ArrayList<>();
    workgroups.forEach((name, ids) -> all.add(new Workgroup(name, ids)));
    return all;
  }

  @Override
  public synchronized Optional<Workgroup> workgroup(String name) {
    Set<MemberId> ids = workgroups.get(name);
    return ids == null ? Optional.empty() : Optional.of(new Workgroup(name, ids));
  }

  @Override
  public synchronized Set<String> workgroupsOf(MemberId member) {
    return Set.copyOf(groupsOf.getOrDefault(member, Set.of()));
  }

  @Override
  public synchronized boolean permits(MemberId from, MemberId to) {
    Set<String> a = groupsOf.get(from);
    Set<String> b = groupsOf.get(to);
    if (a == null || b == null || from.equals(to)) {
      return false;
    }
    Set<String> small = a.size() <= b.size() ? a : b;
    Set<String> large = small == a ? b : a;
    for (String g : small) {
      if (large.contains(g)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized List<Member> visibleTo(MemberId asker) {
    Set<MemberId> seen = new LinkedHashSet<>();
    for (String g : groupsOf.getOrDefault(asker, Set.of())) {
      seen.addAll(workgroups.get(g));
    }
    seen.remove(asker);
    List<Member> visible = new ArrayList<>(seen.size());
    for (MemberId id : seen) {
      visible.add(members.get(id));
    }
    return visible;
  }

  @Override
  public void putMember(Member member) {
    synchronized (this) {
      Member other = byFqdn.get(member.fqdn());
      if (other != null && !other.id().equals(member.id())) {
        throw new IllegalArgumentException(
            "FQDN " + member.fqdn() + " already names " + other.id());
      }
      Member old = members.put(member.id(), member);
      if (old != null) {
        byFqdn.remove(old.fqdn());
      }
      byFqdn.put(member.fqdn(), member);
      record(member.id(), member);
    }
    fire(new WorkgroupEvent(Type.MEMBER_UPDATED, null, member.id()));
  }

  @Override
  public boolean removeMember(MemberId id) {
    List<WorkgroupEvent> events = new ArrayList<>();
    synchronized (this) {
      Member old = members.remove(id);
      if (old == null) {
        return false;
      }
      byFqdn.remove(old.fqdn());
      Map<String, List<MemberId>> left = new HashMap<>();
      for (String g : new TreeSet<>(groupsOf.getOrDefault(id, Set.of()))) {
        workgroups.get(g).remove(id);
        left.put(g, List.copyOf(workgroups.get(g)));
        events.add(new WorkgroupEvent(Type.MEMBER_LEFT, g, id));
      }
      groupsOf.remove(id);
      Map<MemberId, Member> gone = new HashMap<>();
      gone.put(id, null);
      journal.changed(gone, left);
      events.add(new WorkgroupEvent(Type.MEMBER_UPDATED, null, id));
    }
    events.forEach(this::fire);
    return true;
  }

  @Override
  public void addWorkgroup(String name) {
    synchronized (this) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a workgroup needs a name");
      }
      if (workgroups.putIfAbsent(name, new LinkedHashSet<>()) != null) {
        return;
      }
      record(name);
    }
    fire(new WorkgroupEvent(Type.WORKGROUP_ADDED, name, null));
  }

  @Override
  public boolean removeWorkgroup(String name) {
    synchronized (this) {
      Set<MemberId> ids = workgroups.remove(name);
      if (ids == null) {
        return false;
      }
      for (MemberId id : ids) {
        groupsOf.get(id).remove(name);
      }
      record(name);
    }
    fire(new WorkgroupEvent(Type.WORKGROUP_REMOVED, name, null));
    return true;
  }

  @Override
  public void join(String workgroup, MemberId member) {
    synchronized (this) {
      Set<MemberId> ids = workgroups.get(workgroup);
      if (ids == null) {
        throw new IllegalArgumentException("no workgroup " + workgroup);
      }
      if (!members.containsKey(member)) {
        throw new IllegalArgumentException("no member " + member);
      }
      if (!ids.add(member)) {
        return;
      }
      groupsOf.computeIfAbsent(member, m -> new LinkedHashSet<>()).add(workgroup);
      record(workgroup);
    }
    fire(new WorkgroupEvent(Type.MEMBER_JOINED, workgroup, member));
  }

  @Override
  public boolean leave(String workgroup, MemberId member) {
    synchronized (this) {
      Set<MemberId> ids = workgroups.get(workgroup);
      if (ids == null || !ids.remove(member)) {
        return false;
      }
      groupsOf.get(member).remove(workgroup);
      record(workgroup);
    }
    fire(new WorkgroupEvent(Type.MEMBER_LEFT, workgroup, member));
    return true;
  }

  @Override
  public void addListener(WorkgroupListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(WorkgroupListener listener) {
    listeners.remove(listener);
  }

  /** Every listener hears of the change, whatever another one throws. */
  private void fire(WorkgroupEvent event) {
    listeners.tell(l -> l.changed(event));
  }
}
