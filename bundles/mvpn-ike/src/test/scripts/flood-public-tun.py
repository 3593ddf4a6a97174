#!/usr/bin/python3
"""Bad input for the appliance's public interface, written into the TUN device from the kernel's
side with an AF_PACKET socket, which sends the bytes as they are (a raw IP socket would mend the
header checksum and the total length). One kind of bad packet per run, from a fixed seed, so every
run sends the same bytes; prints how many packets of each kind it sent, as "sent KIND COUNT" lines
(the random kind also says how many of its packets are not IPv4 at all).

usage: flood-public-tun.py DEVICE KIND COUNT SEED SOURCE APPLIANCE HOME_AGENT GATEWAY

KIND is one of: random, short, bad-header-checksum, bad-total-length, bad-ihl, bad-options,
bad-udp-checksum, bad-icmp-checksum, unknown-protocol, fragments, mip-garbage, ike-garbage,
esp-garbage. SOURCE is this namespace's address on the link; APPLIANCE the public interface's
address; HOME_AGENT a tenant home agent's (UDP 434); GATEWAY a security gateway's (UDP 500, 4500).
"""
import random
import socket
import struct
import sys

ETH_P_IP = 0x0800
MIP_PORT, IKE_PORT, NAT_T_PORT = 434, 500, 4500
TUNNEL_DATA = 4  # RFC 3519 tunnel data: a different path, left out of the registration garbage


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def header(src, dst, protocol, payload_length, ident, options=b"", flags_fragment=0, ihl=None):
    words = ihl if ihl is not None else 5 + len(options) // 4
    h = struct.pack(
        "!BBHHHBBH4s4s",
        0x40 | words,
        0,
        20 + len(options) + payload_length,
        ident & 0xFFFF,
        flags_fragment,
        64,
        protocol,
        0,
        socket.inet_aton(src),
        socket.inet_aton(dst),
    ) + options
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def udp(src, dst, sport, dport, payload, good_checksum=True):
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    segment = struct.pack("!HHHH", sport, dport, length, 0) + payload
    c = checksum(pseudo + segment) or 0xFFFF
    if not good_checksum:
        c = (c + 1) & 0xFFFF or 1  # never 0, which would mean "no checksum"
    return segment[:6] + struct.pack("!H", c) + segment[8:]


def garbage(rng, low, high):
    return rng.randbytes(rng.randint(low, high))


class Flood:
    def __init__(self, rng, src, appliance, home_agent, gateway):
        self.rng = rng
        self.src = src
        self.appliance = appliance
        self.home_agent = home_agent
        self.gateway = gateway
        self.ident = 0

    def next_ident(self):
        self.ident += 1
        return self.ident

    def ip(self, dst, protocol, payload, **kw):
        return header(self.src, dst, protocol, len(payload), self.next_ident(), **kw) + payload

    def udp_to(self, dst, port, payload, good_checksum=True):
        sport = self.rng.randint(1024, 65535)
        return self.ip(dst, 17, udp(self.src, dst, sport, port, payload, good_checksum))

    def random(self):
        p = bytearray(garbage(self.rng, 1, 1400))
        # Left random, an IPv4-looking header could carry a right checksum by chance: never.
        if p[0] >> 4 == 4 and len(p) >= 20 and (p[0] & 0xF) >= 5 and (p[0] & 0xF) * 4 <= len(p):
            if checksum(bytes(p[: (p[0] & 0xF) * 4])) == 0:
                p[10] ^= 0xFF
        return bytes(p)

    def short(self):
        whole = self.udp_to(self.appliance, 9, garbage(self.rng, 8, 1000))
        return whole[: self.rng.randint(1, len(whole) - 1)]

    def bad_header_checksum(self):
        p = bytearray(self.udp_to(self.appliance, 9, garbage(self.rng, 0, 200)))
        p[10] ^= 1 << self.rng.randint(0, 7)
        return bytes(p)

    def bad_total_length(self):
        p = bytearray(self.udp_to(self.appliance, 9, garbage(self.rng, 0, 200)))
        p[2:4] = struct.pack("!H", self.rng.randint(0, 19))  # below the header's own length
        p[10:12] = b"\0\0"
        p[10:12] = struct.pack("!H", checksum(bytes(p[:20])))
        return bytes(p)

    def bad_ihl(self):
        payload = garbage(self.rng, 0, 200)
        return self.ip(self.appliance, 17, payload, ihl=self.rng.randint(0, 4))

    def bad_options(self):
        # An option without its length byte, or whose length is below 2 or runs past the header.
        options = bytearray(garbage(self.rng, 4, 4) * self.rng.randint(1, 10))
        at = self.rng.randrange(0, len(options))
        options[:at] = b"\1" * at  # no-operation options up to the broken one
        options[at] = self.rng.randint(2, 255)
        if at + 1 < len(options):
            past = len(options) - at + 1 + self.rng.randint(0, 40)
            options[at + 1] = self.rng.choice([0, 1, min(past, 255)])
        segment = udp(self.src, self.appliance, 40000, 9, garbage(self.rng, 0, 100))
        return self.ip(self.appliance, 17, segment, options=bytes(options))

    def bad_udp_checksum(self):
        return self.udp_to(self.home_agent, MIP_PORT, garbage(self.rng, 0, 200), False)

    def bad_icmp_checksum(self):
        body = struct.pack("!BBHHH", 8, 0, 0, 0x4D56, self.ident & 0xFFFF) + garbage(self.rng, 0, 64)
        c = (checksum(body) + 1) & 0xFFFF
        return self.ip(self.appliance, 1, body[:2] + struct.pack("!H", c) + body[4:])

    def unknown_protocol(self):
        return self.ip(self.appliance, self.rng.randint(143, 252), garbage(self.rng, 0, 200))

    def fragments(self):
        # Pieces of datagrams that never complete: first ones, middle ones, last ones.
        blocks = self.rng.randint(1, 100)
        payload = garbage(self.rng, blocks * 8, blocks * 8)
        offset = self.rng.choice([0, self.rng.randint(1, 1000)])
        more = 0x2000 if offset == 0 or self.rng.random() < 0.5 else 0
        return self.ip(self.appliance, 17, payload, flags_fragment=more | offset)

    def mip_garbage(self):
        payload = bytearray(garbage(self.rng, 1, 300))
        if payload[0] == TUNNEL_DATA:
            payload[0] = 1  # a registration request's type: parsed, found malformed, denied
        return self.udp_to(self.home_agent, MIP_PORT, bytes(payload))

    def ike_garbage(self):
        return self.udp_to(self.gateway, IKE_PORT, garbage(self.rng, 1, 600))

    def esp_garbage(self):
        payload = bytearray(garbage(self.rng, 8, 600))
        if payload[:4] == b"\0\0\0\0":
            payload[0] = 1  # four zero bytes would be the non-ESP marker of IKE
        return self.udp_to(self.gateway, NAT_T_PORT, bytes(payload))


def main():
    device, kind, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    src, appliance, home_agent, gateway = sys.argv[5:9]
    flood = Flood(random.Random(seed), src, appliance, home_agent, gateway)
    make = getattr(flood, kind.replace("-", "_"))
    packets = [make() for _ in range(count)]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    s.bind((device, ETH_P_IP))
    for p in packets:
        s.send(p)
    s.close()
    print("sent %s %d" % (kind, len(packets)))
    if kind == "random":
        print("sent random-not-ipv4 %d" % sum(1 for p in packets if p[0] >> 4 != 4))


main()
