package io.mvpn.sam.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.sam.kink.KinkPayload;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.junit.jupiter.api.Test;

/** The grants kept for retransmitted requests: keyed by principal and XID, bounded both ways. */
class RequestRepliesTest {

  private static final long WINDOW = TimeUnit.SECONDS.toNanos(30);
  private static final InetSocketAddress FROM = new InetSocketAddress("198.51.100.10", 910);
  private static final List<KinkPayload> ASKED = List.of(new KinkPayload.SamPeer("node01"));
  private static final EncryptionKey KEY = key(1);

  @Test
  void tenThousandXidsFromManyPrincipalsStayWithinBothBounds() {
    RequestReplies replies = new RequestReplies(WINDOW, 1_000, 64);
    long now = 0;
    for (int xid = 0; xid < 10_000; xid++) {
      String principal = "kink/node" + (xid % 40) + "@R";
      answer(replies, principal, xid, now++);
      assertThat(replies.size()).isLessThanOrEqualTo(1_000);
    }
    assertThat(replies.size()).isEqualTo(1_000);
    assertThat(replies.evicted()).isEqualTo(9_000);

    // One principal's burst pushes out only its own entries.
    RequestReplies perNode = new RequestReplies(WINDOW, 1_000, 64);
    answer(perNode, "kink/quiet@R", 7, 0);
    for (int xid = 0; xid < 10_000; xid++) {
      answer(perNode, "kink/busy@R", xid, 1 + xid);
    }
    assertThat(perNode.size()).isEqualTo(65);
    assertThat(perNode.find("kink/quiet@R", 7, 10_001)).isNotNull();
    assertThat(perNode.find("kink/busy@R", 9_999, 10_001)).isNotNull();
    assertThat(perNode.find("kink/busy@R", 9_999 - 64, 10_001)).isNull();
  }

  @Test
  void entriesUnderWayCountAgainstTheirPrincipalAndNeverPushOutAnotherPrincipalsGrants() {
    RequestReplies replies = new RequestReplies(WINDOW, 100, 10);
    for (int xid = 0; xid < 90; xid++) {
      answer(replies, "kink/quiet" + (xid % 9) + "@R", xid, 0);
    }

    // One principal whose grants wait on the KDC: its bound, then refused, however many XIDs.
    for (int xid = 0; xid < 1_000; xid++) {
      RequestReplies.Entry entry = replies.open("kink/a@R", xid, ASKED, KEY, FROM, 1);
      assertThat(entry == null).isEqualTo(xid >= 10);
    }
    assertThat(replies.size()).isEqualTo(100);

    // Many principals' entries under way fill the cache: new ones are refused, none is evicted.
    int opened = 0;
    for (int n = 0; n < 20; n++) {
      for (int xid = 0; xid < 10; xid++) {
        if (replies.open("kink/b" + n + "@R", xid, ASKED, KEY, FROM, 2) != null) {
          opened++;
        }
      }
    }
    assertThat(opened).isEqualTo(90);
    assertThat(replies.size()).isEqualTo(190);
    assertThat(replies.evicted()).isZero();
    for (int xid = 0; xid < 90; xid++) {
      assertThat(replies.find("kink/quiet" + (xid % 9) + "@R", xid, 3)).isNotNull();
    }

    // A grant that went is kept; only once kept grants fill the cache does the oldest go.
    for (int xid = 0; xid < 10; xid++) {
      replies.answered(replies.find("kink/a@R", xid, 3), new byte[] {1}, null, 3);
    }
    assertThat(replies.size()).isEqualTo(190);
    assertThat(replies.evicted()).isZero();
    for (int xid = 0; xid < 5; xid++) {
      replies.answered(replies.find("kink/b0@R", xid, 3), new byte[] {1}, null, 3);
    }
    assertThat(replies.evicted()).isEqualTo(5);
    assertThat(replies.find("kink/quiet0@R", 0, 4)).isNull();
    assertThat(replies.find("kink/quiet5@R", 5, 4)).isNotNull();
    assertThat(replies.size()).isEqualTo(185);
    // Its answered entries are the principal's own to drop again: a new request is taken.
    assertThat(replies.open("kink/a@R", 20, ASKED, KEY, FROM, 4)).isNotNull();
  }

  @Test
  void anEntryOpenedAgainUnderItsKeyLeavesTheNewOneAlone() {
    RequestReplies replies = new RequestReplies(WINDOW, 10, 10);
    RequestReplies.Entry old = replies.open("kink/a@R", 5, ASKED, KEY, FROM, 0);
    RequestReplies.Entry fresh = replies.open("kink/a@R", 5, ASKED, KEY, FROM, 1);

    // The old request's late grant neither replaces nor removes the new one under way.
    replies.answered(old, new byte[] {1}, null, 2);
    assertThat(replies.find("kink/a@R", 5, 3)).isSameAs(fresh);
    assertThat(fresh.reply()).isNull();
    replies.answered(fresh, new byte[] {2}, null, 4);
    assertThat(replies.find("kink/a@R", 5, 5).reply()).containsExactly(2);
    assertThat(replies.size()).isEqualTo(1);
  }

  @Test
  void anAnsweredEntryLastsTheWindowFromItsAnswerAndOneUnderWayLastsUntilAnswered() {
    RequestReplies replies = new RequestReplies(WINDOW, 10, 10);
    RequestReplies.Entry slow = replies.open("kink/a@R", 1, ASKED, KEY, FROM, 0);
    answer(replies, "kink/a@R", 2, 0);

    assertThat(replies.find("kink/a@R", 2, WINDOW - 1)).isNotNull();
    assertThat(replies.find("kink/a@R", 2, WINDOW)).isNull();
    assertThat(replies.find("kink/a@R", 1, 10 * WINDOW)).isSameAs(slow);
    replies.answered(slow, new byte[] {1}, null, 10 * WINDOW);
    assertThat(replies.find("kink/a@R", 1, 11 * WINDOW - 1).reply()).containsExactly(1);
    assertThat(replies.find("kink/a@R", 1, 11 * WINDOW)).isNull();
    assertThat(replies.size()).isZero();
    assertThat(replies.evicted()).isZero();
  }

  @Test
  void anEntryIsAPrincipalsOwnAndTheSameRequestMeansTheSamePayloadsUnderTheSameKey() {
    RequestReplies replies = new RequestReplies(WINDOW, 10, 10);
    RequestReplies.Entry entry = answer(replies, "kink/a@R", 5, 0);

    assertThat(replies.find("kink/b@R", 5, 1)).isNull();
    assertThat(replies.find("kink/a@R", 5, 1)).isSameAs(entry);
    assertThat(RequestReplies.sameRequest(entry, ASKED, key(1))).isTrue();
    assertThat(RequestReplies.sameRequest(entry, ASKED, key(2))).isFalse();
    assertThat(RequestReplies.sameRequest(entry, List.of(new KinkPayload.SamPeer("node02")), KEY))
        .isFalse();
  }

  @Test
  void aForgottenEntryIsGoneAndItsLateAnswerIsNotKept() {
    RequestReplies replies = new RequestReplies(WINDOW, 10, 10);
    RequestReplies.Entry entry = replies.open("kink/a@R", 5, ASKED, KEY, FROM, 0);
    replies.forget(entry);
    replies.answered(entry, new byte[] {1}, null, 1);

    assertThat(replies.find("kink/a@R", 5, 2)).isNull();
    assertThat(replies.size()).isZero();
    assertThatThrownBy(() -> new RequestReplies(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RequestReplies.Entry answer(
      RequestReplies replies, String principal, long xid, long now) {
    RequestReplies.Entry entry = replies.open(principal, xid, ASKED, KEY, FROM, now);
    replies.answered(entry, new byte[] {(byte) xid}, null, now);
    return entry;
  }

  private static EncryptionKey key(int fill) {
    byte[] value = new byte[32];
    java.util.Arrays.fill(value, (byte) fill);
    return new EncryptionKey(EncryptionType.AES256_CTS_HMAC_SHA1_96, value);
  }
}
