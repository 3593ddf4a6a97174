"""Field-by-field checks of what a node made with scapy gets back through its tunnel from a real
host at home, shared by the scapy nodes of the tests on real kernels (this module's and other
modules': they put this directory on sys.path). The first field that is not as expected prints one
FAIL line and ends the node with exit status 1.
"""
import sys

from scapy.layers.inet import ICMP, UDP, in4_chksum
from scapy.packet import raw
from scapy.utils import checksum


def header_checksum_ok(packet):
    return checksum(raw(packet)[:packet.ihl * 4]) == 0


class AnswerChecks:
    """Checks for the node TAG with home address HOME, talking to PEER's UDP PORT and pinging it
    with ICMP_ID; what PEER sends arrives with HOP_TTL."""

    def __init__(self, tag, home, peer, port, icmp_id, hop_ttl):
        self.tag, self.home, self.peer, self.port = tag, home, peer, port
        self.icmp_id, self.hop_ttl = icmp_id, hop_ttl

    def fail(self, what):
        print("FAIL %s: %s" % (self.tag, what), flush=True)
        sys.exit(1)

    def expect(self, what, actual, wanted):
        if actual != wanted:
            self.fail("%s is %r, expected %r" % (what, actual, wanted))

    def outer(self, outer, source, destination, protocol, ttl, length):
        """The outer IPv4 header of what a tunnel's far end sent the node, unfragmented."""
        expect = self.expect
        expect("outer version", outer.version, 4)
        expect("outer header length", outer.ihl, 5)
        expect("outer source", outer.src, source)
        expect("outer destination", outer.dst, destination)
        expect("outer protocol", outer.proto, protocol)
        expect("outer TTL", outer.ttl, ttl)
        expect("outer MF", bool(outer.flags.MF), False)
        expect("outer fragment offset", outer.frag, 0)
        expect("outer total length", outer.len, length)
        expect("outer header checksum valid", header_checksum_ok(outer), True)

    def inner(self, inner, protocol, source=None, ttl=None):
        """The inner IPv4 header of an answer to the node's home address."""
        expect = self.expect
        expect("inner version", inner.version, 4)
        expect("inner header length", inner.ihl, 5)
        expect("inner source", inner.src, source or self.peer)
        expect("inner destination", inner.dst, self.home)
        expect("inner protocol", inner.proto, protocol)
        expect("inner TTL", inner.ttl, ttl or self.hop_ttl)
        expect("inner TOS", inner.tos, 0)
        expect("inner MF", bool(inner.flags.MF), False)
        expect("inner fragment offset", inner.frag, 0)
        expect("inner header checksum valid", header_checksum_ok(inner), True)

    def echo_answer(self, seq, payload, source=None, ttl=None):
        """A check of the echo reply to the node's echo request SEQ carrying PAYLOAD."""
        def check(inner):
            expect = self.expect
            self.inner(inner, 1, source, ttl)
            icmp = inner[ICMP]
            expect("ICMP type", icmp.type, 0)
            expect("ICMP code", icmp.code, 0)
            expect("ICMP identifier", icmp.id, self.icmp_id)
            expect("ICMP sequence", icmp.seq, seq)
            expect("ICMP checksum valid", checksum(raw(icmp)), 0)
            expect("ICMP payload", raw(icmp.payload), payload)
            expect("inner total length", inner.len, 20 + 8 + len(payload))
        return check

    def udp_answer(self, source_port, payload):
        """A check of the echo of the node's datagram from SOURCE_PORT carrying PAYLOAD."""
        def check(inner):
            expect = self.expect
            self.inner(inner, 17)
            udp = inner[UDP]
            expect("UDP source port", udp.sport, self.port)
            expect("UDP destination port", udp.dport, source_port)
            expect("UDP length", udp.len, 8 + len(payload))
            expect("UDP checksum present", udp.chksum != 0, True)
            expect("UDP checksum valid", in4_chksum(17, inner, raw(udp)), 0)
            expect("UDP payload", raw(udp.payload), payload)
            expect("inner total length", inner.len, 20 + 8 + len(payload))
        return check
