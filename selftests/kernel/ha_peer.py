#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A mobile node (and, optionally, the foreign agent relaying for it) that
speaks the protected registration of Documentation/protocol.rst, written from
that document alone (with the section 8 helpers of
selftests/protocol/vectors.py, which are written from it too), for the home
agent suite (ha.sh). It never uses the module's code.

It sends one protected request to the home agent (or several, --count) and
prints one JSON object per reply: the code, whether the MN-HA authenticator
verifies with the derived key of 8.3, the Message String, the SA payloads
answered, and the fingerprints (8.6.5) of the keys it unwrapped (KDC modes)
or derived (Diffie-Hellman mode); with --fa-spi/--fa-key it also acts as the
FA of 9.1 (its NVSE offers and FA-HA authentication extension) and unwraps
KEY2 and KEY3 for the FA.

--mutate breaks the request in one way, to see the home agent deny it.
--again sends a second request once the first is answered: the same bytes
(a retransmission) or the same Identification with other bytes (a replay),
and says whether its reply is the first reply byte for byte.

Every reply line says whether the datagram holds the mobile node's NAI or
home address in clear ("clear"; an accepted reply's fixed part holds the
home address); --linger keeps listening once the replies expected have
come, and reports what else arrived.
"""

import argparse
import json
import os
import random
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "selftests", "protocol"))
import kat  # noqa: E402  (the RFC 3526 primes, computed from their formula)
import vectors as v  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import (  # noqa: E402
    X25519PrivateKey, X25519PublicKey)

NTP_UNIX = 2208988800
_MODP = {}


def modp(group):
    """The RFC 3526 prime of a group, computed on first use (slow)."""
    if not _MODP:
        _MODP.update(kat.primes(check=False)[0])
    return _MODP[group]

MUTATIONS = (
    "none", "wrong-key", "unknown-spi", "flip-nai", "flip-ip", "flip-sa",
    "flip-ke", "flip-auth", "resign-flip-nai", "resign-flip-ip",
    "nai-mismatch", "bad-offer", "reserved-vtype", "sa-in-request",
    "kdc-key", "low-spi", "fa-wrong-key", "fa-no-auth", "twice",
    "no-mnha", "overrun", "dup-mnha",
)


def cvse(vendor, vtype, value):
    return struct.pack(">BBHIH", 38, 0, 6 + len(value), vendor, vtype) + value


def nvse(vendor, vtype, value):
    return struct.pack(">BBHIH", 134, 8 + len(value), 0, vendor,
                       vtype) + value


def enc_elem(vendor, alg, key0, spi, fixed, ident, vtype, content, index,
             plaintext):
    """8.2: an encrypted element (E = 1) in a CVSE, direction 1."""
    head = struct.pack(">BBI", content, 0x80, spi)
    vhead = struct.pack(">BBHIH", 38, 0, 6 + 6 + len(plaintext) + 16,
                        vendor, vtype)
    k = v.kdf(key0, b"mipkex id-enc", struct.pack(">IQ", spi, ident), 256)
    n = struct.pack(">Q", ident) + bytes([1, index, 0, 0])
    return vhead + head + v.aead(alg, k).encrypt(n, plaintext,
                                                 fixed + vhead + head)


def auth_ext(etype, spi, key, body, alg="sha256"):
    size = 32 if alg == "sha256" else 16
    covered = body + struct.pack(">BBI", etype, 4 + size, spi)
    mac = v.hmac_sha256(key, covered) if alg == "sha256" else \
        v.hmac_md5(key, covered)
    return covered + mac


def parse_exts(msg, start):
    """[(type, offset, data offset, end)] of a message's extensions."""
    out, off = [], start
    while off < len(msg):
        t = msg[off]
        if t in (36, 38, 47):
            ln = struct.unpack_from(">H", msg, off + 2)[0]
            out.append((t, off, off + 4, off + 4 + ln))
            off += 4 + ln
        else:
            ln = msg[off + 1]
            out.append((t, off, off + 2, off + 2 + ln))
            off += 2 + ln
    if off != len(msg):
        raise ValueError("extensions overrun the message")
    return out


class Peer:
    def __init__(self, a):
        self.a = a
        self.key0 = bytes.fromhex(a.key)
        self.fa_key = bytes.fromhex(a.fa_key) if a.fa_key else None
        self.vendor = a.vendor
        self.alg = "AES-256-GCM"

    def ident(self):
        if self.a.ident:
            return int(self.a.ident, 16)
        if self.a.ident_low is not None:
            return ((int(time.time()) + NTP_UNIX) << 32) | self.a.ident_low
        return ((int(time.time()) + NTP_UNIX) << 32) | \
            random.getrandbits(32)

    def build(self, ident):
        a, m = self.a, self.a.mutate
        vend = self.vendor
        spi = a.spi + 7 if m == "unknown-spi" else a.spi
        ha = socket.inet_aton(a.ha_field or a.ha)
        coa = socket.inet_aton(a.coa or a.src)
        fixed = struct.pack(">BBH4s4s4sQ", 1, 0, a.lifetime, bytes(4), ha,
                            coa, ident)
        realm = b"@" + a.nai.split("@", 1)[1].encode()
        body = fixed + bytes([131, len(realm)]) + realm
        nai = a.nai.encode()
        if m == "nai-mismatch":
            nai = b"mallory@" + a.nai.split("@", 1)[1].encode()
        parts = {}
        parts["nai"] = enc_elem(vend, self.alg, self.key0, a.spi, fixed,
                                ident, 1, 0, 0, nai)
        parts["ip"] = enc_elem(vend, self.alg, self.key0, a.spi, fixed,
                               ident, 2, 0, 1, socket.inet_aton(a.home))
        xfs = [v.XF_HMAC_SHA1] if m == "bad-offer" else \
            [v.XF_AES_GCM_256, v.XF_CHACHA20]
        mn_spi = 0x10 if m == "low-spi" else a.mn_ha_spi
        self.offer1 = v.sa_value(1, v.offer(xfs, mn_spi))
        parts["sa"] = cvse(vend, 5, self.offer1)
        self.offer2 = None
        if self.fa_key:
            self.offer2 = v.sa_value(2, v.offer([v.XF_AES_GCM_256],
                                                a.mn_fa_spi))
            parts["sa"] += cvse(vend, 5, self.offer2)
        self.priv = None
        if a.mode in ("stateful", "semi"):
            kval = struct.pack(">BBI", 1 if a.mode == "stateful" else 2, 0,
                               0)
            if m == "kdc-key":
                kval += bytes(40)
            parts["ke"] = cvse(vend, 10, kval)
        elif a.mode == "x25519":
            self.priv = os.urandom(32)
            pub = v.x25519_public(self.priv)
            parts["ke"] = cvse(vend, 8, struct.pack(">HH", 31, 0) + pub)
        elif a.mode.startswith("modp"):
            g = int(a.mode[4:]) if a.mode[4:] in ("14", "15") else 14
            self.group = g
            p = modp(g)
            self.priv = random.getrandbits(256) | 1
            plen = (p.bit_length() + 7) // 8
            pub = pow(2, self.priv, p).to_bytes(plen, "big")
            parts["ke"] = cvse(vend, 8, struct.pack(">HH", g, 0) + pub)
        else:
            parts["ke"] = b""
        if m == "reserved-vtype":
            parts["ke"] += cvse(vend, 11, b"\x00\x00")
        if m == "sa-in-request":
            parts["ke"] += cvse(vend, 4, struct.pack(">BBI", 2, 0, 0) +
                                bytes(10 + 32))
        self.req_parts = [parts["sa"], parts["ke"]]
        body += parts["nai"] + parts["ip"] + parts["sa"] + parts["ke"]
        offsets = {}
        off = len(fixed) + 2 + len(realm)
        for k in ("nai", "ip", "sa", "ke"):
            offsets[k] = (off, off + len(parts[k]))
            off += len(parts[k])
        flip = {"flip-nai": "nai", "flip-ip": "ip", "flip-sa": "sa",
                "flip-ke": "ke", "resign-flip-nai": "nai",
                "resign-flip-ip": "ip"}.get(m)
        if flip and m.startswith("resign-"):
            b = bytearray(body)
            b[offsets[flip][1] - 1] ^= 0x01
            body = bytes(b)
        mnha_key = v.kdf(self.key0 if m != "wrong-key" else bytes(32),
                         b"mipkex mn-ha", struct.pack(">IQ", spi, ident), 256)
        msg = auth_ext(32, spi, mnha_key, body)
        # Framing (3.1-3.3) the codec refuses: no MN-HA authentication
        # extension; an extension running past the end; two MN-HA ones.
        if m == "no-mnha":
            msg = body
        elif m == "overrun":
            msg += bytes([134, 48, 0, 0])
        elif m == "dup-mnha":
            msg = auth_ext(32, spi, mnha_key, msg)
        if flip and not m.startswith("resign-"):
            b = bytearray(msg)
            b[offsets[flip][1] - 1] ^= 0x01
            msg = bytes(b)
        if m == "flip-auth":
            msg = msg[:-1] + bytes([msg[-1] ^ 1])
        if self.fa_key and m != "fa-no-auth":
            o2 = v.sa_value(2, v.offer([v.XF_AES_GCM_256, v.XF_CHACHA20],
                                       a.fa_mn_fa_spi))
            o3 = v.sa_value(3, v.offer([v.XF_CHACHA20, v.XF_AES_GCM_256],
                                       a.fa_fa_ha_spi))
            msg += nvse(vend, 5, o2) + nvse(vend, 5, o3)
            fkey = bytes(32) if m == "fa-wrong-key" else self.fa_key
            msg = auth_ext(34, a.fa_spi, fkey, msg)
        return msg

    def check(self, req, rep):
        """The reply's checks; a dict for the JSON line."""
        a = self.a
        out = {}
        code, life = rep[1], struct.unpack_from(">H", rep, 2)[0]
        home, ha = rep[4:8], rep[8:12]
        rid = struct.unpack_from(">Q", rep, 12)[0]
        out.update(code=code, lifetime=life, home=socket.inet_ntoa(home),
                   ident="%016x" % rid,
                   low_ok=(rid & 0xffffffff) ==
                   (struct.unpack_from(">Q", req, 16)[0] & 0xffffffff))
        exts = parse_exts(rep, 20)
        out["exts"] = [t for t, *_ in exts]
        mnha = [e for e in exts if e[0] == 32]
        out["mn_ha"] = "none"
        if mnha:
            t, off, d, end = mnha[0]
            spi = struct.unpack_from(">I", rep, d)[0]
            k = v.kdf(self.key0, b"mipkex mn-ha",
                      struct.pack(">IQ", spi, rid), 256)
            mac = v.hmac_sha256(k, rep[:d + 4])
            out["mn_ha"] = "ok" if rep[d + 4:end] == mac else "bad"
        cv = []
        nv = []
        for t, off, d, end in exts:
            if t == 145:
                out["message"] = rep[d + 1:end].decode(errors="replace")
            if t == 131:
                out["nai"] = rep[d:end].decode(errors="replace")
            if t in (38, 134):
                vid = struct.unpack_from(">I", rep, d if t == 38 else d + 2)[0]
                if vid != self.vendor:
                    continue
                vo = d + 4 if t == 38 else d + 6
                vt = struct.unpack_from(">H", rep, vo)[0]
                (cv if t == 38 else nv).append((vt, off, vo + 2, end))
        out["cvse"] = [x[0] for x in cv]
        out["nvse"] = [x[0] for x in nv]
        out["sa_payloads"] = [rep[x[2]] for x in cv if x[0] == 5]
        out["fa_sa_payloads"] = [rep[x[2]] for x in nv if x[0] == 5]
        for x in cv:
            if x[0] == 5 and rep[x[2]] == 1:
                out["sa1"] = rep[x[2]:x[3]].hex()
        if out["mn_ha"] != "ok":
            return out
        keys = {}
        idx = 0
        fixed = rep[:20]
        for vt, off, vo, end in cv:
            if vt != 4:
                continue
            content, flags, spi = struct.unpack_from(">BBI", rep, vo)
            wk = v.kdf(self.key0, b"mipkex wrap", struct.pack(">IQ", spi, rid),
                       256)
            n = struct.pack(">Q", rid) + bytes([2, idx, 0, 0])
            idx += 1
            pt = v.aead(self.alg, wk).decrypt(n, rep[vo + 6:end],
                                              fixed + rep[off:vo + 6])
            kl = pt[8]
            keys["mn_key%d" % {2: 1, 0: 3}[content]] = pt[10:10 + kl]
            out["mn_sa_spi%d" % {2: 1, 0: 3}[content]] = \
                struct.unpack_from(">I", pt)[0]
            out["key_lifetime"] = struct.unpack_from(">I", pt, 4)[0]
        if self.priv is not None:
            ke = [x for x in cv if x[0] == 8]
            if ke:
                vt, off, vo, end = ke[0]
                grp = struct.unpack_from(">H", rep, vo)[0]
                pub = rep[vo + 4:end]
                if grp == 31:
                    z = X25519PrivateKey.from_private_bytes(self.priv) \
                        .exchange(X25519PublicKey.from_public_bytes(pub))
                else:
                    p = modp(grp)
                    z = pow(int.from_bytes(pub, "big"), self.priv, p) \
                        .to_bytes(len(pub), "big")
                tr = b"".join(self.req_parts_cvse(req)) + b"".join(
                    rep[o:e] for t, o, vo2, e in cv if t in (5, 8, 9))
                keys["mn_key1"] = v.kdf(z, b"mipkex key1", tr, 256)
                keys["mn_key3"] = v.kdf(z, b"mipkex key3", tr, 256)
        if self.fa_key:
            faha = [e for e in exts if e[0] == 34]
            out["fa_ha"] = "none"
            if faha:
                t, off, d, end = faha[0]
                mac = v.hmac_sha256(self.fa_key, rep[:d + 4])
                out["fa_ha"] = "ok" if rep[d + 4:end] == mac else "bad"
            idx = 0
            for vt, off, vo, end in nv:
                if vt != 4:
                    continue
                content, flags, spi = struct.unpack_from(">BBI", rep, vo)
                wk = v.kdf(self.fa_key, b"mipkex wrap",
                           struct.pack(">IQ", spi, rid) + home + ha, 256)
                n = struct.pack(">Q", rid) + bytes([3, idx, 0, 0])
                idx += 1
                pt = v.aead(self.alg, wk).decrypt(n, rep[vo + 6:end],
                                                  fixed + rep[off:vo + 6])
                keys["fa_key%d" % {1: 2, 0: 3}[content]] = pt[10:10 + pt[8]]
        for k, val in keys.items():
            out[k] = v.fingerprint(val).hex()
        if a.seed:
            seed = bytes.fromhex(a.seed)
            ctxb = lambda n: bytes([n]) + socket.inet_aton(a.ha) + \
                bytes([len(a.nai)]) + a.nai.encode() + \
                socket.inet_aton(a.home) + socket.inet_aton(a.coa or a.src) \
                + req[16:24]
            out["semi_key1"] = v.fingerprint(
                v.kdf(seed, b"mipkex semi", ctxb(1), 256)).hex()
            out["semi_key3"] = v.fingerprint(
                v.kdf(seed, b"mipkex semi", ctxb(3), 256)).hex()
        return out

    def req_parts_cvse(self, req):
        """The request's CVSEs of vendor types 5, 8, 9, whole (8.6.3)."""
        out = []
        for t, off, d, end in parse_exts(req, 24):
            if t == 38 and struct.unpack_from(">I", req, d)[0] == \
                    self.vendor and \
                    struct.unpack_from(">H", req, d + 4)[0] in (5, 8, 9):
                out.append(req[off:end])
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ha", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--coa")
    ap.add_argument("--ha-field", help="home agent address of the fixed part"
                    " (default --ha)")
    ap.add_argument("--spi", type=lambda s: int(s, 0), required=True)
    ap.add_argument("--key", required=True, help="KEY0 in hex")
    ap.add_argument("--nai", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--mode", default="stateful",
                    choices=("stateful", "semi", "x25519", "modp14",
                             "modp15", "none"))
    ap.add_argument("--lifetime", type=int, default=600)
    ap.add_argument("--ident", help="Identification in hex")
    ap.add_argument("--ident-low", type=lambda s: int(s, 0),
                    help="a timestamp Identification (now) with these"
                    " low-order 32 bits")
    ap.add_argument("--mutate", default="none", choices=MUTATIONS)
    ap.add_argument("--seed", help="semi-stateful seed (hex), to check")
    ap.add_argument("--fa-spi", type=lambda s: int(s, 0))
    ap.add_argument("--fa-key", help="FA-HA key (hex): act as the FA too")
    ap.add_argument("--vendor", type=int, default=32473)
    ap.add_argument("--mn-ha-spi", type=lambda s: int(s, 0), default=0x400)
    ap.add_argument("--mn-fa-spi", type=lambda s: int(s, 0), default=0x401)
    ap.add_argument("--fa-mn-fa-spi", type=lambda s: int(s, 0),
                    default=0x601)
    ap.add_argument("--fa-fa-ha-spi", type=lambda s: int(s, 0),
                    default=0x602)
    ap.add_argument("--count", type=int, default=1,
                    help="send this many requests (fresh Identifications),"
                    " do not wait for replies beyond --timeout")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--dump", action="store_true",
                    help="print the request in hex too")
    ap.add_argument("--again", choices=("same", "changed"),
                    help="once the reply has come, send the same request"
                    " again (same), or one with the same Identification"
                    " and another lifetime (changed)")
    ap.add_argument("--again-after", type=float, default=0.0,
                    help="seconds to wait before --again")
    ap.add_argument("--linger", type=float, default=0.0,
                    help="then listen this many seconds more; print"
                    " {\"extra\": datagrams, \"clear\": whether one held"
                    " the NAI or home address}")
    a = ap.parse_args()
    peer = Peer(a)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.src, 0))
    s.settimeout(a.timeout)
    sent = []
    # Built first, sent back to back: a burst, however slow the building.
    reqs = [peer.build(peer.ident() + i) for i in range(a.count)]
    for req in reqs:
        if a.dump:
            print(json.dumps({"request": req.hex()}), flush=True)
        s.sendto(req, (a.ha, 434))
        sent.append(req)
        if a.mutate == "twice":
            s.sendto(req, (a.ha, 434))
            sent.append(req)
    if a.count > 1:
        n = 0
        try:
            while True:
                s.recv(65535)
                n += 1
        except socket.timeout:
            pass
        print(json.dumps({"sent": len(sent), "replies": n}))
        return 0
    rc = 0
    first = None
    ident = (a.nai.encode(), socket.inet_aton(a.home))
    clear = lambda d: any(x in d for x in ident)  # noqa: E731
    while sent:
        req = sent.pop(0)
        try:
            rep = s.recv(65535)
        except socket.timeout:
            print(json.dumps({"timeout": True}))
            return 2
        try:
            out = peer.check(req, rep)
        except Exception as e:  # a reply that fails a check: say so
            out = {"error": "%s: %s" % (type(e).__name__, e),
                   "reply": rep.hex()}
            rc = 1
        out["clear"] = clear(rep)
        if first is None:
            first = rep
        else:
            out["same_as_first"] = rep == first
        print(json.dumps(out), flush=True)
        if a.again and not sent and len(reqs) == 1:
            time.sleep(a.again_after)
            if a.again == "changed":
                a.lifetime += 1
                req = peer.build(struct.unpack_from(">Q", req, 16)[0])
            s.sendto(req, (a.ha, 434))
            sent.append(req)
            reqs.append(req)
    if a.linger:
        extra = []
        s.settimeout(a.linger)
        try:
            while True:
                extra.append(s.recv(65535))
        except socket.timeout:
            pass
        print(json.dumps({"extra": len(extra),
                          "clear": any(clear(d) for d in extra)}))
    return rc


if __name__ == "__main__":
    sys.exit(main())
