#!/usr/bin/python3
"""A mobile node with a co-located care-of address, made with scapy (independent of mvpn), for a
real kernel: registers with its home agent over UDP, then talks to a host at home through its
tunnel, checking every field of the home agent's answers. MODE ipip: IP in IP (RFC 2003) over raw
sockets. MODE udp: behind a NAT, with the UDP Tunnel Request (RFC 3519): tunnel data on the
registration's socket, and keepalives (echo requests to the home agent) before and after.

usage: scapy-mobile-node.py MODE TAG COA HA HOME PEER SPI ALGORITHM HEXKEY IDENTIFICATION PINGS
       UDPS PORT

IDENTIFICATION gives the identification's low 32 bits; the high 32 bits are the NTP seconds at the
moment the request leaves (RFC 5944 §5.7 timestamps), not when the caller started this script:
on a busy host scapy's start-up alone can outlast the home agent's replay tolerance.

Prints one line per checked exchange; exits 1 at the first field that is not as expected, or when
anything else arrives for this node.
"""
import hashlib
import hmac
import logging
import socket
import struct
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import ICMP, IP, UDP, in4_chksum  # noqa: E402
from scapy.layers.mobileip import MobileIP, MobileIPRRP, MobileIPRRQ  # noqa: E402
from scapy.packet import Raw, raw  # noqa: E402
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from answer_checks import AnswerChecks  # noqa: E402

(mode, tag, coa, ha, home, peer, spi, algorithm, key, ident, pings, udps, port) = sys.argv[1:14]
spi, ident, pings, udps, port = int(spi), int(ident), int(pings), int(udps), int(port)
key = bytes.fromhex(key)
digest = {"hmac-md5": hashlib.md5, "hmac-sha256": hashlib.sha256}[algorithm]
TUNNEL_TTL = 64  # the home agent's outer TTL, and the TTL of what it sends itself
HOP_TTL = 63  # the site's kernel sends with 64; the tenant VRF forwards once
ICMP_ID = 0x4D00 | (sum(tag.encode()) & 0xFF)


checks = AnswerChecks(tag, home, peer, port, ICMP_ID, HOP_TTL)
fail, expect = checks.fail, checks.expect


def authenticator(covered):
    return hmac.new(key, covered, digest).digest()


# ---- registration (RFC 5944 §3.3, §3.4; RFC 3519 §3.1, §3.2) --------------------------------
# Opened first: nothing tunnelled to this care-of address may go unseen.
if mode == "ipip":
    tunnel_in = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
    tunnel_out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
else:
    # Copies of the UDP datagrams the kernel delivers, headers and all, as the NAT left them.
    udp_in = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    udp_in.settimeout(2)

NTP_UNIX_OFFSET = 2208988800
ident = ((int(time.time()) + NTP_UNIX_OFFSET) << 32) | (ident & 0xFFFFFFFF)
request = MobileIP(type=1) / MobileIPRRQ(
    flags=0x22, lifetime=300, homeaddr=home, haaddr=ha, coaddr=coa, id=ident)
auth_len = digest().digest_size
# UDP Tunnel Request: sub-type 0, reserved, flags (F clear: the NAT is to be found), IP in UDP.
tunnel_request = bytes([144, 6, 0, 0, 0, 4, 0, 0]) if mode == "udp" else b""
covered = raw(request) + tunnel_request + bytes([32, 4 + auth_len]) + struct.pack("!I", spi)
registration = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
registration.bind((coa, 0))
registration.settimeout(5)
registration.sendto(covered + authenticator(covered), (ha, 434))
data, sender = registration.recvfrom(2048)
expect("reply sender", sender, (ha, 434))
reply = MobileIP(data)
rrp = reply[MobileIPRRP]
expect("reply type", reply.type, 3)
expect("reply code", rrp.code, 0)
expect("reply lifetime", rrp.lifetime, 300)
expect("reply home address", rrp.homeaddr, home)
expect("reply home agent", rrp.haaddr, ha)
expect("reply identification", rrp.id, ident)
auth = 20
if mode == "udp":
    # UDP Tunnel Reply before the MN-HA extension: sub-type 0, code 0 (accepted), F and reserved
    # clear, keepalive interval 110 s (RFC 3519's default).
    expect("tunnel reply", data[20:28].hex(), bytes([44, 6, 0, 0, 0, 0, 0, 110]).hex())
    auth = 28
expect("reply length", len(data), auth + 2 + 4 + auth_len)
expect("reply extension type", data[auth], 32)
expect("reply extension length", data[auth + 1], 4 + auth_len)
expect("reply SPI", struct.unpack("!I", data[auth + 2:auth + 6])[0], spi)
expect("reply authenticator", data[auth + 6:], authenticator(data[:auth + 6]))
print("registered %s code=0 lifetime=300 home=%s ha=%s coa=%s" % (tag, home, ha, coa), flush=True)


# ---- IP in IP both ways (RFC 2003, RFC 3024) --------------------------------------------------
def check_outer(outer, inner):
    checks.outer(outer, ha, coa, 4, TUNNEL_TTL, 20 + inner.len)
    expect("outer TOS (copied from inner)", outer.tos, inner.tos)
    expect("outer DF (copied from inner)", bool(outer.flags.DF), bool(inner.flags.DF))


last_outer_id = None


def check_udp_outer(payload):
    """The IP and UDP headers of tunnel data from the home agent, found among the raw copies."""
    while True:
        try:
            got = IP(udp_in.recv(65535))
        except socket.timeout:
            fail("no raw copy of tunnel data")
        if got.src == ha and UDP in got and raw(got[UDP].payload) == payload:
            break
    # To the care-of address: the NAT undid its mapping, and forwarded it once.
    checks.outer(got, ha, coa, 17, TUNNEL_TTL - 1, 20 + 8 + len(payload))
    expect("outer TOS", got.tos, 0)
    udp = got[UDP]
    expect("UDP source port", udp.sport, 434)
    expect("UDP destination port", udp.dport, registration.getsockname()[1])
    expect("UDP length", udp.len, 8 + len(payload))
    expect("UDP checksum present", udp.chksum != 0, True)
    expect("UDP checksum valid", in4_chksum(17, got, raw(udp)), 0)


def receive(deadline):
    """The next datagram for this node: (outer IP or None in UDP, inner IP); None at the deadline."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        if mode == "udp":
            registration.settimeout(left)
            try:
                data, sender = registration.recvfrom(65535)
            except socket.timeout:
                continue
            expect("tunnel data sender", sender, (ha, 434))
            # RFC 3519 §3.3: type 4, next header 4 (IPv4), reserved 0.
            expect("tunnel data header", data[:4].hex(), bytes([4, 4, 0, 0]).hex())
            check_udp_outer(data)
            return None, IP(data[4:])
        tunnel_in.settimeout(left)
        try:
            data = tunnel_in.recv(65535)
        except socket.timeout:
            continue
        got = IP(data)
        if got.dst != coa:
            continue  # the other node's, on the same kernel
        if got.proto != 4:
            fail("not IP in IP: %r" % got.summary())
        inner = got.payload
        if not isinstance(inner, IP):
            inner = IP(raw(inner))
        return got, inner


def exchange(inner_request, check_answer):
    """Sends one tunnelled datagram and waits for its tunnelled answer."""
    global last_outer_id
    if mode == "udp":
        registration.sendto(bytes([4, 4, 0, 0]) + raw(inner_request), (ha, 434))
    else:
        outer = IP(src=coa, dst=ha, proto=4, ttl=64, id=0x1000 | (ICMP_ID & 0xFF)) / inner_request
        tunnel_out.sendto(raw(outer), (ha, 0))
    got = receive(time.monotonic() + 5)
    if got is None:
        fail("no tunnelled answer to %r" % inner_request.summary())
    outer, inner = got
    if outer is not None:
        check_outer(outer, inner)
        if last_outer_id is not None:
            # The public VRF numbers every datagram it originates (RFC 6864 §4.1: unique for
            # fragmentable ones), the other tenant's and its own UDP too: ours advance, never repeat.
            step = (outer.id - last_outer_id) & 0xFFFF
            if not 1 <= step < 0x8000:
                fail("outer identification %d does not advance from %d" % (outer.id, last_outer_id))
        last_outer_id = outer.id
    check_answer(inner)


def keepalive(seq):
    """RFC 3519 §4.10: an echo request to the home agent through the tunnel, answered by it."""
    payload = ("%s keepalive %d" % (tag, seq)).encode()
    inner = IP(src=home, dst=ha, ttl=64, id=0x200 + seq) / ICMP(id=ICMP_ID, seq=seq) / payload
    exchange(IP(raw(inner)), checks.echo_answer(seq, payload, ha, TUNNEL_TTL))
    print("keepalive %s %d answered by the home agent" % (tag, seq), flush=True)


if mode == "udp":
    keepalive(1)

for seq in range(1, pings + 1):
    payload = ("%s echo %d" % (tag, seq)).encode()
    inner = IP(src=home, dst=peer, ttl=64, id=seq) / ICMP(type=8, id=ICMP_ID, seq=seq) / payload
    exchange(IP(raw(inner)), checks.echo_answer(seq, payload))
    print("echo %s seq=%d answered through the tunnel" % (tag, seq), flush=True)

for n in range(1, udps + 1):
    payload = ("%s udp %d" % (tag, n)).encode()
    source_port = 40000 + n
    inner = IP(src=home, dst=peer, ttl=64, id=0x100 + n) / UDP(
        sport=source_port, dport=port) / Raw(payload)
    exchange(IP(raw(inner)), checks.udp_answer(source_port, payload))
    print("udp %s %d answered through the tunnel" % (tag, n), flush=True)

if mode == "udp":
    keepalive(2)

print("done %s pings=%d udp=%d" % (tag, pings, udps), flush=True)
