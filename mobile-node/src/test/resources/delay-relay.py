"""A link with a fixed one-way delay, for namespace tests on a kernel without netem.

Bridges two Ethernet devices (the ends of two veth pairs, say) in userspace: every frame that
arrives on one leaves by the other DELAY_MS later, in order. Each direction is a bounded FIFO
(a fixed delay keeps arrival order); frames beyond QUEUE_LIMIT waiting, or too big for the
device, are dropped and counted. Wall clock: this is a test fixture, not protocol code.

The delay counts from the kernel's receive timestamp of each frame (SO_TIMESTAMPNS), not from
when the relay got round to reading it, and the last millisecond before a frame is due is slept
with nanosleep rather than poll's whole milliseconds: each crossing is the delay within about a
tenth of a millisecond, on a host that is busy too.

    delay-relay.py DEV_A DEV_B DELAY_MS [QUEUE_LIMIT] [READY_FILE]

On SIGTERM it prints what it moved and dropped, one line per direction, and exits 0.
"""
import array
import collections
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4  # our own transmissions, seen again by the socket on that device
SOL_PACKET = 263  # <linux/socket.h>; the socket module does not name it
PACKET_AUXDATA = 8
TP_STATUS_CSUMNOTREADY = 1 << 3  # checksum offloaded: the sender's kernel left it to the NIC
SO_TIMESTAMPNS = 35  # <asm-generic/socket.h>; also the control message's type
ANCILLARY_SPACE = socket.CMSG_SPACE(20) + socket.CMSG_SPACE(16)  # tpacket_auxdata, timespec
PRECISE_WAIT = 0.0015  # within this of a frame's time, sleep to it rather than poll


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(array.array("H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def finish_checksum(frame):
    """Computes the TCP or UDP checksum a veth left to hardware: a relay is that hardware here."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return frame
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack_from("!H", frame, 16)[0]
    protocol = frame[23]
    offsets = {6: 16, 17: 6}
    if protocol not in offsets or struct.unpack_from("!H", frame, 20)[0] & 0x3FFF:
        return frame  # neither TCP nor UDP, or a fragment
    start, end = 14 + ihl, 14 + total
    segment = bytearray(frame[start:end])
    at = offsets[protocol]
    segment[at:at + 2] = b"\0\0"
    pseudo = frame[26:34] + struct.pack("!BBH", 0, protocol, len(segment))
    value = checksum(pseudo + bytes(segment))
    if protocol == 17 and value == 0:
        value = 0xFFFF
    struct.pack_into("=H", segment, at, value)  # summed in host order: stored the same way
    return frame[:start] + bytes(segment) + frame[end:]


def open_device(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setblocking(False)
    return s


def main():
    dev_a, dev_b, delay_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 4096
    delay = delay_ms / 1000.0
    sockets = {dev_a: open_device(dev_a), dev_b: open_device(dev_b)}
    other = {dev_a: dev_b, dev_b: dev_a}
    queues = {dev_a: collections.deque(), dev_b: collections.deque()}  # frames to send on key
    moved = {dev_a: 0, dev_b: 0}
    dropped = {dev_a: 0, dev_b: 0}
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    if len(sys.argv) > 5:
        open(sys.argv[5], "w").close()
    by_fd = {s.fileno(): name for name, s in sockets.items()}
    poller = select.poll()
    for s in sockets.values():
        poller.register(s, select.POLLIN)
    while not stopping:
        now = time.time()
        due = [q[0][0] for q in queues.values() if q]
        wait = max(0.0, min(due) - now) if due else 0.1
        if wait <= PRECISE_WAIT:
            time.sleep(wait)  # frames arriving meanwhile keep their kernel timestamps
            timeout = 0
        else:
            timeout = int((wait - PRECISE_WAIT) * 1000)  # poll rounds up: wake before it
        try:
            events = poller.poll(timeout)
        except InterruptedError:
            continue
        for fd, _ in events:
            name = by_fd[fd]
            while True:
                try:
                    frame, ancillary, _, address = sockets[name].recvmsg(65535, ANCILLARY_SPACE)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING:
                    continue
                arrived = None
                for level, kind, data in ancillary:
                    if level == SOL_PACKET and kind == PACKET_AUXDATA:
                        if struct.unpack_from("I", data)[0] & TP_STATUS_CSUMNOTREADY:
                            frame = finish_checksum(frame)
                    elif level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        seconds, nanos = struct.unpack_from("qq", data)
                        arrived = seconds + nanos / 1e9
                out = other[name]
                if len(queues[out]) >= limit:
                    dropped[out] += 1
                else:
                    queues[out].append(((arrived or time.time()) + delay, frame))
        now = time.time()
        for name, queue in queues.items():
            while queue and queue[0][0] <= now:
                _, frame = queue.popleft()
                try:
                    sockets[name].send(frame)
                    moved[name] += 1
                except OSError:
                    dropped[name] += 1  # too big, or the device went down
    for name in (dev_a, dev_b):
        print("to %s: moved %d dropped %d" % (name, moved[name], dropped[name]), flush=True)


if __name__ == "__main__":
    main()
