"""One end of a numbered UDP stream both ways, for handover measurements.

    udp-stream.py LOCAL PEER PORT INTERVAL_MS DURATION_S RESULT_FILE [READY_FILE GO_FILE]

Binds LOCAL:PORT and, for DURATION_S seconds, sends PEER:PORT a 64-byte datagram every INTERVAL_MS
(the magic "MVHO", then its number, counting every attempt from 0), while it receives the peer's.
A process that falls behind its schedule (a busy host) starts the schedule again rather than
sending a burst, which would look like traffic the network had held back. With READY_FILE and
GO_FILE it creates the first once bound and waits (at most 30 s) for the second before it sends,
so that two ends started one after the other are both listening before either sends. Two seconds
after the last send (time for the peer's last datagrams, sent a little later) it writes, to
RESULT_FILE, one line:

    sent N failed F received R duplicates D foreign X

sent: datagrams the kernel took; failed: attempts it refused; received: distinct numbers from the
peer; foreign: datagrams without the magic. Wall clock: this is a test fixture.
"""
import os
import select
import socket
import struct
import sys
import time

MAGIC = b"MVHO"
SIZE = 64


def main():
    local, peer, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    interval = float(sys.argv[4]) / 1000.0
    duration = float(sys.argv[5])
    result = sys.argv[6]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((local, port))
    s.setblocking(False)
    if len(sys.argv) > 8:
        open(sys.argv[7], "w").close()
        waited = time.monotonic()
        while not os.path.exists(sys.argv[8]):
            if time.monotonic() - waited > 30:
                sys.exit("no go file within 30 s")
            time.sleep(0.001)
    sent = failed = duplicates = foreign = 0
    seen = set()
    start = time.monotonic()
    next_send, stop_sending = start, start + duration
    end = stop_sending + 2.0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now < stop_sending and now >= next_send:
            datagram = MAGIC + struct.pack("!I", sent + failed)
            try:
                s.sendto(datagram + bytes(SIZE - len(datagram)), (peer, port))
                sent += 1
            except OSError:
                failed += 1
            next_send += interval
            if next_send < now:
                next_send = now + interval
        until = next_send if now < stop_sending else end
        readable, _, _ = select.select([s], [], [], max(0.0, min(until, end) - time.monotonic()))
        while readable:
            try:
                data = s.recv(2048)
            except BlockingIOError:
                break
            if len(data) < 8 or data[:4] != MAGIC:
                foreign += 1
                continue
            number = struct.unpack_from("!I", data, 4)[0]
            if number in seen:
                duplicates += 1
            else:
                seen.add(number)
    with open(result + ".new", "w") as out:
        out.write(
            "sent %d failed %d received %d duplicates %d foreign %d\n"
            % (sent, failed, len(seen), duplicates, foreign)
        )
    os.replace(result + ".new", result)


if __name__ == "__main__":
    main()
