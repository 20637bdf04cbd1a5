#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP port 434 traffic for the mipkex selftests.

Run it with Debian's /usr/bin/python3 (python3-scapy); scapy is only imported
to build raw datagrams ("build", or "send" without --prebuilt).

echo   Bind UDP port 434 and send every datagram back to its source, from port
       434, so that the replies cross the module's hooks as well. On SIGTERM
       print {"received": N, "echoed": N, ...} as JSON and exit.

send   Send COUNT datagrams to the echo servers named by --dst and check that
       every echo comes back byte for byte, none missing, none duplicated.
       Datagrams are 0 to 8000 bytes (the larger ones are fragmented by the
       kernel after LOCAL_OUT) with deterministic payloads (sequence number
       then pseudo-random bytes), sent over four paths (--mix):
         sock       an ordinary UDP socket
         raw        built with scapy, written to an IPPROTO_RAW socket
         raw_csum0  the same with UDP checksum 0 (no checksum)
         frag       built with scapy, cut with scapy's fragment() (in a
                    shuffled order for some, some with checksum 0) and
                    written fragment by fragment
       Raw datagrams use --raw-src as their source address so that their IP IDs
       never meet those the kernel picks for the socket's datagrams in a
       reassembly queue; their echoes come back to the UDP socket's port. At
       most --window datagrams are outstanding at a time, so the module's queue
       bound is never the cause of a loss. Prints a flat JSON summary (counts
       per path and per destination) and exits 0 only if every datagram came
       back exactly once and intact.

build  Build the raw datagrams of a "send" plan (same options, a fixed
       --sport) into a file for "send --prebuilt": scapy is slow in an
       emulated guest, so this can run while the topology is being set up.

flood  Send UDP port 434 datagrams as fast as possible until killed or until
       --duration has passed; errors are ignored. For teardown tests.
"""

import argparse
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

PORT = 434
MAX_PAYLOAD = 8000
UNFRAGMENTED_MAX = 1500 - 20 - 8
KINDS = ("sock", "raw", "raw_csum0", "frag")
DEFAULT_MIX = "sock=95,raw=2,raw_csum0=1.5,frag=1.5"
# Most fragments a "frag" datagram is cut into (scapy is slow).
MAX_FRAGS = 6


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def set_bufs(sock, size):
    """Large socket buffers; SO_*BUFFORCE ignores net.core.[rw]mem_max."""
    for force, plain in ((getattr(socket, "SO_RCVBUFFORCE", 33),
                          socket.SO_RCVBUF),
                         (getattr(socket, "SO_SNDBUFFORCE", 32),
                          socket.SO_SNDBUF)):
        try:
            sock.setsockopt(socket.SOL_SOCKET, force, size)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, plain, size)


class Stop(Exception):
    pass


def on_signal(signum, frame):
    raise Stop()


def cmd_echo(args):
    stats = {"received": 0, "echoed": 0, "bytes": 0, "send_errors": 0}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    set_bufs(sock, args.bufsize)
    sock.bind((args.addr, PORT))
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.ready:
        with open(args.ready, "w", encoding="ascii") as f:
            f.write("%d\n" % os.getpid())
    try:
        while True:
            data, peer = sock.recvfrom(65535)
            stats["received"] += 1
            stats["bytes"] += len(data)
            try:
                sock.sendto(data, peer)
                stats["echoed"] += 1
            except OSError as e:
                stats["send_errors"] += 1
                log("echo: sendto %s: %s" % (peer, e))
    except Stop:
        pass
    print(json.dumps(stats), flush=True)
    return 0


def payload(seed, seq, size):
    """Deterministic payload of datagram seq: big-endian seq, then noise.

    Datagrams shorter than 4 bytes carry only noise (or nothing) and are
    told apart by destination and content alone.
    """
    rnd = random.Random(seed * 1000003 + seq)
    if size < 4:
        return rnd.randbytes(size)
    return struct.pack(">I", seq) + rnd.randbytes(size - 4)


def pick_size(rnd, kind):
    if kind in ("raw", "raw_csum0"):
        # One IP packet of at most 1500 bytes: IP_HDRINCL does not fragment.
        return rnd.choice((0, 1, 2, 3, 4, 5, rnd.randint(6, 200),
                           rnd.randint(200, UNFRAGMENTED_MAX),
                           UNFRAGMENTED_MAX))
    if kind == "frag":
        return rnd.randint(1, MAX_PAYLOAD)
    r = rnd.random()
    if r < 0.05:
        return rnd.choice((0, 1, 2, 3))
    if r < 0.25:
        return rnd.randint(4, 64)
    if r < 0.55:
        return rnd.randint(65, UNFRAGMENTED_MAX)
    if r < 0.65:
        # Around the fragmentation boundaries of a 1500-byte MTU.
        return rnd.choice((UNFRAGMENTED_MAX - 1, UNFRAGMENTED_MAX,
                           UNFRAGMENTED_MAX + 1, 1480, 1481, 2952, 2953,
                           2960, 2961))
    return rnd.randint(UNFRAGMENTED_MAX + 1, MAX_PAYLOAD)


def parse_mix(text):
    mix = {}
    for item in text.split(","):
        kind, _, weight = item.partition("=")
        if kind not in KINDS:
            raise ValueError("unknown path %r" % kind)
        mix[kind] = float(weight) if weight else 1.0
    return {k: w for k, w in mix.items() if w > 0}


def parse_dsts(specs):
    dsts = []
    for spec in specs:
        name, sep, addr = spec.partition("=")
        dsts.append((name, addr) if sep else (spec, spec))
    return dsts


def make_plan(args):
    """The datagrams to send: (seq, destination name, path, size, extra)."""
    rnd = random.Random(args.seed)
    mix = parse_mix(args.mix)
    kinds, weights = list(mix), list(mix.values())
    dsts = parse_dsts(args.dst)
    plan = []
    for seq in range(args.count):
        kind = rnd.choices(kinds, weights)[0]
        name = dsts[seq % len(dsts)][0] if args.alternate else \
            rnd.choice(dsts)[0]
        size = pick_size(rnd, kind)
        extra = {}
        if kind == "frag":
            # Fragment payload size: a multiple of 8, smaller than the UDP
            # datagram so that there are at least two fragments, and large
            # enough for at most MAX_FRAGS of them.
            udplen = size + 8
            top = min(1480, (udplen - 1) // 8 * 8)
            per = -(-udplen // MAX_FRAGS)
            low = min(top, max(8, (per + 7) // 8 * 8))
            extra["fragsize"] = rnd.choice(
                (low, top, rnd.randrange(low, top + 1, 8)))
            extra["csum0"] = rnd.random() < 0.3
            extra["shuffle"] = rnd.random() < 0.3
        plan.append((seq, name, kind, size, extra))
    return plan


def plan_id(args):
    return repr((args.count, args.seed, args.mix, args.alternate,
                 parse_dsts(args.dst), args.raw_src, args.sport))


def import_scapy():
    """Import the few scapy parts needed, skipping what only costs time.

    At import, scapy probes the cryptography package and loads wireshark's
    manuf database; building IP/UDP packets needs neither, and in an
    emulated guest they take several seconds.
    """
    import importlib.util
    if importlib.util.find_spec("scapy") is None:
        # Started with -S (site is slow too): add the site directories,
        # without running their .pth files.
        import site
        sys.path.extend(p for p in site.getsitepackages()
                        if p not in sys.path)
    missing = object()
    saved = sys.modules.get("cryptography", missing)
    exists = os.path.exists
    sys.modules["cryptography"] = None
    os.path.exists = lambda p: not str(p).endswith("wireshark/manuf") and \
        exists(p)
    try:
        from scapy.layers.inet import IP, UDP, fragment
        from scapy.packet import Raw
    finally:
        os.path.exists = exists
        if saved is missing:
            del sys.modules["cryptography"]
        else:
            sys.modules["cryptography"] = saved
    return IP, UDP, Raw, fragment


def build_raw(args, plan, sport):
    """Build the raw datagrams of plan with scapy: {seq: [packet bytes]}."""
    IP, UDP, Raw, fragment = import_scapy()
    dsts = dict(parse_dsts(args.dst))
    out = {}
    for seq, name, kind, size, extra in plan:
        if kind == "sock":
            continue
        udp = UDP(sport=sport, dport=PORT)
        if kind == "raw_csum0" or extra.get("csum0"):
            udp.chksum = 0
        pkt = IP(src=args.raw_src, dst=dsts[name], id=seq % 0xffff + 1,
                 ttl=64) / udp / Raw(load=payload(args.seed, seq, size))
        if kind != "frag":
            out[seq] = [bytes(pkt)]
            continue
        frags = [bytes(f) for f in fragment(pkt, fragsize=extra["fragsize"])]
        if len(frags) < 2:
            raise RuntimeError("datagram %d: fragment() made one packet" % seq)
        if extra.get("shuffle"):
            random.Random(seq).shuffle(frags)
        out[seq] = frags
    return out


def cmd_build(args):
    plan = make_plan(args)
    t0 = time.monotonic()
    try:
        raw = build_raw(args, plan, args.sport)
    except ImportError as e:
        print("SKIP: scapy not available to %s: %s" % (sys.executable, e))
        return 4
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        json.dump({"plan": plan_id(args),
                   "packets": {str(k): [p.hex() for p in v]
                               for k, v in raw.items()}}, f)
    os.rename(tmp, args.out)
    log("built %d raw datagrams (%d packets) in %.1f s" %
        (len(raw), sum(len(v) for v in raw.values()), time.monotonic() - t0))
    return 0


def load_prebuilt(args):
    with open(args.prebuilt, encoding="ascii") as f:
        data = json.load(f)
    if data["plan"] != plan_id(args):
        raise SystemExit("%s was built for another plan" % args.prebuilt)
    return {int(k): [bytes.fromhex(p) for p in v]
            for k, v in data["packets"].items()}


def cmd_send(args):
    dsts = parse_dsts(args.dst)
    by_addr = {addr: name for name, addr in dsts}
    by_name = dict(dsts)
    plan = make_plan(args)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    set_bufs(sock, args.bufsize)
    sock.bind((args.src, args.sport))
    sport = sock.getsockname()[1]
    sock.setblocking(False)
    raw_pkts = {}
    raw = None
    if any(p[2] != "sock" for p in plan):
        t0 = time.monotonic()
        if args.prebuilt:
            raw_pkts = load_prebuilt(args)
        else:
            raw_pkts = build_raw(args, plan, sport)
        log("raw datagrams ready in %.1f s" % (time.monotonic() - t0))
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                            socket.IPPROTO_RAW)
        set_bufs(raw, args.bufsize)

    res = {"count": args.count, "sent": 0, "whole_out": 0,
           "raw_fragments": 0, "echoes": 0, "missing": 0,
           "unexpected": 0, "bad_source": 0, "send_errors": 0,
           "window": args.window}
    for k in KINDS:
        res["sent_" + k] = 0
    for name, _ in dsts:
        res["to_" + name] = 0
        res["echoes_" + name] = 0

    # (echo source address, exact bytes) -> outstanding datagrams with them
    outstanding = {}
    inflight = 0
    reported = 0

    def report(msg):
        nonlocal reported
        if reported < 10:
            log(msg)
        reported += 1

    def expected_for(data):
        if len(data) < 4:
            return None
        seq = struct.unpack(">I", data[:4])[0]
        if seq >= len(plan):
            return None
        return plan[seq], payload(args.seed, seq, plan[seq][3])

    def receive():
        nonlocal inflight
        got = 0
        while True:
            try:
                data, (addr, port) = sock.recvfrom(65535)
            except BlockingIOError:
                return got
            got += 1
            if port != PORT or addr not in by_addr:
                res["bad_source"] += 1
                report("echo from unexpected source %s:%d" % (addr, port))
                continue
            key = (addr, data)
            if outstanding.get(key):
                outstanding[key] -= 1
                if not outstanding[key]:
                    del outstanding[key]
                inflight -= 1
                res["echoes"] += 1
                res["echoes_" + by_addr[addr]] += 1
                continue
            res["unexpected"] += 1
            exp = expected_for(data)
            if exp is None:
                report("unexpected echo of %d bytes from %s" %
                       (len(data), addr))
            elif exp[1] == data:
                report("duplicate echo of datagram %d (%d bytes) from %s" %
                       (exp[0][0], len(data), addr))
            else:
                want = exp[1]
                diff = next((i for i in range(min(len(want), len(data)))
                             if want[i] != data[i]), min(len(want), len(data)))
                report("corrupt echo of datagram %d from %s: %d bytes, want "
                       "%d, first difference at offset %d" %
                       (exp[0][0], addr, len(data), len(want), diff))

    start = time.monotonic()
    deadline = start + args.deadline
    last_progress = start
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    nxt = 0
    while nxt < len(plan) or inflight:
        while nxt < len(plan) and inflight < args.window:
            seq, name, kind, size, extra = plan[nxt]
            nxt += 1
            dst = by_name[name]
            data = payload(args.seed, seq, size)
            key = (dst, data)
            outstanding[key] = outstanding.get(key, 0) + 1
            inflight += 1
            res["sent"] += 1
            res["sent_" + kind] += 1
            res["to_" + name] += 1
            try:
                if kind == "sock":
                    while True:
                        try:
                            sock.sendto(data, (dst, PORT))
                            break
                        except BlockingIOError:
                            select.select([], [sock], [], 1.0)
                    res["whole_out"] += 1
                else:
                    for p in raw_pkts[seq]:
                        raw.sendto(p, (dst, 0))
                    if kind == "frag":
                        res["raw_fragments"] += len(raw_pkts[seq])
                    else:
                        res["whole_out"] += 1
            except OSError as e:
                res["send_errors"] += 1
                report("datagram %d (%s, %d bytes): send: %s" %
                       (seq, kind, size, e))
        now = time.monotonic()
        if now > deadline or now - last_progress > args.stall:
            log("giving up: %d datagrams outstanding after %.1f s (%.1f s "
                "without an echo)" % (inflight, now - start,
                                      now - last_progress))
            break
        poller.poll(100)
        if receive():
            last_progress = time.monotonic()

    # Catch duplicates that arrive after the last expected echo.
    linger_end = time.monotonic() + args.linger
    while True:
        left = linger_end - time.monotonic()
        if left <= 0:
            break
        poller.poll(int(left * 1000) + 1)
        receive()

    res["missing"] = inflight
    for (addr, data), n in sorted(outstanding.items())[:10]:
        exp = expected_for(data)
        log("missing: %d echo(es) of %d bytes from %s%s" %
            (n, len(data), addr, " (datagram %d, %s)" %
             (exp[0][0], exp[0][2]) if exp else ""))
    res["elapsed_s"] = round(time.monotonic() - start, 2)
    print(json.dumps(res), flush=True)
    ok = not (res["missing"] or res["unexpected"] or res["bad_source"] or
              res["send_errors"] or res["echoes"] != res["sent"])
    return 0 if ok else 1


def cmd_flood(args):
    dsts = [addr for _, addr in parse_dsts(args.dst)]
    sizes = (0, 20, 200, 1400, 1473, 3000, 8000)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    set_bufs(sock, args.bufsize)
    sock.bind((args.src, 0))
    sock.settimeout(0.2)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    end = time.monotonic() + args.duration if args.duration else None
    sent = errors = i = 0
    try:
        while end is None or time.monotonic() < end:
            data = payload(args.seed, i, sizes[i % len(sizes)])
            try:
                sock.sendto(data, (dsts[i % len(dsts)], PORT))
                sent += 1
            except OSError:
                errors += 1
            i += 1
            # Drop the echoes: they only need to exist.
            if i % 16 == 0:
                try:
                    while True:
                        sock.recv(65535, socket.MSG_DONTWAIT)
                except OSError:
                    pass
    except Stop:
        pass
    print(json.dumps({"sent": sent, "errors": errors}), flush=True)
    return 0


def add_plan_args(p, sport_required):
    p.add_argument("--dst", action="append", required=True,
                   metavar="NAME=ADDR", help="echo server (repeatable)")
    p.add_argument("--raw-src", help="source address of raw datagrams"
                   " (required when --mix has raw paths)")
    p.add_argument("--count", type=int, default=3000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mix", default=DEFAULT_MIX,
                   help="PATH=WEIGHT,... (default %s)" % DEFAULT_MIX)
    p.add_argument("--alternate", action="store_true",
                   help="destinations in turn instead of at random")
    p.add_argument("--sport", type=int, required=sport_required,
                   default=0, help="UDP port of the sender (default any)")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bufsize", type=int, default=8 << 20,
                    help="socket buffer sizes (default 8 MiB)")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("echo", help="echo server on UDP port 434")
    p.add_argument("--addr", default="0.0.0.0")
    p.add_argument("--ready", help="file created once bound")

    p = sub.add_parser("send", help="send datagrams and check their echoes")
    add_plan_args(p, False)
    p.add_argument("--src", default="0.0.0.0",
                   help="address to bind the UDP socket to (default any: it"
                   " also receives the echoes of the raw datagrams)")
    p.add_argument("--prebuilt", help="raw datagrams made by \"build\"")
    p.add_argument("--window", type=int, default=32)
    p.add_argument("--deadline", type=float, default=100.0,
                   help="seconds for the whole exchange")
    p.add_argument("--stall", type=float, default=20.0,
                   help="seconds without any echo before giving up")
    p.add_argument("--linger", type=float, default=0.5,
                   help="seconds to wait for duplicates at the end")

    p = sub.add_parser("build", help="build the raw datagrams of a plan")
    add_plan_args(p, True)
    p.add_argument("--out", required=True)

    p = sub.add_parser("flood", help="send without waiting, until killed")
    p.add_argument("--src", default="0.0.0.0")
    p.add_argument("--dst", action="append", required=True,
                   metavar="[NAME=]ADDR")
    p.add_argument("--seed", type=int, default=2)
    p.add_argument("--duration", type=float, default=0,
                   help="seconds (default: until killed)")

    args = ap.parse_args()
    if args.cmd in ("send", "build"):
        try:
            mix = parse_mix(args.mix)
        except ValueError as e:
            ap.error(str(e))
        if set(mix) - {"sock"} and not args.raw_src:
            ap.error("--raw-src is needed for raw datagrams")
    return {"echo": cmd_echo, "send": cmd_send, "build": cmd_build,
            "flood": cmd_flood}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
