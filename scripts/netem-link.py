#!/usr/bin/env python3
"""The link of scripts/netem.sh where the kernel has no sch_netem: a userspace netem between two TUN devices.

Usage (netem.sh starts it; it is not meant to be run by hand): netem-link.py NAME

Attaches to the persistent TUN device `link0` in namespaces NAME-a and NAME-b and carries IP packets between
them, per direction, as netem would: loss on entry, a queue of at most `limit` packets, serialisation at `rate`,
then `delay` ± `jitter` (uniform; jitter reorders, as netem's does). The shape is read from
/run/outpost-netem/NAME at start and again on SIGHUP; `cut=loss` drops everything that enters the link.
Exits when either device goes away (`netem.sh down`) or on SIGTERM.
"""

import ctypes
import errno
import fcntl
import heapq
import os
import random
import re
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
STATE_DIR = "/run/outpost-netem"
IFACE = "link0"
MAX_PACKET = 65536


def seconds(text):
    """'75ms' -> 0.075 (the units netem.sh accepts)."""
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(us|ms|s)", text)
    if not m:
        raise ValueError(f"bad time {text!r}")
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


def bits_per_second(text):
    """'5mbit' -> 5e6, 'none' -> 0 (unlimited)."""
    if text == "none":
        return 0.0
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(bit|kbit|mbit|gbit)", text)
    if not m:
        raise ValueError(f"bad rate {text!r}")
    return float(m.group(1)) * {"bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9}[m.group(2)]


def read_shape(name):
    values = {}
    with open(os.path.join(STATE_DIR, name)) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            values[key] = value
    return {
        "delay": seconds(values.get("delay", "0ms")),
        "jitter": seconds(values.get("jitter", "0ms")),
        "loss": float(values.get("loss", "0%").rstrip("%")) / 100,
        "rate": bits_per_second(values.get("rate", "none")),
        "limit": int(values.get("limit", "1000")),
        "cut": values.get("cut", "none") == "loss",
        "gen": values.get("gen", "0"),
    }


def acknowledge(name, shape):
    """Tells netem.sh which version of the state file is in force (it waits for this after set, cut, restore)."""
    path = os.path.join(STATE_DIR, f"{name}.applied")
    with open(path + ".tmp", "w") as f:
        f.write(shape["gen"] + "\n")
    os.replace(path + ".tmp", path)


def open_tun(namespace):
    """Enters `namespace` and attaches to its link0; the descriptor stays bound to that device afterwards."""
    libc = ctypes.CDLL(None, use_errno=True)
    ns = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(ns, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {namespace}: {os.strerror(err)}")
    finally:
        os.close(ns)
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", IFACE.encode(), IFF_TUN | IFF_NO_PI))
    return fd


class Direction:
    """One way of the link: the device packets come from, the one they go to, and its queue."""

    def __init__(self, src, dst):
        self.src = src
        self.dst = dst
        self.busy_until = 0.0  # when the last queued packet has been serialised
        self.queued = 0


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: netem-link.py NAME")
    name = sys.argv[1]
    shape = read_shape(name)
    a = open_tun(f"{name}-a")
    b = open_tun(f"{name}-b")
    ways = {a: Direction(a, b), b: Direction(b, a)}
    pending = []  # heap of (deliver_at, seq, direction, packet)
    seq = 0
    reload = False
    stop = False

    def on_hup(_sig, _frame):
        nonlocal reload
        reload = True

    def on_term(_sig, _frame):
        nonlocal stop
        stop = True

    # Signals wake the select() below through this pipe, so a new shape applies at once.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    acknowledge(name, shape)
    print(f"netem-link {name}: carrying packets", flush=True)

    while not stop:
        if reload:
            reload = False
            shape = read_shape(name)
            acknowledge(name, shape)
        now = time.monotonic()
        timeout = max(0.0, pending[0][0] - now) if pending else 1.0
        try:
            readable, _, _ = select.select([a, b, wake_r], [], [], timeout)
        except InterruptedError:
            continue
        if wake_r in readable:
            readable.remove(wake_r)
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
        now = time.monotonic()
        for fd in readable:
            way = ways[fd]
            for _ in range(256):
                try:
                    packet = os.read(fd, MAX_PACKET)
                except BlockingIOError:
                    break
                except OSError as e:
                    if e.errno in (errno.EBADFD, errno.ENODEV, errno.ENXIO):
                        print(f"netem-link {name}: device gone ({e.strerror}); exiting", flush=True)
                        return
                    raise
                if not packet:
                    break
                if shape["cut"] or random.random() < shape["loss"] or way.queued >= shape["limit"]:
                    continue
                tx = len(packet) * 8 / shape["rate"] if shape["rate"] > 0 else 0.0
                way.busy_until = max(now, way.busy_until) + tx
                jitter = random.uniform(-shape["jitter"], shape["jitter"]) if shape["jitter"] > 0 else 0.0
                deliver_at = way.busy_until + max(0.0, shape["delay"] + jitter)
                way.queued += 1
                seq += 1
                heapq.heappush(pending, (deliver_at, seq, way, packet))
        while pending and pending[0][0] <= now:
            _, _, way, packet = heapq.heappop(pending)
            way.queued -= 1
            try:
                os.write(way.dst, packet)
            except OSError as e:
                # The far side is down (cut --mode down) or its queue is full: the packet is lost, as on a wire.
                if e.errno not in (errno.EIO, errno.ENOBUFS, errno.EAGAIN, errno.EINVAL):
                    if e.errno in (errno.EBADFD, errno.ENODEV, errno.ENXIO):
                        print(f"netem-link {name}: device gone ({e.strerror}); exiting", flush=True)
                        return
                    raise


if __name__ == "__main__":
    main()
