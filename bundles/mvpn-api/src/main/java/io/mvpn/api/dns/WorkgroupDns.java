package io.mvpn.api.dns;

import io.mvpn.api.workgroup.MemberId;

/**
 * The running workgroup DNS: one zone and one cookie secret (RFC 7873) for its lifetime, so a
 * server cookie it hands out validates on the asker's next query. Functions that receive a query on
 * a link of their own (the backbone router, through its NAPT) and know the asker hand it here.
 *
 * <p>Thread-safe.
 */
public interface WorkgroupDns {

  /** The transport a query came over, which bounds the response size. */
  enum Transport {
    UDP,
    TCP
  }

  /**
   * Answers one query in wire format.
   *
   * @param query the DNS message as received (for TCP without the 2-byte length)
   * @param asker the member who asks, or null if unknown (everything is REFUSED)
   * @return the response in wire format, or null if the query is to be dropped
   */
  byte[] answer(byte[] query, MemberId asker, Transport transport);

  /** The zone's origin, e.g. {@code wg.mvpn.example.}. */
  String origin();
}
