#!/usr/bin/python3
"""A mobile node made with scapy's mobileip layer (an implementation independent of mvpn):
sends one authenticated registration request over UDP and prints the reply as scapy parses it.

usage: scapy-register.py HOST PORT SPI HEXKEY HOME HA COA IDENTIFICATION
"""
import hashlib
import hmac
import logging
import socket
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.mobileip import MobileIP, MobileIPRRQ, MobileIPRRP  # noqa: E402
from scapy.packet import raw  # noqa: E402

host, port, spi, key, home, ha, coa, ident = sys.argv[1:9]
request = MobileIP(type=1) / MobileIPRRQ(
    flags=0x22, lifetime=300, homeaddr=home, haaddr=ha, coaddr=coa, id=int(ident))
# MN-HA authentication extension (RFC 5944 §3.5.1): type 32, length 20, SPI, HMAC-MD5 over the
# message and the extension's type, length and SPI.
covered = raw(request) + bytes([32, 20]) + struct.pack("!I", int(spi))
authenticator = hmac.new(bytes.fromhex(key), covered, hashlib.md5).digest()
message = covered + authenticator

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(message, (host, int(port)))
data, _ = s.recvfrom(2048)
reply = MobileIP(data)
rrp = reply[MobileIPRRP]
print("type=%d code=%d lifetime=%d home=%s ha=%s id=%d ext=%s" % (
    reply.type, rrp.code, rrp.lifetime, rrp.homeaddr, rrp.haaddr, rrp.id,
    bytes(rrp.payload)[:2].hex()))
