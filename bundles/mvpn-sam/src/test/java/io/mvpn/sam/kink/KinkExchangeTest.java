package io.mvpn.sam.kink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.time.VirtualTimeScheduler;
import java.nio.file.Path;
import java.util.List;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command's authenticator is held against replay only once every check of it has passed. */
class KinkExchangeTest {

  @TempDir static Path dir;

  private static KerberosPeers peers;
  private static SgtTicket ticket;

  private final KerberosClock clock =
      new KerberosClock(new VirtualTimeScheduler(), System.currentTimeMillis());
  private final ApAcceptor acceptor = peers.acceptor(clock);

  @BeforeAll
  static void startKdc() throws Exception {
    peers = KerberosPeers.start(dir);
    ticket = peers.serviceTicket();
  }

  @AfterAll
  static void stopKdc() {
    peers.close();
  }

  private byte[] command() {
    return KinkExchange.command(
        KinkMessageType.SAM_REQUEST,
        42,
        clock.unixMillis() / 1000,
        ApInitiator.apReq(ticket, KerberosPeers.INITIATOR, clock),
        ticket,
        List.of(new KinkPayload.SamPeer("node01")));
  }

  private void assertRefused(byte[] datagram, KinkExchange.ContentCheck check, KinkRefusal why) {
    assertThatThrownBy(
            () -> KinkExchange.acceptCommand(datagram, KinkCodec.decode(datagram), acceptor, check))
        .isInstanceOfSatisfying(
            KinkRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(why));
  }

  @Test
  void aCommandItsReceiverRefusesForItsContentLeavesNothingInTheReplayCache() throws Exception {
    byte[] datagram = command();

    assertRefused(
        datagram,
        command -> {
          throw new KinkRefusedException(KinkRefusal.UNEXPECTED, "not from the manager");
        },
        KinkRefusal.UNEXPECTED);

    assertThat(acceptor.replayCacheSize()).isZero();
  }

  @Test
  void aCommandWhoseChecksumFailsLeavesNothingInTheReplayCache() throws Exception {
    byte[] forged = command();
    forged[forged.length - 1] ^= 1;

    assertRefused(forged, command -> {}, KinkRefusal.BAD_CHECKSUM);

    assertThat(acceptor.replayCacheSize()).isZero();
  }

  @Test
  void aCommandThatPassedEveryCheckIsHeldAndRefusedWhenItComesAgain() throws Exception {
    byte[] datagram = command();

    KinkExchange.Command accepted =
        KinkExchange.acceptCommand(datagram, KinkCodec.decode(datagram), acceptor);

    assertThat(accepted.sender().client()).isEqualTo(KerberosPeers.INITIATOR);
    assertThat(acceptor.replayCacheSize()).isEqualTo(1);
    assertRefused(datagram, command -> {}, KinkRefusal.REPLAY);
  }
}
