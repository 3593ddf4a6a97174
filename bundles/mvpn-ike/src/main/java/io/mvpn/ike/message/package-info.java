/**
 * IKEv2 messages: the header and one class per payload (RFC 7296 §3).
 *
 * <p>{@link io.mvpn.ike.message.IkeMessage} is a {@link io.mvpn.ike.message.IkeHeader} and an
 * ordered list of {@link io.mvpn.ike.message.IkePayload} records; it parses a UDP/500 payload (or a
 * UDP/4500 payload after the non-ESP marker) and encodes with every length and Next Payload field
 * computed. Malformed input raises {@link io.mvpn.ike.message.IkeFormatException}, whose reason is
 * the Notify error to answer with. Variable-length data is held as {@link
 * io.mvpn.ike.message.Octets}, so payload records compare by value and outlive the datagram.
 *
 * <p>Protected messages: the codec frames the SK payload and computes its AAD (header through the
 * SK generic header, RFC 5282 §5.1); an {@link io.mvpn.ike.message.SkCipher} from the crypto
 * package seals and opens the body.
 */
@Export
@Version("0.1.0")
package io.mvpn.ike.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
