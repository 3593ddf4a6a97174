package io.mvpn.ike.sa;

import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import java.util.List;

/**
 * One exchange as its initiator runs it, after strongSwan's task model: the SA's {@link
 * TaskManager} asks the task for the request's payloads, the manager sends them (in SK unless it is
 * IKE_SA_INIT), and {@link ResponseProcessor} hands it the response. Responders answer through
 * {@link IkeSaInitResponder}, {@link RequestResponder} and {@link IkeRekeyResponder}, which use the
 * task classes' own {@code respond} methods: a responder holds no task between messages (window
 * size 1, §2.3).
 */
public interface IkeTask {

  /** What the response made of the exchange. */
  enum Outcome {
    /** Finished; the next queued task may run. */
    DONE,
    /**
     * Send a new request of this task with the same message ID (IKE_SA_INIT retries, §1.3, §2.6).
     */
    RETRY,
    /** The SA cannot go on; {@link IkeSa#failure()} says why. */
    FAILED,
    /** The peer refused this exchange (a re-key, say); the SA goes on as it was. */
    REFUSED
  }

  int exchangeType();

  /** The request's payloads, plain (the engine encrypts). */
  List<IkePayload> buildRequest(IkeSa sa);

  /**
   * Handles the response: decrypted when the exchange is protected.
   *
   * @param raw the datagram's IKE message bytes (IKE_SA_INIT signs them in AUTH)
   */
  Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw);
}
