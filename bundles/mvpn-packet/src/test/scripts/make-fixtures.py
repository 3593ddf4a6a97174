#!/usr/bin/python3
"""Writes the codec fixtures: datagrams built by scapy (an implementation independent of mvpn),
as .bin files plus a .properties sidecar with the field values scapy was given.

Run from this folder with Debian's python3-scapy:  /usr/bin/python3 make-fixtures.py
The outputs are committed; the tests do not need scapy.
"""
import os
from scapy.all import IP, UDP, TCP, ICMP, IPOption_RR, IPOption_NOP, IPOption_EOL, Raw, fragment, raw
from scapy.layers.inet import ICMPerror, UDPerror, IPerror

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")


def write(name, packet, **fields):
    data = raw(packet)
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(data)
    with open(os.path.join(OUT, name + ".properties"), "w") as f:
        f.write("# scapy %s\n" % name)
        f.write("length = %d\n" % len(data))
        for k, v in sorted(fields.items()):
            f.write("%s = %s\n" % (k, v))


os.makedirs(OUT, exist_ok=True)

write("udp",
      IP(src="10.1.12.1", dst="10.1.23.3", ttl=64, id=4242, flags="DF", tos=0x10)
      / UDP(sport=40000, dport=434) / Raw(b"registration request"),
      src="10.1.12.1", dst="10.1.23.3", ttl=64, id=4242, df=True, tos=16, protocol=17,
      sport=40000, dport=434, payload="registration request")

write("ip-options-udp",
      IP(src="198.51.100.10", dst="203.0.113.7", ttl=17, id=7,
         options=[IPOption_NOP(), IPOption_RR(routers=["198.51.100.1"])])
      / UDP(sport=53, dport=5353) / Raw(b"x"),
      src="198.51.100.10", dst="203.0.113.7", ttl=17, id=7, df=False, tos=0, protocol=17,
      sport=53, dport=5353, payload="x")

write("icmp-echo-request",
      IP(src="10.1.12.1", dst="10.1.23.3", ttl=64, id=1)
      / ICMP(type=8, id=0x1234, seq=5) / Raw(bytes(range(32))),
      src="10.1.12.1", dst="10.1.23.3", ttl=64, id=1, df=False, tos=0, protocol=1,
      icmp_type=8, icmp_code=0, icmp_id=0x1234, icmp_seq=5, data_length=32)

write("icmp-echo-reply",
      IP(src="10.1.23.3", dst="10.1.12.1", ttl=64, id=2)
      / ICMP(type=0, id=0x1234, seq=5) / Raw(bytes(range(32))),
      src="10.1.23.3", dst="10.1.12.1", ttl=64, id=2, df=False, tos=0, protocol=1,
      icmp_type=0, icmp_code=0, icmp_id=0x1234, icmp_seq=5, data_length=32)

offending = IP(src="10.1.12.1", dst="10.1.23.3", ttl=64, id=99) / UDP(sport=5000, dport=9) / Raw(b"abcdefgh12345678")
write("icmp-port-unreachable",
      IP(src="10.1.23.3", dst="10.1.12.1", ttl=64, id=3)
      / ICMP(type=3, code=3) / raw(offending)[:28],
      src="10.1.23.3", dst="10.1.12.1", ttl=64, id=3, df=False, tos=0, protocol=1,
      icmp_type=3, icmp_code=3, quoted_source="10.1.12.1", quoted_destination="10.1.23.3")

write("icmp-time-exceeded",
      IP(src="10.1.12.2", dst="10.1.12.1", ttl=64, id=4)
      / ICMP(type=11, code=0) / raw(offending)[:28],
      src="10.1.12.2", dst="10.1.12.1", ttl=64, id=4, df=False, tos=0, protocol=1,
      icmp_type=11, icmp_code=0, quoted_source="10.1.12.1", quoted_destination="10.1.23.3")

# An agent advertisement's shape: two router entries, then an opaque extension (type 16, RFC 5944).
extension = bytes([16, 6, 0, 1, 0x00, 0x02, 0x80, 0x00])
# scapy 2.5 has no RFC 1256 fields: the 4 bytes after the checksum (entries, entry size,
# lifetime) go in "unused"; the entries and the extension follow as data.
entries = bytes([203, 0, 113, 1, 0, 0, 0, 10]) + bytes([203, 0, 113, 2, 0xFF, 0xFF, 0xFF, 0xFF])
pkt = IP(src="203.0.113.1", dst="224.0.0.1", ttl=1, id=5) \
    / ICMP(type=9, code=0, unused=(2 << 24) | (2 << 16) | 1800) \
    / Raw(entries + extension)
write("icmp-router-advertisement", pkt,
      src="203.0.113.1", dst="224.0.0.1", ttl=1, id=5, df=False, tos=0, protocol=1,
      icmp_type=9, icmp_code=0, lifetime=1800, entries=2,
      entry0="203.0.113.1/10", entry1="203.0.113.2/-1", extension_length=len(extension))

write("icmp-router-solicitation",
      IP(src="203.0.113.50", dst="255.255.255.255", ttl=1, id=6) / ICMP(type=10),
      src="203.0.113.50", dst="255.255.255.255", ttl=1, id=6, df=False, tos=0, protocol=1,
      icmp_type=10, icmp_code=0)

inner = IP(src="10.1.0.5", dst="10.1.0.9", ttl=63, id=11, tos=0x28, flags="DF") / UDP(sport=1, dport=2) / Raw(b"inner")
write("ipip",
      IP(src="198.51.100.10", dst="203.0.113.20", ttl=64, id=12, tos=0x28, flags="DF", proto=4) / inner,
      src="198.51.100.10", dst="203.0.113.20", ttl=64, id=12, df=True, tos=0x28, protocol=4,
      inner_src="10.1.0.5", inner_dst="10.1.0.9", inner_ttl=63)

whole = IP(src="10.1.12.1", dst="10.1.23.3", ttl=64, id=777) / UDP(sport=7000, dport=7) / Raw(bytes(range(256)) * 4)
write("fragmented-whole", whole, src="10.1.12.1", dst="10.1.23.3", ttl=64, id=777, df=False,
      tos=0, protocol=17, sport=7000, dport=7)
for i, frag in enumerate(fragment(whole, fragsize=400)):
    write("fragmented-part%d" % i, frag, src="10.1.12.1", dst="10.1.23.3", ttl=64, id=777,
          df=False, tos=0, protocol=17)

# TCP (RFC 9293): a SYN with the options Linux sends, and a data segment after it.
write("tcp-syn",
      IP(src="10.1.0.5", dst="198.51.100.80", ttl=64, id=21, flags="DF")
      / TCP(sport=43512, dport=8080, seq=3735928559, ack=0, flags="S", window=64240,
            options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (123456, 0)), ("NOP", None),
                     ("WScale", 7)]),
      src="10.1.0.5", dst="198.51.100.80", ttl=64, id=21, df=True, tos=0, protocol=6,
      sport=43512, dport=8080, seq=3735928559, ack=0, flags=2, window=64240, header_length=40,
      mss=1460)
write("tcp-data",
      IP(src="198.51.100.80", dst="10.1.0.5", ttl=63, id=22, flags="DF")
      / TCP(sport=8080, dport=43512, seq=1000, ack=3735928560, flags="PA", window=502)
      / Raw(b"HTTP/1.1 200 OK\r\n\r\n"),
      src="198.51.100.80", dst="10.1.0.5", ttl=63, id=22, df=True, tos=0, protocol=6,
      sport=8080, dport=43512, seq=1000, ack=3735928560, flags=24, window=502, header_length=20,
      payload="HTTP/1.1 200 OK")
