#!/usr/bin/python3
"""A UDP echo server for a real host in a tenant's site: prints "ready" once bound, then one line
per datagram (sender and payload) as it echoes it; exits after COUNT datagrams or IDLE seconds.

usage: udp-echo.py ADDRESS PORT COUNT IDLE
"""
import socket
import sys

address, port, count, idle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((address, port))
s.settimeout(idle)
print("ready", flush=True)
for _ in range(count):
    try:
        data, sender = s.recvfrom(2048)
    except socket.timeout:
        break
    print("from %s:%d %s" % (sender[0], sender[1], data.decode("ascii", "replace")), flush=True)
    s.sendto(data, sender)
