package io.mvpn.sam.kink;

import java.util.ArrayList;
import java.util.List;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * One authenticated KINK command and its answer, as both ends of mvpn's SAM messages build and
 * check them: a command carries KINK_AP_REQ and the sealed payloads; its answer KINK_AP_REP, a
 * KINK_ERROR if it failed, and the sealed payloads; every message is checksummed under the ticket's
 * session key (RFC 4430 §4). A receiver refuses anything whose Kerberos, checksum or KINK_ENCRYPT
 * fails, before it acts on a single payload.
 */
public final class KinkExchange {

  /** A command that passed: the message, who sent it, and what its KINK_ENCRYPT held. */
  public record Command(
      KinkMessage message, ApAcceptor.Accepted sender, List<KinkPayload> sealed) {}

  /** An answer that passed: its KINK_ERROR code (0 for none) and what its KINK_ENCRYPT held. */
  public record Answer(KinkMessage message, long error, List<KinkPayload> sealed) {}

  private KinkExchange() {}

  /** A command under {@code ticket}, authenticated by {@code apReq} made from it. */
  public static byte[] command(
      KinkMessageType type,
      long xid,
      long epoch,
      ApInitiator.Sent apReq,
      SgtTicket ticket,
      List<KinkPayload> sealed) {
    KinkKey key = new KinkKey(ticket.getSessionKey());
    List<KinkPayload> payloads = new ArrayList<>();
    payloads.add(KinkPayload.apReq(epoch, apReq.der()));
    payloads.add(key.seal(sealed));
    return KinkCodec.encode(KinkMessage.of(type, xid, false, payloads), key);
  }

  /** The answer to an accepted command: AP-REP, then KINK_ERROR if {@code error} is not 0. */
  public static byte[] answer(
      KinkMessageType type,
      long xid,
      long epoch,
      ApAcceptor.Accepted to,
      long error,
      List<KinkPayload> sealed) {
    KinkKey key = new KinkKey(to.sessionKey());
    List<KinkPayload> payloads = new ArrayList<>();
    payloads.add(KinkPayload.apRep(epoch, ApAcceptor.apRep(to)));
    if (error != KinkPayload.Error.OK) {
      payloads.add(new KinkPayload.Error(error));
    }
    if (!sealed.isEmpty()) {
      payloads.add(key.seal(sealed));
    }
    return KinkCodec.encode(KinkMessage.of(type, xid, false, payloads), key);
  }

  /** What a receiver checks in a command's content before it is held against replay. */
  @FunctionalInterface
  public interface ContentCheck {
    void check(Command command) throws KinkRefusedException;
  }

  /**
   * Checks a command: its AP-REQ, then its checksum under the session key the AP-REQ yields, then
   * its KINK_ENCRYPT, then the receiver's {@code content} check; only a command that passed all of
   * them has its authenticator held against replay, so a refused message changes nothing.
   */
  public static Command acceptCommand(
      byte[] datagram, KinkMessage message, ApAcceptor acceptor, ContentCheck content)
      throws KinkRefusedException {
    KinkPayload.Ap ap = message.first(KinkPayload.Ap.class, KinkPayloadType.AP_REQ);
    KinkPayload.Octets encrypt = message.first(KinkPayload.Octets.class, KinkPayloadType.ENCRYPT);
    if (ap == null || encrypt == null) {
      throw new KinkRefusedException(KinkRefusal.MISSING_PAYLOAD, message.type() + " without both");
    }
    ApAcceptor.Accepted sender = acceptor.accept(ap.message());
    KinkKey key = new KinkKey(sender.sessionKey());
    if (!KinkCodec.verify(datagram, key)) {
      throw new KinkRefusedException(KinkRefusal.BAD_CHECKSUM, message.type() + " of " + sender);
    }
    Command command = new Command(message, sender, open(key, encrypt));
    content.check(command);
    acceptor.remember(sender);
    return command;
  }

  /** As {@link #acceptCommand(byte[], KinkMessage, ApAcceptor, ContentCheck)}, any content. */
  public static Command acceptCommand(byte[] datagram, KinkMessage message, ApAcceptor acceptor)
      throws KinkRefusedException {
    return acceptCommand(datagram, message, acceptor, command -> {});
  }

  /** Checks an answer to the command that {@code sent} authenticated, under that ticket's key. */
  public static Answer acceptAnswer(
      byte[] datagram, KinkMessage message, EncryptionKey sessionKey, ApInitiator.Sent sent)
      throws KinkRefusedException {
    return acceptAnswer(datagram, message, sessionKey, List.of(sent));
  }

  /**
   * Checks an answer to any of the sendings of one command: a retransmission carries a fresh
   * authenticator (the receiver would refuse the old one as a replay), and the answer to an earlier
   * sending may still arrive after it.
   */
  public static Answer acceptAnswer(
      byte[] datagram, KinkMessage message, EncryptionKey sessionKey, List<ApInitiator.Sent> sent)
      throws KinkRefusedException {
    KinkKey key = new KinkKey(sessionKey);
    if (!KinkCodec.verify(datagram, key)) {
      throw new KinkRefusedException(KinkRefusal.BAD_CHECKSUM, message.type() + " answer");
    }
    KinkPayload.Ap ap = message.first(KinkPayload.Ap.class, KinkPayloadType.AP_REP);
    if (ap == null) {
      throw new KinkRefusedException(KinkRefusal.MISSING_PAYLOAD, message.type() + " no AP-REP");
    }
    checkApRepOfAny(ap.message(), sessionKey, sent);
    KinkPayload.Error error = message.first(KinkPayload.Error.class, KinkPayloadType.ERROR);
    KinkPayload.Octets encrypt = message.first(KinkPayload.Octets.class, KinkPayloadType.ENCRYPT);
    List<KinkPayload> sealed = encrypt == null ? List.of() : open(key, encrypt);
    return new Answer(message, error == null ? KinkPayload.Error.OK : error.code(), sealed);
  }

  private static void checkApRepOfAny(
      byte[] apRep, EncryptionKey sessionKey, List<ApInitiator.Sent> sent)
      throws KinkRefusedException {
    KinkRefusedException last =
        new KinkRefusedException(KinkRefusal.BAD_AP_REP, "answers no AP-REQ sent");
    for (ApInitiator.Sent one : sent) {
      try {
        ApInitiator.checkApRep(apRep, sessionKey, one);
        return;
      } catch (KinkRefusedException e) {
        last = e;
      }
    }
    throw last;
  }

  private static List<KinkPayload> open(KinkKey key, KinkPayload.Octets encrypt)
      throws KinkRefusedException {
    try {
      return key.open(encrypt);
    } catch (KinkFormatException e) {
      throw new KinkRefusedException(
          e.reason() == KinkFormatException.Reason.UNDECRYPTABLE
              ? KinkRefusal.UNDECRYPTABLE
              : KinkRefusal.MALFORMED,
          e.getMessage());
    }
  }
}
