package io.mvpn.dns;

/**
 * What the zone has done since it started. Every query counted in {@code queries} ends in exactly
 * one of the other counters.
 *
 * @param queries messages received
 * @param answers NOERROR responses with at least one answer record
 * @param nodata NOERROR responses without answers (the name exists for the asker, the type not),
 *     including cookie-only responses to queries without a question
 * @param nxdomain NXDOMAIN: names that do not exist or that the asker may not see
 * @param refused names outside the zone, classes other than IN, zone transfers, unknown askers
 * @param formerr malformed queries whose header could be read, and forbidden shapes
 * @param notimp opcodes other than QUERY
 * @param badvers EDNS versions above 0
 * @param dropped inputs not answered: shorter than a header, or responses rather than queries
 */
public record DnsCounters(
    long queries,
    long answers,
    long nodata,
    long nxdomain,
    long refused,
    long formerr,
    long notimp,
    long badvers,
    long dropped) {}
