package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.WorkgroupService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentWorkgroupDirectoryTest extends WorkgroupDirectoryContract {

  @TempDir Path dir;

  private OpenStateFiles files;

  @Override
  WorkgroupService directory() {
    files = new OpenStateFiles(dir.resolve("state.mv.db"));
    return reopen();
  }

  /** The directory over the file as it is now, as the next instance of the store bundle sees it. */
  private WorkgroupService reopen() {
    files.close();
    return new PersistentWorkgroupDirectory(files.open());
  }

  @AfterEach
  void close() {
    files.close();
  }

  @Test
  void membersAndWorkgroupsJoinedAtRunTimeSurviveAReopen() {
    super.dir.addWorkgroup("bridge");
    super.dir.addWorkgroup("board");
    super.dir.join("bridge", GLOBEX5);
    super.dir.join("bridge", ACME5);
    super.dir.join("board", INITECH9);
    super.dir.leave("board", INITECH9);
    super.dir.putMember(
        new Member(ACME5, "alice.acme.example", Ipv4Address.parse("198.51.100.11")));

    WorkgroupService reopened = reopen();
    assertThat(reopened.members()).hasSize(3);
    assertThat(reopened.member(ACME5).orElseThrow().gatewayAddress())
        .isEqualTo(Ipv4Address.parse("198.51.100.11"));
    assertThat(reopened.memberByFqdn("Bob.Globex.Example.")).map(Member::id).contains(GLOBEX5);
    assertThat(reopened.workgroup("bridge").orElseThrow().members())
        .containsExactlyInAnyOrder(GLOBEX5, ACME5);
    assertThat(reopened.workgroup("board").orElseThrow().members()).isEmpty();
    assertThat(reopened.permits(ACME5, GLOBEX5)).isTrue();
    assertThat(reopened.permits(ACME5, INITECH9)).isFalse();
  }

  @Test
  void aRemovedMemberAndARemovedWorkgroupStayRemoved() {
    super.dir.addWorkgroup("bridge");
    super.dir.addWorkgroup("other");
    super.dir.join("bridge", ACME5);
    super.dir.join("bridge", INITECH9);
    super.dir.removeMember(INITECH9);
    super.dir.removeWorkgroup("other");

    WorkgroupService reopened = reopen();
    assertThat(reopened.member(INITECH9)).isEmpty();
    assertThat(reopened.memberByFqdn("carol.initech.example")).isEmpty();
    assertThat(reopened.workgroups()).extracting(w -> w.name()).containsExactly("bridge");
    assertThat(reopened.workgroup("bridge").orElseThrow().members()).containsExactly(ACME5);
  }

  @Test
  void anUnreadableRecordIsDroppedAndTheRestKept() {
    super.dir.addWorkgroup("bridge");
    super.dir.join("bridge", ACME5);
    files.close();
    StateFile file = files.open();
    file.change(
        () -> {
          file.map(PersistentWorkgroupDirectory.MEMBERS).put("acme 10.1.0.9", new byte[] {1, 7});
          file.map(PersistentWorkgroupDirectory.WORKGROUPS).put("broken", new byte[] {9});
        });
    files.close();

    WorkgroupService reopened = new PersistentWorkgroupDirectory(files.open());
    assertThat(reopened.members()).hasSize(3);
    assertThat(reopened.workgroups()).extracting(w -> w.name()).containsExactly("bridge");
    assertThat(reopened.workgroupsOf(ACME5)).containsExactly("bridge");
  }

  @Test
  void aListenerIsToldOnlyOnceTheChangeIsInTheFile() {
    files.close();
    StateFile file = files.open();
    WorkgroupService directory = new PersistentWorkgroupDirectory(file);
    List<Boolean> inFileWhenTold = new ArrayList<>();
    directory.addListener(
        e ->
            inFileWhenTold.add(
                file.map(PersistentWorkgroupDirectory.WORKGROUPS).containsKey("bridge")));
    directory.addWorkgroup("bridge");
    directory.removeWorkgroup("bridge");

    assertThat(inFileWhenTold).containsExactly(true, false);
  }
}
