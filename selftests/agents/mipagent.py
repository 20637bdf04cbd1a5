#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Reference Mobile IPv4 agents (RFC 5944 + RFC 2794 NAI) for the mipkex tests.

Plain, independent test peers written from the RFCs: they share no code with
mipkex (the module's codec in kmod/ is deliberately not used) and know nothing
of its vendor extensions. Only the Python standard library is used.

  mn    send Registration Requests (through a foreign agent, or directly to
        the home agent with a co-located care-of address) and check the
        replies; one result line per registration
  fa    foreign agent: relay requests to home agents and replies back to
        mobile nodes (RFC 5944 3.7)
  ha    home agent: authenticate, check the Identification, keep bindings and
        reply (RFC 5944 3.8)
  send  send one datagram given in hex to UDP port 434 and print the reply
        (for replay tests)

Authenticators (RFC 5944 3.5.1): HMAC over the UDP payload from its first byte
through the SPI of the authentication extension; the algorithm belongs to the
security association (hmac-md5, the RFC 5944 default, 16 bytes; or
hmac-sha256, 32 bytes, as mipkex's Documentation/protocol.rst 8.3); the
extension length is 4 + the authenticator length. Keys come from files: a file
whose content (surrounding whitespace ignored) is an even number of hex
digits, optionally prefixed 0x, is read as hex, any other as raw bytes.

The fa and ha agents print {"event": "ready", ...} on stdout once their
sockets are bound, then one JSON object per line for every message they
handle (to --json-log FILE instead, if given; the ready line goes to both).
SIGTERM or SIGINT: an {"event": "exit", ...} line, exit status 0.

mn exit status: 0 every registration accepted (code 0 or 1) with a valid
MN-HA authenticator; 1 a registration denied or a reply that failed
authentication; 2 no reply before --timeout; 3 usage or configuration error.
"""

import argparse
import hashlib
import hmac
import ipaddress
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
RRQ, RRP = 1, 3
REQ_FIXED, REP_FIXED = 24, 20

# Extension types (RFC 5944 3.5, RFC 2794, RFC 3115, RFC 4721)
EXT_MN_HA, EXT_MN_FA, EXT_FA_HA = 32, 33, 34
EXT_GEN_AUTH = 36
EXT_CVSE = 38
EXT_PMIP_NONSKIP = 47
EXT_NAI = 131
EXT_NVSE = 134
# Types using the long format: type, sub-type (reserved), 16-bit length.
LONG_FORMAT = (EXT_GEN_AUTH, EXT_CVSE, EXT_PMIP_NONSKIP)
AUTH_TYPES = (EXT_MN_HA, EXT_MN_FA, EXT_FA_HA)
GEN_AUTH_MN_AAA = 1

# Flags of the Registration Request (RFC 5944 3.3)
FLAG_S, FLAG_B, FLAG_D, FLAG_M = 0x80, 0x40, 0x20, 0x10
FLAG_G, FLAG_R, FLAG_T, FLAG_X = 0x08, 0x04, 0x02, 0x01

# Seconds between 1900-01-01 (NTP era 0) and 1970-01-01
NTP_UNIX_OFFSET = 2208988800
INFINITE_LIFETIME = 0xFFFF

ALGS = {"hmac-md5": hashlib.md5, "hmac-sha256": hashlib.sha256}

# Reply codes used here (RFC 5944 3.4, RFC 2794, RFC 3115)
CODE_ACCEPTED = 0
CODE_ACCEPTED_NO_SIMUL = 1
FA_POORLY_FORMED_REQ = 70
FA_POORLY_FORMED_REP = 71
FA_HA_AUTH_FAILED = 68
FA_LIFETIME_TOO_LONG = 69
FA_INVALID_COA = 77
FA_MISSING_NAI = 97
FA_MISSING_HA = 98
FA_CVSE_FROM_MN = 100
FA_CVSE_FROM_HA = 101
HA_ADMIN_PROHIBITED = 129
HA_MN_AUTH_FAILED = 131
HA_FA_AUTH_FAILED = 132
HA_BAD_IDENT = 133
HA_POORLY_FORMED = 134
HA_UNKNOWN_HA = 136
HA_CVSE_FROM_MN = 140
HA_CVSE_FROM_FA = 141


class Stop(Exception):
    pass


def on_signal(signum, frame):
    raise Stop()


class Malformed(Exception):
    pass


# ------------------------------------------------------------------ basics

def ip2int(s):
    return int(ipaddress.IPv4Address(s))


def int2ip(n):
    return str(ipaddress.IPv4Address(n))


def read_key(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.strip()
    if text[:2] in (b"0x", b"0X"):
        text = text[2:]
    if text and len(text) % 2 == 0:
        try:
            return bytes.fromhex(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            pass
    if not data:
        raise ValueError("%s: empty key" % path)
    return data


class SA:
    """A mobility security association: SPI, key and algorithm."""

    def __init__(self, spi, key, alg="hmac-md5"):
        if alg not in ALGS:
            raise ValueError("unknown algorithm %r" % alg)
        self.spi = spi
        self.key = key
        self.alg = alg

    @property
    def size(self):
        return ALGS[self.alg]().digest_size

    def mac(self, data):
        return hmac.new(self.key, data, ALGS[self.alg]).digest()


def parse_int(s):
    return int(s, 0)


def ntp_now(offset=0.0):
    return time.time() + offset + NTP_UNIX_OFFSET


# -------------------------------------------------------------- extensions

class Ext:
    """One extension of a message: type, bounds and data offset."""

    __slots__ = ("type", "off", "end", "data_off", "sub")

    def __init__(self, type_, off, end, data_off, sub=None):
        self.type = type_
        self.off = off
        self.end = end
        self.data_off = data_off
        self.sub = sub

    def data(self, msg):
        return msg[self.data_off:self.end]


def parse_exts(msg, start):
    """The extensions from offset start to the end (RFC 5944 1.9-1.11)."""
    exts = []
    off = start
    while off < len(msg):
        t = msg[off]
        if t in LONG_FORMAT:
            if off + 4 > len(msg):
                raise Malformed("extension %d truncated at %d" % (t, off))
            sub = msg[off + 1]
            length = struct.unpack_from("!H", msg, off + 2)[0]
            data_off = off + 4
        else:
            if off + 2 > len(msg):
                raise Malformed("extension %d truncated at %d" % (t, off))
            sub = None
            length = msg[off + 1]
            data_off = off + 2
        end = data_off + length
        if end > len(msg):
            raise Malformed("extension %d at %d: length %d past the end" %
                            (t, off, length))
        if t in AUTH_TYPES and length < 4:
            raise Malformed("authentication extension %d too short" % t)
        exts.append(Ext(t, off, end, data_off, sub))
        off = end
    return exts


def auth_ext(type_, sa, msg):
    """msg followed by an authentication extension of type_ under sa."""
    head = msg + struct.pack("!BBI", type_, 4 + sa.size, sa.spi)
    return head + sa.mac(head)


def auth_spi(msg, ext):
    return struct.unpack_from("!I", msg, ext.data_off)[0]


def auth_valid(msg, ext, sa):
    """Whether the authentication extension ext of msg is valid under sa."""
    if sa is None or auth_spi(msg, ext) != sa.spi:
        return False
    if ext.end - ext.data_off != 4 + sa.size:
        return False
    covered = msg[:ext.data_off + 4]	# through the SPI
    return hmac.compare_digest(sa.mac(covered), msg[ext.data_off + 4:ext.end])


def nai_ext(nai):
    raw = nai.encode("utf-8")
    if len(raw) > 255:
        raise ValueError("NAI longer than 255 bytes")
    return struct.pack("!BB", EXT_NAI, len(raw)) + raw


def ext_types(exts):
    return ",".join(str(e.type) for e in exts)


# -------------------------------------------------------- fixed parts

class Request:
    def __init__(self, msg):
        if len(msg) < REQ_FIXED or msg[0] != RRQ:
            raise Malformed("not a registration request")
        (_, self.flags, self.lifetime, self.home, self.ha, self.coa,
         self.ident) = struct.unpack_from("!BBHIIIQ", msg)
        self.msg = msg
        self.exts = parse_exts(msg, REQ_FIXED)
        self.nai = None
        for e in self.exts:
            if e.type == EXT_NAI:
                self.nai = e.data(msg).decode("utf-8", "replace")
                break


def build_request(flags, lifetime, home, ha, coa, ident):
    return struct.pack("!BBHIIIQ", RRQ, flags, lifetime, ip2int(home),
                       ip2int(ha), ip2int(coa), ident)


class Reply:
    def __init__(self, msg):
        if len(msg) < REP_FIXED or msg[0] != RRP:
            raise Malformed("not a registration reply")
        (_, self.code, self.lifetime, self.home, self.ha,
         self.ident) = struct.unpack_from("!BBHIIQ", msg)
        self.msg = msg
        self.exts = parse_exts(msg, REP_FIXED)
        self.nai = None
        for e in self.exts:
            if e.type == EXT_NAI:
                self.nai = e.data(msg).decode("utf-8", "replace")
                break


def build_reply(code, lifetime, home, ha, ident):
    return struct.pack("!BBHIIQ", RRP, code, lifetime, home, ha, ident)


def auth_enabling_index(exts):
    """Index of the authorization-enabling extension (RFC 5944 3.6.1.3):
    the MN-HA authentication, or a generalized MN-AAA one (RFC 4721)."""
    for i, e in enumerate(exts):
        if e.type == EXT_MN_HA or (e.type == EXT_GEN_AUTH and
                                   e.sub == GEN_AUTH_MN_AAA):
            return i
    return None


# ----------------------------------------------------------------- logging

class Logger:
    def __init__(self, path=None):
        self.f = open(path, "a", encoding="utf-8") if path else None

    def emit(self, obj, also_stdout=False):
        obj.setdefault("time", round(time.time(), 3))
        line = json.dumps(obj)
        if self.f:
            self.f.write(line + "\n")
            self.f.flush()
        if not self.f or also_stdout:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


def bind_sockets(addrs):
    socks = []
    for a in addrs:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a, PORT))
        socks.append(s)
    return socks


def source_for(dst):
    """The address the kernel would use as source toward dst."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((dst, PORT))
        return s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()


def serve(socks, handler, log, role, extra):
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    poller = select.poll()
    by_fd = {}
    for s in socks:
        poller.register(s, select.POLLIN)
        by_fd[s.fileno()] = s
    ready = {"event": "ready", "role": role, "pid": os.getpid(),
             "addrs": ",".join(s.getsockname()[0] for s in socks),
             "port": PORT}
    ready.update(extra)
    log.emit(ready, also_stdout=True)
    try:
        while True:
            for fd, _ in poller.poll():
                s = by_fd[fd]
                try:
                    data, peer = s.recvfrom(65535)
                except OSError as e:
                    log.emit({"event": "error", "error": str(e)})
                    continue
                handler(s, data, peer)
    except Stop:
        pass
    return 0


# ----------------------------------------------------------------- FA

class ForeignAgent:
    def __init__(self, args, log):
        self.log = log
        self.addrs = args.addr
        self.coas = set(args.coa or [])
        self.ha_sa = {}
        if args.peer:
            if args.spi is None or not args.key_file:
                raise ValueError("--peer needs --spi and --key-file")
            self.ha_sa[args.peer] = SA(args.spi, read_key(args.key_file),
                                       args.auth)
        self.max_lifetime = args.lifetime_max
        self.pending_timeout = args.pending_timeout
        self.socks = bind_sockets(self.addrs)
        self.by_addr = {s.getsockname()[0]: s for s in self.socks}
        self.relay_from = args.relay_from
        if self.relay_from and self.relay_from not in self.by_addr:
            raise ValueError("--relay-from %s is not an --addr"
                             % self.relay_from)
        self.pending = []	# entries, oldest first
        self.visitors = {}	# home address -> entry
        self.relayed = {"requests": 0, "replies": 0, "denied": 0,
                        "discarded": 0}

    def sock_toward(self, dst):
        """The socket to relay to dst from: --relay-from, else the one bound
        to the source the kernel would pick, else the one whose address
        shares the longest prefix with dst."""
        if self.relay_from:
            return self.by_addr[self.relay_from]
        s = self.by_addr.get(source_for(dst))
        if s:
            return s
        d = ip2int(dst)
        return max(self.socks, key=lambda s: 32 - (
            (ip2int(s.getsockname()[0]) ^ d).bit_length()))

    def prune(self):
        now = time.monotonic()
        self.pending = [p for p in self.pending
                        if now - p["t"] < self.pending_timeout]

    def discard(self, what, peer, reason, **kw):
        self.relayed["discarded"] += 1
        rec = {"event": "discard", "what": what, "from": "%s:%d" % peer,
               "reason": reason}
        rec.update(kw)
        self.log.emit(rec)

    def deny(self, sock, peer, req, code, reason, home=None):
        """An FA-generated reply (no MN-HA authenticator: the FA has none)."""
        msg = build_reply(code, 0, req.home if home is None else home,
                          req.ha, req.ident)
        if req.nai is not None:
            msg += nai_ext(req.nai)
        sock.sendto(msg, peer)
        self.relayed["denied"] += 1
        self.log.emit({"event": "deny", "code": code, "reason": reason,
                       "to": "%s:%d" % peer, "home": int2ip(req.home),
                       "nai": req.nai, "ident": "%016x" % req.ident,
                       "reply": msg.hex()})

    def handle(self, sock, data, peer):
        self.prune()
        if not data:
            return self.discard("empty", peer, "empty datagram")
        if data[0] == RRQ:
            return self.request(sock, data, peer)
        if data[0] == RRP:
            return self.reply(sock, data, peer)
        return self.discard("type %d" % data[0], peer, "not a registration")

    def request(self, sock, data, peer):
        if len(data) < REQ_FIXED:
            return self.discard("request", peer, "shorter than 24 bytes")
        try:
            req = Request(data)
        except Malformed as e:
            req = Request.__new__(Request)
            (_, req.flags, req.lifetime, req.home, req.ha, req.coa,
             req.ident) = struct.unpack_from("!BBHIIIQ", data)
            req.nai = None
            return self.deny(sock, peer, req, FA_POORLY_FORMED_REQ, str(e))
        idx = auth_enabling_index(req.exts)
        if idx is None:
            return self.deny(sock, peer, req, FA_POORLY_FORMED_REQ,
                             "no authorization-enabling extension")
        # The part for the home agent is not the FA's to understand; the
        # part after the authorization-enabling extension is for the FA.
        for e in req.exts[idx + 1:]:
            if e.type == EXT_CVSE:
                return self.deny(sock, peer, req, FA_CVSE_FROM_MN,
                                 "CVSE for the FA not understood")
            if e.type < 128 and e.type not in (EXT_MN_FA, EXT_MN_HA,
                                               EXT_FA_HA):
                return self.discard("request", peer,
                                    "unknown non-skippable extension %d"
                                    % e.type)
        if req.home == 0 and req.nai is None:
            return self.deny(sock, peer, req, FA_MISSING_NAI,
                             "home address 0.0.0.0 without an NAI")
        if req.ha in (0, 0xFFFFFFFF):
            return self.deny(sock, peer, req, FA_MISSING_HA,
                             "no home agent address")
        if (self.coas and not req.flags & FLAG_D and
                int2ip(req.coa) not in self.coas):
            return self.deny(sock, peer, req, FA_INVALID_COA,
                             "care-of address %s is not ours"
                             % int2ip(req.coa))
        if (self.max_lifetime is not None and
                req.lifetime > self.max_lifetime):
            return self.deny(sock, peer, req, FA_LIFETIME_TOO_LONG,
                             "lifetime %d > %d" % (req.lifetime,
                                                   self.max_lifetime))
        kept = req.exts[:idx + 1]
        stripped = req.exts[idx + 1:]
        out = data[:kept[-1].end]
        ha = int2ip(req.ha)
        sa = self.ha_sa.get(ha)
        if sa:
            out = auth_ext(EXT_FA_HA, sa, out)
        # A retransmission (nonce mode: unchanged) replaces its entry.
        key = self.key_of(req.home, req.nai, req.ident)
        self.pending = [p for p in self.pending if p["key"] != key]
        self.pending.append({"key": key, "t": time.monotonic(),
                             "src": peer, "sock": sock, "home": req.home,
                             "nai": req.nai, "ha": req.ha, "coa": req.coa,
                             "ident": req.ident, "lifetime": req.lifetime})
        out_sock = self.sock_toward(ha)
        out_sock.sendto(out, (ha, PORT))
        self.relayed["requests"] += 1
        self.log.emit({"event": "relay_request", "from": "%s:%d" % peer,
                       "to": ha, "via": out_sock.getsockname()[0],
                       "home": int2ip(req.home), "nai": req.nai,
                       "coa": int2ip(req.coa), "flags": req.flags,
                       "lifetime": req.lifetime,
                       "ident": "%016x" % req.ident,
                       "exts_in": ext_types(req.exts),
                       "exts_out": ext_types(parse_exts(out, REQ_FIXED)),
                       "stripped": ext_types(stripped),
                       "fa_ha": bool(sa), "pending": len(self.pending),
                       "request": out.hex()})

    @staticmethod
    def key_of(home, nai, ident):
        return (int2ip(home) if home else "nai:%s" % nai, ident & 0xFFFFFFFF)

    def find_pending(self, rep, peer):
        low = rep.ident & 0xFFFFFFFF
        cands = [p for p in self.pending if p["ident"] & 0xFFFFFFFF == low
                 and p["ha"] == rep.ha]
        for p in cands:
            if p["home"] and p["home"] == rep.home:
                return p
        # Home address 0.0.0.0 in the request (RFC 2794): the reply carries
        # the assigned one; match on the Identification (and the NAI when
        # the reply echoes it).
        anon = [p for p in cands if not p["home"]]
        for p in anon:
            if rep.nai is not None and p["nai"] == rep.nai:
                return p
        return anon[0] if anon else None

    def reply(self, sock, data, peer):
        if len(data) < REP_FIXED:
            return self.discard("reply", peer, "shorter than 20 bytes")
        fixed = Reply.__new__(Reply)
        (_, fixed.code, fixed.lifetime, fixed.home, fixed.ha,
         fixed.ident) = struct.unpack_from("!BBHIIQ", data)
        fixed.nai = None
        try:
            rep = Reply(data)
        except Malformed as e:
            rep, err = fixed, str(e)
        else:
            err = None
        p = self.find_pending(rep, peer)
        if p is None:
            return self.discard("reply", peer, "no pending request",
                                ident="%016x" % rep.ident,
                                home=int2ip(rep.home))
        self.pending.remove(p)
        req = Request.__new__(Request)
        req.home, req.ha, req.ident, req.nai = (p["home"], p["ha"],
                                                p["ident"], p["nai"])
        if err:
            return self.deny(p["sock"], p["src"], req, FA_POORLY_FORMED_REP,
                             err)
        ha = int2ip(peer[0])
        sa = self.ha_sa.get(ha)
        mnha = [i for i, e in enumerate(rep.exts) if e.type == EXT_MN_HA]
        faha = [e for e in rep.exts if e.type == EXT_FA_HA]
        if len(mnha) > 1 or len(faha) > 1:
            return self.deny(p["sock"], p["src"], req, FA_POORLY_FORMED_REP,
                             "duplicate authentication extension")
        if sa:
            if not faha:
                return self.deny(p["sock"], p["src"], req, FA_HA_AUTH_FAILED,
                                 "no FA-HA authentication in the reply")
            if not auth_valid(data, faha[0], sa):
                return self.deny(p["sock"], p["src"], req, FA_HA_AUTH_FAILED,
                                 "FA-HA authenticator invalid")
        cut = rep.exts[mnha[0]].end if mnha else \
            (faha[0].off if faha else len(data))
        for e in rep.exts:
            if e.off >= cut and e.type == EXT_CVSE:
                return self.deny(p["sock"], p["src"], req, FA_CVSE_FROM_HA,
                                 "CVSE for the FA not understood")
        out = data[:cut]
        p["sock"].sendto(out, p["src"])
        self.relayed["replies"] += 1
        if rep.code in (CODE_ACCEPTED, CODE_ACCEPTED_NO_SIMUL):
            if rep.lifetime:
                self.visitors[rep.home] = {"coa": p["coa"],
                                           "lifetime": rep.lifetime}
            else:
                self.visitors.pop(rep.home, None)
        self.log.emit({"event": "relay_reply", "from": "%s:%d" % peer,
                       "to": "%s:%d" % p["src"], "code": rep.code,
                       "lifetime": rep.lifetime, "home": int2ip(rep.home),
                       "request_home": int2ip(p["home"]), "nai": rep.nai,
                       "ident": "%016x" % rep.ident,
                       "exts_in": ext_types(rep.exts),
                       "exts_out": ext_types(parse_exts(out, REP_FIXED)),
                       "fa_ha_checked": bool(sa),
                       "visitors": len(self.visitors), "reply": out.hex()})


def cmd_fa(args):
    log = Logger(args.json_log)
    fa = ForeignAgent(args, log)
    serve(fa.socks, fa.handle, log, "fa",
          {"peer": args.peer or "", "auth": args.auth if args.peer else ""})
    rec = {"event": "exit", "role": "fa", "visitors": len(fa.visitors)}
    rec.update(fa.relayed)
    log.emit(rec, also_stdout=True)
    return 0


# ----------------------------------------------------------------- HA

class MobileNode:
    def __init__(self, spec):
        f = spec.split(",")
        if len(f) < 4:
            raise ValueError("--mn %r: want NAI,HOME,SPI,KEYFILE[,auth]"
                             "[,replay=timestamp|nonce]" % spec)
        self.nai = f[0] or None
        self.home = ip2int(f[1])
        alg = "hmac-md5"
        self.replay = "timestamp"
        for opt in f[4:]:
            if opt in ALGS:
                alg = opt
            elif opt.startswith("replay=") and \
                    opt[7:] in ("timestamp", "nonce"):
                self.replay = opt[7:]
            else:
                raise ValueError("--mn %r: unknown field %r" % (spec, opt))
        self.sa = SA(parse_int(f[2]), read_key(f[3]), alg)
        self.last_ident = None	# timestamps: the last one accepted
        self.nonce = None	# nonces: the one we sent last

    @property
    def name(self):
        return self.nai or int2ip(self.home)


class HomeAgent:
    def __init__(self, args, log):
        self.log = log
        self.addrs = args.addr
        self.ha_ints = {ip2int(a) for a in self.addrs}
        self.mns = []
        for spec in args.mn or []:
            self.mns.append(MobileNode(spec))
        if args.mn_file:
            with open(args.mn_file, encoding="utf-8") as f:
                for line in f:
                    line = line.split("#", 1)[0].strip()
                    if line:
                        self.mns.append(MobileNode(line))
        if not self.mns:
            raise ValueError("no mobile node configured (--mn, --mn-file)")
        self.peers = {}
        for spec in args.peer or []:
            f = spec.split(",")
            if len(f) not in (3, 4):
                raise ValueError("--peer %r: want FA_ADDR,SPI,KEYFILE[,auth]"
                                 % spec)
            self.peers[f[0]] = SA(parse_int(f[1]), read_key(f[2]),
                                  f[3] if len(f) == 4 else "hmac-md5")
        self.lifetime_max = args.lifetime_max
        self.skew = args.skew
        # Requested lifetime -> seconds to wait before answering (tests).
        self.delays = {}
        for spec in args.delay or []:
            life, _, secs = spec.partition(":")
            self.delays[parse_int(life)] = float(secs)
        # Requested lifetime -> how to break the reply's framing (tests).
        self.malformed = {}
        for spec in args.malformed or []:
            life, _, how = spec.partition(":")
            if how not in ("overrun", "dup-mnha"):
                raise ValueError("--malformed %r: want LIFETIME:overrun or"
                                 " LIFETIME:dup-mnha" % spec)
            self.malformed[parse_int(life)] = how
        self.socks = bind_sockets(self.addrs)
        self.bindings = {}	# home (int) -> dict
        self.counts = {"requests": 0, "accepted": 0, "denied": 0,
                       "discarded": 0}

    def lookup(self, req):
        """(mobile node, code, reason): the MN the request is from."""
        if req.nai is not None:
            for mn in self.mns:
                if mn.nai == req.nai:
                    if req.home and req.home != mn.home:
                        return mn, HA_ADMIN_PROHIBITED, \
                            "home address is not %s's" % mn.nai
                    return mn, None, None
        if req.home:
            for mn in self.mns:
                if mn.home == req.home:
                    return mn, None, None
            return None, HA_MN_AUTH_FAILED, \
                "no security association for %s" % int2ip(req.home)
        # Home address 0.0.0.0 with an NAI we cannot resolve (anonymous or
        # unknown): nothing to assign. Sign the denial if the SPI names a
        # single MN.
        return None, HA_ADMIN_PROHIBITED, \
            "cannot resolve NAI %r to a home address" % req.nai

    def by_spi(self, req, ext):
        spi = auth_spi(req.msg, ext)
        m = [mn for mn in self.mns if mn.sa.spi == spi]
        return m[0] if len(m) == 1 else None

    def expire(self):
        now = time.monotonic()
        for h in [h for h, b in self.bindings.items()
                  if b["expires"] is not None and b["expires"] <= now]:
            del self.bindings[h]

    def handle(self, sock, data, peer):
        self.expire()
        if not data or data[0] != RRQ:
            self.counts["discarded"] += 1
            return self.log.emit({"event": "discard", "from": "%s:%d" % peer,
                                  "reason": "not a registration request"})
        self.counts["requests"] += 1
        if len(data) < REQ_FIXED:
            self.counts["discarded"] += 1
            return self.log.emit({"event": "discard", "from": "%s:%d" % peer,
                                  "reason": "shorter than 24 bytes"})
        try:
            req = Request(data)
        except Malformed as e:
            req = Request.__new__(Request)
            (_, req.flags, req.lifetime, req.home, req.ha, req.coa,
             req.ident) = struct.unpack_from("!BBHIIIQ", data)
            req.nai, req.exts, req.msg = None, [], data
            return self.answer(sock, peer, req, None, HA_POORLY_FORMED,
                               str(e), fa_sa=self.peers.get(peer[0]))
        rec = self.process(req, peer)
        return self.answer(sock, peer, req, *rec)

    def process(self, req, peer):
        """(mn, code, reason, fa_sa, reply ident) for a parsed request."""
        fa_sa = self.peers.get(peer[0])
        mnha = [i for i, e in enumerate(req.exts) if e.type == EXT_MN_HA]
        if len(mnha) > 1:
            return None, HA_POORLY_FORMED, "more than one MN-HA extension", \
                fa_sa, None
        faha = [i for i, e in enumerate(req.exts) if e.type == EXT_FA_HA]
        if len(faha) > 1 or (faha and (not mnha or faha[0] < mnha[0])):
            return None, HA_POORLY_FORMED, "FA-HA extension misplaced", \
                fa_sa, None
        for e in req.exts:
            if e.type < 128 and e.type not in (EXT_MN_HA, EXT_MN_FA,
                                               EXT_FA_HA, EXT_GEN_AUTH,
                                               EXT_CVSE):
                # RFC 5944 1.9: an unknown non-skippable extension makes
                # the whole message be discarded silently.
                return None, None, "unknown non-skippable extension %d" \
                    % e.type, fa_sa, None
        mn, code, reason = self.lookup(req)
        if not mnha:
            return mn, HA_MN_AUTH_FAILED, "no MN-HA authentication", fa_sa, \
                None
        ext = req.exts[mnha[0]]
        if mn is None:
            return self.by_spi(req, ext), code, reason, fa_sa, None
        if not auth_valid(req.msg, ext, mn.sa):
            return mn, HA_MN_AUTH_FAILED, "MN-HA authenticator invalid", \
                fa_sa, None
        if faha and fa_sa is None:
            return mn, HA_FA_AUTH_FAILED, "no FA-HA security association " \
                "with %s" % peer[0], None, None
        if fa_sa is not None:
            if not faha:
                return mn, HA_FA_AUTH_FAILED, "no FA-HA authentication", \
                    fa_sa, None
            if not auth_valid(req.msg, req.exts[faha[0]], fa_sa):
                return mn, HA_FA_AUTH_FAILED, "FA-HA authenticator invalid", \
                    fa_sa, None
        if code is not None:
            return mn, code, reason, fa_sa, None
        if req.ha not in self.ha_ints:
            return mn, HA_UNKNOWN_HA, "home agent %s is not us" \
                % int2ip(req.ha), fa_sa, None
        # Identification (RFC 5944 5.7)
        low = req.ident & 0xFFFFFFFF
        if mn.replay == "timestamp":
            now = int(ntp_now()) & 0xFFFFFFFF
            high = req.ident >> 32
            if abs(high - now) > self.skew:
                return mn, HA_BAD_IDENT, "timestamp %d s off" % (high - now), \
                    fa_sa, (now << 32) | low
            if mn.last_ident is not None and req.ident <= mn.last_ident:
                return mn, HA_BAD_IDENT, "timestamp not newer than the last " \
                    "accepted one", fa_sa, (now << 32) | low
            mn.last_ident = req.ident
            ident = req.ident
        else:
            fresh = random.getrandbits(32)
            if mn.nonce is None or req.ident >> 32 != mn.nonce:
                mn.nonce = fresh
                return mn, HA_BAD_IDENT, "nonce mismatch", fa_sa, \
                    (fresh << 32) | low
            mn.nonce = fresh
            ident = (fresh << 32) | low
        for i, e in enumerate(req.exts):
            if e.type == EXT_CVSE:
                before = i < mnha[0]
                return mn, HA_CVSE_FROM_MN if before else HA_CVSE_FROM_FA, \
                    "CVSE not understood", fa_sa, ident
        return mn, CODE_ACCEPTED, None, fa_sa, ident

    def answer(self, sock, peer, req, mn, code, reason, fa_sa, ident):
        rec = {"event": "request", "from": "%s:%d" % peer,
               "home": int2ip(req.home), "nai": req.nai,
               "coa": int2ip(req.coa), "flags": req.flags,
               "lifetime": req.lifetime, "ident": "%016x" % req.ident,
               "exts": ext_types(req.exts), "mn": mn.name if mn else None}
        if code is None:
            self.counts["discarded"] += 1
            rec.update(event="discard", reason=reason)
            return self.log.emit(rec)
        # The binding is the MN's; the reply names the home address the
        # request did, or on acceptance the one assigned (RFC 2794).
        home = mn.home if mn else req.home
        lifetime = 0
        if code != CODE_ACCEPTED:
            home = req.home
        else:
            if req.flags & FLAG_S:
                code = CODE_ACCEPTED_NO_SIMUL
            if req.lifetime == 0:
                self.bindings.pop(home, None)
            else:
                lifetime = req.lifetime
                if self.lifetime_max is not None:
                    lifetime = min(lifetime, self.lifetime_max)
                self.bindings[home] = {
                    "coa": req.coa, "lifetime": lifetime,
                    "expires": None if lifetime == INFINITE_LIFETIME else
                    time.monotonic() + lifetime}
                # Returning home: the care-of address is the home address.
                if req.coa == home:
                    self.bindings.pop(home, None)
        msg = build_reply(code, lifetime, home, req.ha,
                          req.ident if ident is None else ident)
        if req.nai is not None:
            msg += nai_ext(req.nai)
        if mn is not None:
            msg = auth_ext(EXT_MN_HA, mn.sa, msg)
        has_faha = any(e.type == EXT_FA_HA for e in req.exts)
        if fa_sa is not None and (has_faha or peer[0] in self.peers):
            msg = auth_ext(EXT_FA_HA, fa_sa, msg)
        how = self.malformed.get(req.lifetime)
        if how == "overrun" and len(msg) > REP_FIXED + 1:
            # The first extension's length runs past the end.
            msg = msg[:REP_FIXED + 1] + b"\xff" + msg[REP_FIXED + 2:]
        elif how == "dup-mnha" and mn is not None:
            msg = auth_ext(EXT_MN_HA, mn.sa, msg)
        delay = self.delays.get(req.lifetime)
        if delay:
            time.sleep(delay)
        sock.sendto(msg, peer)
        self.counts["accepted" if code < 2 else "denied"] += 1
        b = self.bindings.get(home)
        rec.update(code=code, reason=reason, reply_home=int2ip(home),
                   granted=lifetime, reply_ident="%016x" % struct.unpack_from(
                       "!Q", msg, 12)[0],
                   mn_ha=mn is not None, fa_ha=fa_sa is not None and
                   (has_faha or peer[0] in self.peers),
                   binding_coa=int2ip(b["coa"]) if b else None,
                   binding_lifetime=b["lifetime"] if b else None,
                   bindings=len(self.bindings), reply=msg.hex())
        self.log.emit(rec)


def cmd_ha(args):
    log = Logger(args.json_log)
    ha = HomeAgent(args, log)
    serve(ha.socks, ha.handle, log, "ha", {"mns": len(ha.mns),
                                           "peers": len(ha.peers)})
    rec = {"event": "exit", "role": "ha", "bindings": len(ha.bindings)}
    rec.update(ha.counts)
    log.emit(rec, also_stdout=True)
    return 0


# ----------------------------------------------------------------- MN

def parse_vendor(spec, what):
    try:
        vid, vtype, value = spec.split(":", 2)
        return parse_int(vid), parse_int(vtype), bytes.fromhex(value)
    except ValueError:
        raise ValueError("--%s %r: want VENDOR:TYPE:HEX" % (what, spec))


def cvse(vid, vtype, value):
    # RFC 3115: type, reserved, 16-bit length, vendor id, vendor type, value
    return struct.pack("!BBHIH", EXT_CVSE, 0, 6 + len(value), vid,
                       vtype) + value


def nvse(vid, vtype, value):
    # RFC 3115: type, length, reserved (16), vendor id, vendor type, value
    if 8 + len(value) > 255:
        raise ValueError("NVSE value too long")
    return struct.pack("!BBHIH", EXT_NVSE, 8 + len(value), 0, vid,
                       vtype) + value


def raw_ext(spec):
    t, _, value = spec.partition(":")
    t = parse_int(t)
    data = bytes.fromhex(value)
    if t in LONG_FORMAT:
        return struct.pack("!BBH", t, 0, len(data)) + data
    return struct.pack("!BB", t, len(data)) + data


class MobileNodeClient:
    def __init__(self, args):
        self.args = args
        self.sa = SA(args.spi, read_key(args.key_file), args.auth)
        self.colocated = args.colocated or not args.fa
        if not args.coa and not args.fa:
            raise ValueError("give --coa (co-located) or --fa")
        self.coa = args.coa or args.fa
        self.dst = args.fa or args.ha
        flags = 0
        if self.colocated:
            flags |= FLAG_D
        if args.simultaneous:
            flags |= FLAG_S
        if args.reverse_tunnel:
            flags |= FLAG_T
        self.flags = flags | args.flags
        self.pre = b""	# extensions for the HA, before the MN-HA one
        self.post = b""	# extensions for the FA, after it
        for spec in args.ext or []:
            self.pre += raw_ext(spec)
        for spec in args.cvse or []:
            self.pre += cvse(*parse_vendor(spec, "cvse"))
        for spec in args.nvse or []:
            self.pre += nvse(*parse_vendor(spec, "nvse"))
        for spec in args.fa_ext or []:
            self.post += raw_ext(spec)
        for spec in args.fa_nvse or []:
            self.post += nvse(*parse_vendor(spec, "fa-nvse"))
        src = args.src or (self.coa if self.colocated and not args.fa
                           else "0.0.0.0")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((src, args.sport))
        self.clock_offset = args.clock_offset
        self.nonce = args.nonce
        self.last_ident = 0

    def new_ident(self):
        if self.args.ident == "nonce":
            return (self.nonce << 32) | random.getrandbits(32)
        t = ntp_now(self.clock_offset)
        secs = int(t) & 0xFFFFFFFF
        frac = int((t - int(t)) * (1 << 32))
        # Bits below the clock's resolution (about 2^-20 s) are random.
        frac = (frac & ~0xFFF) | random.getrandbits(12)
        ident = (secs << 32) | frac
        if ident <= self.last_ident:
            ident = self.last_ident + 1
        self.last_ident = ident
        return ident

    def build(self, ident, lifetime):
        a = self.args
        msg = build_request(self.flags, lifetime, a.home, a.ha, self.coa,
                            ident)
        if a.nai is not None:
            msg += nai_ext(a.nai)
        msg += self.pre
        msg = auth_ext(EXT_MN_HA, self.sa, msg)
        return msg + self.post

    def check_reply(self, data, sent):
        """The result dict for a reply to one of sent, or None."""
        try:
            rep = Reply(data)
        except Malformed:
            return None
        req_ident = sent.get(rep.ident & 0xFFFFFFFF)
        if req_ident is None:
            return None
        mnha = [e for e in rep.exts if e.type == EXT_MN_HA]
        auth_ok = len(mnha) == 1 and auth_valid(data, mnha[0], self.sa)
        return {"code": rep.code, "lifetime": rep.lifetime,
                "home": int2ip(rep.home), "ha": int2ip(rep.ha),
                "ident": "%016x" % rep.ident,
                "request_ident": "%016x" % req_ident,
                "ident_ok": rep.ident & 0xFFFFFFFF ==
                req_ident & 0xFFFFFFFF,
                "auth_ok": auth_ok,
                "fa_denial": 64 <= rep.code <= 127 and not mnha,
                "nai": rep.nai, "exts": ext_types(rep.exts),
                "reply": data.hex()}

    def register(self, lifetime):
        a = self.args
        t0 = time.monotonic()
        deadline = t0 + a.timeout
        rto = a.retransmit
        sent = {}	# low 32 bits -> full Identification
        resyncs = 0
        retransmissions = 0
        ident = self.new_ident()
        msg = self.build(ident, lifetime)
        sent[ident & 0xFFFFFFFF] = ident
        self.sock.sendto(msg, (self.dst, PORT))
        next_tx = time.monotonic() + rto
        while True:
            now = time.monotonic()
            if now >= deadline:
                return {"code": None, "timeout": True, "lifetime": None,
                        "home": a.home, "ha": a.ha, "ident": None,
                        "request_ident": "%016x" % ident, "auth_ok": False,
                        "retransmissions": retransmissions,
                        "request": msg.hex()}
            wait = max(0.0, min(next_tx, deadline) - now)
            r, _, _ = select.select([self.sock], [], [], wait)
            if not r:
                if time.monotonic() >= next_tx:
                    # RFC 5944 3.6.3: timestamps, a new Identification per
                    # retransmission; nonces, the request unchanged.
                    if a.ident == "timestamp":
                        ident = self.new_ident()
                        msg = self.build(ident, lifetime)
                        sent[ident & 0xFFFFFFFF] = ident
                    self.sock.sendto(msg, (self.dst, PORT))
                    retransmissions += 1
                    rto *= 2
                    next_tx = time.monotonic() + rto
                continue
            data, src = self.sock.recvfrom(65535)
            res = self.check_reply(data, sent)
            if res is None:
                continue
            if (res["code"] == HA_BAD_IDENT and res["auth_ok"] and
                    (a.resync or a.ident == "nonce") and resyncs < 2):
                # Resynchronise on the home agent's high-order 32 bits.
                high = int(res["ident"], 16) >> 32
                if a.ident == "nonce":
                    self.nonce = high
                else:
                    self.clock_offset += high - (int(ntp_now(
                        self.clock_offset)) & 0xFFFFFFFF)
                    self.last_ident = 0
                resyncs += 1
                ident = self.new_ident()
                msg = self.build(ident, lifetime)
                sent = {ident & 0xFFFFFFFF: ident}
                self.sock.sendto(msg, (self.dst, PORT))
                rto = a.retransmit
                next_tx = time.monotonic() + rto
                continue
            if a.ident == "nonce":
                res["next_nonce"] = int(res["ident"], 16) >> 32
                if res["auth_ok"]:
                    self.nonce = res["next_nonce"]
            res.update(timeout=False, retransmissions=retransmissions,
                       resyncs=resyncs, src="%s:%d" % src,
                       rtt_ms=round((time.monotonic() - t0) * 1000, 1),
                       request=msg.hex())
            return res


def cmd_mn(args):
    try:
        mn = MobileNodeClient(args)
    except (ValueError, OSError) as e:
        print("mipagent mn: %s" % e, file=sys.stderr)
        return 3
    signal.signal(signal.SIGTERM, on_signal)
    worst = 0
    lifetime = 0 if args.dereg else args.lifetime
    try:
        for i in range(args.count):
            if i and args.interval:
                time.sleep(args.interval)
            res = mn.register(lifetime)
            res["seq"] = i
            res["requested_lifetime"] = lifetime
            if res["timeout"]:
                status = 2
            elif (res["code"] in (CODE_ACCEPTED, CODE_ACCEPTED_NO_SIMUL)
                  and res["auth_ok"]):
                status = 0
            else:
                status = 1
            worst = max(worst, status)
            if args.json:
                print(json.dumps(res), flush=True)
            elif res["timeout"]:
                print("registration %d: no reply" % i, flush=True)
            else:
                print("registration %d: code %d lifetime %d home %s ident %s"
                      " auth %s" % (i, res["code"], res["lifetime"],
                                    res["home"], res["ident"],
                                    "ok" if res["auth_ok"] else "FAILED"),
                      flush=True)
    except Stop:
        return 1
    return worst


# ---------------------------------------------------------------- send

def cmd_send(args):
    msg = bytes.fromhex(args.hex)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((args.src, 0))
    s.sendto(msg, (args.to, args.port))
    r, _, _ = select.select([s], [], [], args.timeout)
    if not r:
        print(json.dumps({"timeout": True}), flush=True)
        return 2
    data, src = s.recvfrom(65535)
    res = {"timeout": False, "src": "%s:%d" % src, "reply": data.hex()}
    try:
        rep = Reply(data)
        res.update(code=rep.code, lifetime=rep.lifetime,
                   home=int2ip(rep.home), ha=int2ip(rep.ha),
                   ident="%016x" % rep.ident, exts=ext_types(rep.exts))
        if args.spi is not None and args.key_file:
            sa = SA(args.spi, read_key(args.key_file), args.auth)
            mnha = [e for e in rep.exts if e.type == EXT_MN_HA]
            res["auth_ok"] = len(mnha) == 1 and auth_valid(data, mnha[0], sa)
    except Malformed as e:
        res["error"] = str(e)
    print(json.dumps(res), flush=True)
    return 0


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    algs = sorted(ALGS)

    p = sub.add_parser("mn", help="mobile node: register")
    p.add_argument("--ha", required=True, help="home agent address")
    p.add_argument("--home", default="0.0.0.0",
                   help="home address (default 0.0.0.0: assigned by the HA,"
                   " RFC 2794; needs --nai)")
    p.add_argument("--nai", help="NAI extension (type 131)")
    p.add_argument("--coa", help="care-of address (default: the --fa"
                   " address); without --fa a co-located one")
    p.add_argument("--fa", help="register through the foreign agent at ADDR")
    p.add_argument("--colocated", action="store_true",
                   help="co-located care-of address: D set (implied"
                   " without --fa; then sent directly to the HA)")
    p.add_argument("--spi", type=parse_int, required=True)
    p.add_argument("--key-file", required=True)
    p.add_argument("--auth", choices=algs, default="hmac-md5")
    p.add_argument("--lifetime", type=int, default=1800)
    p.add_argument("--dereg", action="store_true",
                   help="deregister (lifetime 0)")
    p.add_argument("--ident", choices=("timestamp", "nonce"),
                   default="timestamp")
    p.add_argument("--nonce", type=parse_int, default=0,
                   help="nonce mode: the HA's last nonce (high 32 bits)")
    p.add_argument("--resync", action="store_true",
                   help="timestamps: on an authentic 133, take the HA's"
                   " time and retry (nonce mode always does)")
    p.add_argument("--clock-offset", type=float, default=0.0,
                   help="seconds added to the MN's clock (tests)")
    p.add_argument("--count", type=int, default=1,
                   help="registrations in sequence")
    p.add_argument("--interval", type=float, default=0.0,
                   help="seconds between registrations")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds to wait for a reply, retransmissions"
                   " included")
    p.add_argument("--retransmit", type=float, default=1.0,
                   help="first retransmission after S seconds, doubling")
    p.add_argument("--src", help="local address (default: the co-located"
                   " care-of address, or any)")
    p.add_argument("--sport", type=int, default=0, help="local UDP port")
    p.add_argument("--simultaneous", action="store_true", help="S flag")
    p.add_argument("--reverse-tunnel", action="store_true", help="T flag")
    p.add_argument("--flags", type=parse_int, default=0,
                   help="extra flag bits ORed in")
    p.add_argument("--ext", action="append", metavar="TYPE:HEX",
                   help="raw extension before the MN-HA authentication")
    p.add_argument("--cvse", action="append", metavar="VENDOR:TYPE:HEX",
                   help="CVSE (38) before the MN-HA authentication")
    p.add_argument("--nvse", action="append", metavar="VENDOR:TYPE:HEX",
                   help="NVSE (134) before the MN-HA authentication")
    p.add_argument("--fa-ext", action="append", metavar="TYPE:HEX",
                   help="raw extension after the MN-HA authentication")
    p.add_argument("--fa-nvse", action="append", metavar="VENDOR:TYPE:HEX",
                   help="NVSE after the MN-HA authentication (for the FA)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per registration")

    p = sub.add_parser("fa", help="foreign agent")
    p.add_argument("--addr", action="append", required=True,
                   help="address to listen on (repeatable)")
    p.add_argument("--coa", action="append",
                   help="care-of address offered (repeatable; default any)")
    p.add_argument("--peer", help="home agent sharing an FA-HA association")
    p.add_argument("--spi", type=parse_int)
    p.add_argument("--key-file")
    p.add_argument("--auth", choices=algs, default="hmac-md5")
    p.add_argument("--relay-from", metavar="ADDR",
                   help="the --addr to relay requests to home agents from"
                   " (default: the kernel's source toward the HA if it is"
                   " an --addr, else the --addr closest to the HA's)")
    p.add_argument("--lifetime-max", type=int)
    p.add_argument("--pending-timeout", type=float, default=60.0)
    p.add_argument("--json-log", metavar="FILE")

    p = sub.add_parser("ha", help="home agent")
    p.add_argument("--addr", action="append", required=True,
                   help="home agent address (repeatable)")
    p.add_argument("--mn", action="append",
                   metavar="NAI,HOME,SPI,KEYFILE[,auth][,replay=nonce]",
                   help="a mobile node (repeatable; NAI may be empty)")
    p.add_argument("--mn-file", help="one --mn value per line, # comments")
    p.add_argument("--peer", action="append",
                   metavar="FA_ADDR,SPI,KEYFILE[,auth]",
                   help="a foreign agent sharing an FA-HA association")
    p.add_argument("--lifetime-max", type=int, default=1800)
    p.add_argument("--skew", type=int, default=7,
                   help="timestamp tolerance in seconds (RFC 5944: 7)")
    p.add_argument("--delay", action="append", metavar="LIFETIME:SECONDS",
                   help="answer requests for this lifetime only after"
                   " SECONDS, blocking (tests of late replies; repeatable)")
    p.add_argument("--malformed", action="append",
                   metavar="LIFETIME:overrun|dup-mnha",
                   help="answer requests for this lifetime with a reply whose"
                   " framing is broken: the first extension's length runs"
                   " past the end, or a second MN-HA authentication"
                   " extension (tests; repeatable)")
    p.add_argument("--json-log", metavar="FILE")

    p = sub.add_parser("send", help="send a datagram, print the reply")
    p.add_argument("--to", required=True)
    p.add_argument("--port", type=int, default=PORT)
    p.add_argument("--src", default="0.0.0.0")
    p.add_argument("--hex", required=True)
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--spi", type=parse_int)
    p.add_argument("--key-file")
    p.add_argument("--auth", choices=algs, default="hmac-md5")

    args = ap.parse_args()
    try:
        return {"mn": cmd_mn, "fa": cmd_fa, "ha": cmd_ha,
                "send": cmd_send}[args.cmd](args)
    except (ValueError, OSError) as e:
        print("mipagent %s: %s" % (args.cmd, e), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
