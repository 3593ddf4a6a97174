package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupEvent;
import io.mvpn.api.workgroup.WorkgroupService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link WorkgroupService} directory does, in memory or in the state file. */
abstract class WorkgroupDirectoryContract {

  static final MemberId ACME5 = new MemberId(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5"));
  static final MemberId GLOBEX5 = new MemberId(MvpnId.of("globex"), Ipv4Address.parse("10.1.0.5"));
  static final MemberId INITECH9 =
      new MemberId(MvpnId.of("initech"), Ipv4Address.parse("10.9.0.9"));

  final List<WorkgroupEvent> events = new ArrayList<>();
  WorkgroupService dir;

  /** A directory, empty. */
  abstract WorkgroupService directory();

  @BeforeEach
  void fill() {
    dir = directory();
    dir.addListener(events::add);
    dir.putMember(new Member(ACME5, "Alice.acme.example.", Ipv4Address.parse("198.51.100.10")));
    dir.putMember(new Member(GLOBEX5, "bob.globex.example", Ipv4Address.parse("198.51.100.20")));
    dir.putMember(new Member(INITECH9, "carol.initech.example", Ipv4Address.parse("203.0.113.9")));
  }

  @Test
  void theSameAddressInTwoTenantsIsTwoMembers() {
    dir.addWorkgroup("bridge");
    dir.join("bridge", ACME5);
    dir.join("bridge", GLOBEX5);
    assertThat(dir.permits(ACME5, GLOBEX5)).isTrue();
    assertThat(dir.permits(GLOBEX5, ACME5)).isTrue();
    assertThat(dir.permits(ACME5, INITECH9)).isFalse();
    assertThat(dir.permits(ACME5, ACME5)).isFalse();
    assertThat(dir.visibleTo(ACME5)).extracting(Member::fqdn).containsExactly("bob.globex.example");
    assertThat(dir.visibleTo(INITECH9)).isEmpty();
    assertThat(dir.memberByFqdn("ALICE.acme.example.")).map(Member::id).contains(ACME5);
  }

  @Test
  void leavingOrRemovalEndsPermissionAndIsAnnounced() {
    dir.addWorkgroup("bridge");
    dir.addWorkgroup("other");
    dir.join("bridge", ACME5);
    dir.join("bridge", GLOBEX5);
    dir.join("other", GLOBEX5);
    dir.join("other", INITECH9);
    events.clear();
    assertThat(dir.leave("bridge", GLOBEX5)).isTrue();
    assertThat(dir.permits(ACME5, GLOBEX5)).isFalse();
    assertThat(dir.permits(GLOBEX5, INITECH9)).isTrue();
    assertThat(dir.removeMember(INITECH9)).isTrue();
    assertThat(dir.permits(GLOBEX5, INITECH9)).isFalse();
    assertThat(dir.workgroup("other").orElseThrow().members()).containsExactly(GLOBEX5);
    assertThat(events)
        .extracting(WorkgroupEvent::type)
        .containsExactly(
            WorkgroupEvent.Type.MEMBER_LEFT,
            WorkgroupEvent.Type.MEMBER_LEFT,
            WorkgroupEvent.Type.MEMBER_UPDATED);
    assertThat(dir.removeWorkgroup("bridge")).isTrue();
    assertThat(dir.workgroupsOf(ACME5)).isEmpty();
  }

  @Test
  void unknownNamesAndDuplicateFqdnsAreRefused() {
    assertThatThrownBy(() -> dir.join("nope", ACME5)).hasMessageContaining("no workgroup nope");
    dir.addWorkgroup("bridge");
    MemberId ghost = new MemberId(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.66"));
    assertThatThrownBy(() -> dir.join("bridge", ghost)).hasMessageContaining("no member");
    assertThatThrownBy(
            () ->
                dir.putMember(
                    new Member(ghost, "alice.acme.example", Ipv4Address.parse("198.51.100.10"))))
        .hasMessageContaining("already names");
    assertThat(dir.workgroup("bridge").orElseThrow().members()).isEmpty();
  }

  @Test
  void listenersHearOfEachChangeAfterItIsMade() {
    List<Boolean> permittedWhenTold = new ArrayList<>();
    dir.addListener(e -> permittedWhenTold.add(dir.permits(ACME5, GLOBEX5)));
    events.clear();
    dir.addWorkgroup("bridge");
    dir.join("bridge", ACME5);
    dir.join("bridge", GLOBEX5);

    assertThat(events)
        .extracting(WorkgroupEvent::type)
        .containsExactly(
            WorkgroupEvent.Type.WORKGROUP_ADDED,
            WorkgroupEvent.Type.MEMBER_JOINED,
            WorkgroupEvent.Type.MEMBER_JOINED);
    assertThat(permittedWhenTold).containsExactly(false, false, true);
  }
}
