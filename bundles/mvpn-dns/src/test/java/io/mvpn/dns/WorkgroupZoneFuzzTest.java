package io.mvpn.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.WorkgroupZone.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * Coverage-guided fuzzing of the workgroup DNS server's entry point: any bytes as a query over UDP
 * or TCP, from any of the fixture's members or from a stranger. The first input byte picks asker
 * and transport; the rest is the query. Nothing may escape; a response is a well-formed DNS
 * response with the query's ID that fits the transport; and it names no member the asker may not
 * see (the workgroup isolation of seed 002 c13), whatever the query asks.
 */
class WorkgroupZoneFuzzTest {

  private static final WorkgroupZone ZONE =
      new WorkgroupZone(
          Fixture.directory(),
          ZoneSettings.defaults(),
          new ServerCookies(
              new byte[32], Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC)));

  @FuzzTest(maxDuration = "30m")
  void queriesGetWellFormedAnswersThatRevealOnlyVisibleMembers(byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    int pick = data[0] & 0xFF;
    MemberId asker = pick % 8 < Fixture.ASKERS.size() ? Fixture.ASKERS.get(pick % 8) : null;
    Transport transport = (pick & 0x80) == 0 ? Transport.UDP : Transport.TCP;
    byte[] query = Arrays.copyOfRange(data, 1, data.length);

    byte[] wire = ZONE.answer(query, asker, transport);
    if (wire == null) {
      return;
    }
    if (transport == Transport.UDP) {
      // Never more than 512 bytes, or the EDNS size this server advertises (RFC 6891).
      assertThat(wire.length)
          .isLessThanOrEqualTo(
              Math.max(WorkgroupZone.PLAIN_UDP_MAX, ZONE.settings().udpPayloadSize()));
    }
    Message response = new Message(wire);
    assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(response.getHeader().getID())
        .isEqualTo(((query[0] & 0xFF) << 8) | (query[1] & 0xFF));
    Set<String> visible = asker == null ? Set.of() : WorkgroupZoneTest.SEES.get(asker);
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (org.xbill.DNS.Record r : response.getSection(section)) {
        String owner = r.getName().toString().toLowerCase(java.util.Locale.ROOT);
        if (WorkgroupZoneTest.ADDRESS.containsKey(owner)) {
          assertThat(visible).as("%s told %s", asker, r).contains(owner);
        }
      }
    }
  }
}
