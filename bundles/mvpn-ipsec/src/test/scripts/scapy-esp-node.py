#!/usr/bin/python3
"""A mobile node's side of a manually keyed ESP tunnel (RFC 4303 tunnel mode, AES-GCM-16 of
RFC 4106, plain IP protocol 50), made with scapy's own ESP (independent of mvpn), for a real kernel:
talks to a host at home through the gateway and decrypts the gateway's answers with the other SA,
checking the outer header, the ESP header (SPI, sequence numbers 1, 2, ...) and trailer, and every
field of the inner datagram. Then it attacks: the last packet sent again, one with a ciphertext byte
flipped, one with another SPI; none may be answered. Last, one more echo with the sequence number
the refused packets used shows that they moved nothing.

usage: scapy-esp-node.py COA GATEWAY HOME PEER SPI_TO_GATEWAY KEY_TO_GATEWAY SPI_FROM_GATEWAY
       KEY_FROM_GATEWAY PINGS UDPS PORT

Keys are hex: the AES key followed by the 4-byte salt (RFC 4106 §8.1). Prints one line of
space-separated key=value fields per checked exchange or attack, then a "done" line; exits 1 at the
first field that is not as expected, or when the gateway answers what it must refuse.
"""
import logging
import os
import socket
import struct
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
# The checks of what the site's host answers, shared with mvpn-homeagent's scapy nodes; no
# __pycache__ written into the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../../../mvpn-homeagent/src/test/scripts"))
from answer_checks import AnswerChecks  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from scapy.layers.inet import ICMP, IP, UDP  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.packet import Raw, raw  # noqa: E402

(coa, gateway, home, peer, spi_to, key_to, spi_from, key_from, pings, udps, port) = sys.argv[1:12]
spi_to, spi_from = int(spi_to, 0), int(spi_from, 0)
key_from_material = bytes.fromhex(key_from)
pings, udps, port = int(pings), int(udps), int(port)
GATEWAY_TTL = 64  # the gateway's outer TTL
HOP_TTL = 63  # the site's kernel sends with 64; the gateway's inside VRF forwards once
ICMP_ID = 0x4553
IV = 8
QUIET = 1.0  # seconds an attack is given to provoke an answer it must not get

# The appliance's manually keyed SAs run 64-bit sequence numbers (RFC 4303 §2.2.1); their high
# half, 0 here, is in GCM's additional authenticated data (RFC 4106 §5), never on the wire.
to_gateway = SecurityAssociation(
    ESP, spi=spi_to, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(key_to),
    tunnel_header=IP(src=coa, dst=gateway), esn_en=True, esn=0)
from_gateway = SecurityAssociation(
    ESP, spi=spi_from, crypt_algo="AES-GCM", crypt_key=key_from_material,
    tunnel_header=IP(src=gateway, dst=coa), esn_en=True, esn=0)

# Opened first: nothing the gateway sends may go unseen.
esp_in = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
esp_out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)

checks = AnswerChecks("esp", home, peer, port, ICMP_ID, HOP_TTL)
fail, expect = checks.fail, checks.expect


def receive(timeout):
    """The next ESP packet from the gateway as scapy parses it; None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        esp_in.settimeout(left)
        try:
            got = IP(esp_in.recv(65535))
        except socket.timeout:
            return None
        if got.dst == coa:
            return got


def send(wire):
    esp_out.sendto(wire, (gateway, 0))


answers = 0  # ESP packets the gateway sent us, each checked


def open_answer(got):
    """Checks the outer header and ESP of the gateway's packet; its inner datagram."""
    global answers
    answers += 1
    esp = got[ESP]
    checks.outer(got, gateway, coa, 50, GATEWAY_TTL, 20 + len(raw(esp)))
    expect("ESP SPI", esp.spi, spi_from)
    expect("ESP sequence number", esp.seq, answers)
    inner = from_gateway.decrypt(IP(raw(got)))
    if not isinstance(inner, IP):
        inner = IP(raw(inner))
    # The trailer (RFC 4303 §2.4-2.6), which scapy's SA strips without showing it intact.
    plain = plaintext_of(raw(esp))
    pad_length = plain[-2]
    expect("ESP next header", plain[-1], 4)
    expect("ESP padding", plain[-2 - pad_length:-2], bytes(range(1, pad_length + 1)))
    expect("ESP payload aligned to 4 bytes", (IV + len(plain)) % 4, 0)
    expect("ESP payload before the padding", plain[:-2 - pad_length], raw(inner))
    return esp.seq, inner


def plaintext_of(esp):
    """The plaintext of an ESP packet from the gateway, opened by hand with RFC 4106's nonce (salt,
    then the IV on the wire) and AAD (SPI, the sequence number's high and low halves)."""
    spi, seq = struct.unpack("!II", esp[:8])
    nonce = key_from_material[-4:] + esp[8:8 + IV]
    aad = struct.pack("!III", spi, 0, seq)
    return AESGCM(key_from_material[:-4]).decrypt(nonce, esp[8 + IV:], aad)


def sealed(inner, seq=None):
    """Wire bytes of the inner datagram in tunnel-mode ESP toward the gateway."""
    packet = to_gateway.encrypt(IP(raw(inner)), seq_num=seq)
    return bytearray(raw(packet))


def exchange(kind, inner, check, seq=None):
    wire = sealed(inner, seq)
    sent_seq = struct.unpack("!I", wire[24:28])[0]
    send(bytes(wire))
    got = receive(5)
    if got is None:
        fail("no answer to %s esp-seq=%d" % (kind, sent_seq))
    answer_seq, answer = open_answer(got)
    check(answer)
    print("%s sent-spi=0x%08x sent-seq=%d answer-spi=0x%08x answer-seq=%d checked"
          % (kind, spi_to, sent_seq, spi_from, answer_seq), flush=True)
    return wire


def ping(seq, esp_seq=None):
    payload = ("esp echo %d" % seq).encode()
    inner = IP(src=home, dst=peer, ttl=64, id=seq) / ICMP(type=8, id=ICMP_ID, seq=seq) / payload
    return exchange("echo-%d" % seq, inner, checks.echo_answer(seq, payload), esp_seq)


def datagram(n):
    payload = ("esp udp %d" % n).encode()
    source_port = 40000 + n
    inner = IP(src=home, dst=peer, ttl=64, id=0x100 + n) / UDP(sport=source_port, dport=port) / Raw(
        payload)
    return exchange("udp-%d" % n, inner, checks.udp_answer(source_port, payload))


def unanswered(kind, wire):
    send(bytes(wire))
    got = receive(QUIET)
    if got is not None:
        fail("%s answered: %r" % (kind, got.summary()))
    print("%s spi=0x%08x seq=%d unanswered"
          % (kind, struct.unpack("!I", wire[20:24])[0], struct.unpack("!I", wire[24:28])[0]),
          flush=True)


last = None
for seq in range(1, pings + 1):
    last = ping(seq)
for n in range(1, udps + 1):
    last = datagram(n)

unanswered("replayed", last)
fresh = to_gateway.seq_num  # not used yet: the refused packets must leave it unused
tampered = sealed(IP(src=home, dst=peer) / ICMP(type=8, id=ICMP_ID, seq=99), fresh)
tampered[20 + 8 + 8 + 4] ^= 0x01  # a byte of ciphertext, after SPI, sequence number and IV
unanswered("tampered", tampered)
other_spi = sealed(IP(src=home, dst=peer) / ICMP(type=8, id=ICMP_ID, seq=98), fresh)
other_spi[20:24] = struct.pack("!I", spi_to ^ 0x00010000)
unanswered("unknown-spi", other_spi)
ping(pings + 1, fresh)

print("done sent=%d answered=%d refused=3" % (pings + udps + 1, answers), flush=True)
