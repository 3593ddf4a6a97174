package io.mvpn.foreignagent.link;

import io.mvpn.packet.link.PairwiseKeys;

/**
 * Where one station's handshake stands at the access point: the nonce and counter of the access
 * point's last message, and after a valid message 2 the derived keys. Replaced, never edited, so a
 * refused frame cannot leave half a change behind.
 *
 * @param expected the message the access point waits for (2 or 4)
 */
record Handshake(
    String identity,
    int station,
    int port,
    int source,
    byte[] accessPointNonce,
    long replayCounter,
    int expected,
    PairwiseKeys keys,
    long startedAt) {}
