#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Protocol peers for selftests/kernel/mnfa.sh, written from
Documentation/protocol.rst alone (sections 3-9); the section-8 primitives
come from selftests/protocol/vectors.py, itself written from the document.
No code of the module is used.

  ha   a home agent with the mipkex KDC: verifies and decrypts protected
       requests, answers them in the stateful, semi-stateful or
       Diffie-Hellman (X25519, MODP-2048) mode, with the FA's key deliveries
       when an FA offered; one JSON line per request on stdout
  mn   a mobile node: sends one protected request (KDC mode) and prints the
       reply it gets, its authenticator checked and its keys unwrapped
  bindings  the module's bindings in this namespace (generic netlink
       BINDING_GET dump, numbers from uapi/linux/mipkex.h) as JSON
  kinds  the malformed elements ha --inject and mn --inject know

Both peers can break one rule of the document on purpose (--inject), or
answer as a foreign agent denying the request (ha --fa-deny).

Keys are read from files of hex digits.
"""

import argparse
import json
import os
import secrets
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "protocol"))
import vectors as V  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.x25519 import (  # noqa: E402
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives import serialization  # noqa: E402

PORT = 434
VENDOR = 32473
# RFC 3526 group 14
MODP2048 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)
XF_DEFS = {V.XF_AES_GCM_256, V.XF_AES_GCM_128, V.XF_CHACHA20,
           V.XF_HMAC_SHA256}


def read_key(path):
    return bytes.fromhex(open(path).read().strip())


def hmac(key, data):
    return V.hmac_sha256(key, data)


def kdf(k, label, ctx, bits=256):
    return V.kdf(k, label, ctx, bits)


def fpr(key):
    return V.fingerprint(key).hex()


# ------------------------------------------------------------ framing (3)

def exts(msg, start):
    """(type, offset, end, data) of every extension (3.1)."""
    out, pos = [], start
    while pos < len(msg):
        t = msg[pos]
        if t in (36, 38, 47):
            ln = struct.unpack_from(">H", msg, pos + 2)[0]
            out.append((t, pos, pos + 4 + ln, msg[pos + 4:pos + 4 + ln]))
            pos += 4 + ln
        else:
            ln = msg[pos + 1]
            out.append((t, pos, pos + 2 + ln, msg[pos + 2:pos + 2 + ln]))
            pos += 2 + ln
    if pos != len(msg):
        raise ValueError("extension runs past the end")
    return out


def vse(e):
    """(vendor, vtype, value) of a CVSE (38) or NVSE (134) (3.3)."""
    t, _, _, d = e
    if t == 38:
        return struct.unpack_from(">IH", d)[0:2] + (d[6:],)
    return struct.unpack_from(">IH", d, 2)[0:2] + (d[8:],)


def cvse(vtype, value):
    return struct.pack(">BBHIH", 38, 0, 6 + len(value), VENDOR, vtype) + value


def nvse(vtype, value):
    assert len(value) <= 247
    return struct.pack(">BBHIH", 134, 8 + len(value), 0, VENDOR, vtype) + value


def auth_ok(msg, e, key):
    t, off, end, d = e
    return len(d) == 36 and hmac(key, msg[:off + 6]) == d[4:]


def sign(msg, etype, spi, key):
    covered = msg + struct.pack(">BBI", etype, 36, spi)
    return covered + hmac(key, covered)


# ------------------------------------------------------ elements (5, 8.2)

def seal(msg_fixed, vtype, content, spi, key, alg, ident, direction, index,
         pt, in_nvse=False):
    head = struct.pack(">BBI", content, 0x80, spi)
    if in_nvse:
        vh = struct.pack(">BBHIH", 134, 8 + 6 + len(pt) + 16, 0, VENDOR, vtype)
    else:
        vh = struct.pack(">BBHIH", 38, 0, 6 + 6 + len(pt) + 16, VENDOR, vtype)
    ct = V.aead(alg, key).encrypt(V.nonce(ident, direction, index), pt,
                                  msg_fixed + vh + head)
    return vh + head + ct


def open_elem(msg, fixed_len, e, key, alg, ident, direction, index):
    """Decrypt the INFO of the element in extension e of msg (8.2, 8.4)."""
    _, off, end, _ = e
    head, ct = msg[off + 10:off + 16], msg[off + 16:end]
    return V.aead(alg, key).decrypt(V.nonce(ident, direction, index), ct,
                                    msg[:fixed_len] + msg[off:off + 10] + head)


# ------------------------------------------------- negotiation (6.1-6.5)

def parse_sa(value):
    """(sub-type, proposals) of an SA payload value (6.1-6.3)."""
    sub, pos, props = value[0], 2, []
    while pos < len(value):
        _, ln, num, proto, pid, nx, life, spi = struct.unpack_from(
            ">HHBBBBII", value, pos)
        xfs, xp = [], pos + 16
        while xp < pos + ln:
            _, xl, xn, xt, xi, nk, _ = struct.unpack_from(">HHBBHBB", value, xp)
            xfs.append((xn, (xt, xi, bytes(value[xp + 10:xp + xl]))))
            xp += xl
        props.append(dict(number=num, protocol=proto, pid=pid,
                          lifetime=life, spi=spi, xfs=xfs))
        pos += ln
    return sub, props


def answer(props, own_spi):
    """6.4: the first proposal with an acceptable transform."""
    for p in props:
        for n, x in p["xfs"]:
            if x in XF_DEFS:
                return [dict(p, spi=own_spi, xfs=[(n, x)])]
    return None


def answer_mn_fa(mn_props, fa_props):
    """6.5: the MN's first proposal the FA's offer (a set) accepts."""
    for p in mn_props:
        for n, x in p["xfs"]:
            fa = [q for q in fa_props if q["protocol"] == p["protocol"] and
                  q["pid"] == p["pid"] and x in [y for _, y in q["xfs"]]]
            if fa and x in XF_DEFS:
                life = V.lifetime_min(p["lifetime"], fa[0]["lifetime"])
                a = dict(p, lifetime=life, xfs=[(n, x)])
                return [dict(a, spi=fa[0]["spi"])], [dict(a, spi=p["spi"])]
    return None, None


# --------------------------------------------- malformed elements (4-7)

# Each kind breaks one rule of sections 4-7 and is otherwise well framed:
# (where, value). where: "cvse" goes before the MN-HA authentication
# extension (covered by it), "after" between it and the FA-HA one (the
# part for the FA, or after everything when there is none).
def _inject_table():
    sa3 = V.sa_value(3, V.offer([V.XF_AES_GCM_256], 0x5555))
    prop = struct.pack(">HHBBBBII", 6, 200, 1, 50, 2, 1, 0, 0x6666)
    gp_clear = bytes([0, 0]) + bytes(4)
    return {
        # a reserved vendor type in a CVSE (4): 100/101 at an FA
        "vtype-reserved": ("cvse", cvse(11, bytes(4))),
        "vtype-zero": ("cvse", cvse(0, b"")),
        # 5.1-5.4
        "nai-short": ("cvse", cvse(1, bytes(3))),
        "ip-length": ("cvse", cvse(2, gp_clear + bytes([10, 0, 3]))),
        "l2-content": ("cvse", cvse(3, bytes([9, 0]) + bytes(4) + bytes(6))),
        "sa-key2-cvse": ("cvse", cvse(4, bytes([1, 0]) + bytes(4) +
                                      V.sa_info(0x4444, bytes(32), 600))),
        "clear-spi": ("cvse", cvse(2, bytes([0, 0, 0, 0, 1, 0]) +
                                   bytes([10, 0, 3, 1]))),
        # 6.1-6.3
        "sa-fa-ha-cvse": ("cvse", cvse(5, sa3)),
        "proposal-length": ("cvse", cvse(5, bytes([1, 0]) + prop)),
        "proposal-alone": ("cvse", cvse(6, prop[:16])),
        "transform-alone": ("cvse", cvse(7, bytes(10))),
        # 7.1-7.3
        "dh-group": ("cvse", cvse(8, struct.pack(">HH", 99, 0) + bytes(32))),
        "dh-user": ("cvse", cvse(9, struct.pack(">H", 256) + bytes(10))),
        "kdc-mode": ("cvse", cvse(10, struct.pack(">BBI", 7, 0, 0))),
        # the same element twice
        "duplicate": ("cvse", cvse(3, bytes([0, 0]) + bytes(4) + bytes(6)) * 2),
        # placement: a CVSE after the MN-HA authentication extension, an
        # element that travels only in CVSEs in an NVSE
        "cvse-after-auth": ("after", cvse(3, gp_clear + bytes(6))),
        "nvse-identity": ("after", nvse(1, gp_clear + b"x")),
        # NVSEs the table of section 4 does not allow: an MN-HA SA payload,
        # KEY1 for the FA
        "nvse-sa-mn-ha": ("after", nvse(5, V.sa_value(1, V.offer(
            [V.XF_AES_GCM_256], 0x7777)))),
        "nvse-key1": ("after", nvse(4, bytes([2, 0]) + bytes(4) +
                                    V.sa_info(0x4444, bytes(32), 600))),
    }


INJECT = _inject_table()
# Not in the table: "kdc-key", a non-empty vendor type 10 (7.3) in place of
# the empty one of the KDC modes.
INJECT_KINDS = sorted(INJECT) + ["kdc-key"]
# Not malformed elements, so not among the kinds: an extension of type 100,
# which no node knows (0-127: the receiver discards the message, RFC 5944
# 1.9), in the MN's part ("crit-unknown") or in the FA's ("fa:crit-unknown").
EXTRA = {"crit-unknown": ("cvse", bytes([100, 2, 0, 0]))}
# Kinds of the mobile node's requests only.
MN_ONLY_KINDS = ["sa-key1", "nvse-sa-payload", "no-mn-ha", "dup-mn-ha"]


def kdc_key_payload(mode):
    """A vendor type 10 carrying a wrapped key, which no sender sends (7.3)."""
    return cvse(10, struct.pack(">BBI", mode, 0, 4097) + bytes(48))


def rand_spi(other=()):
    while True:
        s = secrets.randbits(32)
        if s >= 256 and s not in other:
            return s


# ------------------------------------------------------------------ HA

class HA:
    def __init__(self, a):
        self.a = a
        spi, nai, home, kf = a.key0.split(",")
        self.spi, self.nai, self.home = int(spi, 0), nai.encode(), home
        self.key0 = read_key(kf)
        self.peers = {}
        for p in a.peer or []:
            addr, spi, kf = p.split(",")
            self.peers[addr] = (int(spi, 0), read_key(kf))
        self.bad_peer_key = read_key(a.bad_faha_key) if a.bad_faha_key \
            else None
        # One kind per request, in order; "fa:KIND" in the FA's part.
        self.injects = a.inject.split(",") if a.inject else []
        self.seed = bytes(range(0x60, 0x80))

    def handle(self, msg, src):
        a, log = self.a, {"event": "request", "from": src[0]}
        kind = self.injects.pop(0) if self.injects else None
        fa_side = kind is not None and kind.startswith("fa:")
        if fa_side:
            kind = kind[3:]
        if kind not in INJECT_KINDS + list(EXTRA) + ["dup-mn-ha", None]:
            raise ValueError("unknown --inject kind %s" % kind)
        log["inject"] = kind
        fixed, ident = msg[:24], msg[16:24]
        ha_addr, coa = msg[8:12], msg[12:16]
        es = exts(msg, 24)
        mnha = [e for e in es if e[0] == 32][0]
        spi = struct.unpack_from(">I", mnha[3])[0]
        log["key0_spi"] = spi
        log["home_field"] = socket.inet_ntoa(msg[4:8])
        nai_ext = [e for e in es if e[0] == 131]
        log["nai_ext"] = nai_ext[0][3].decode() if nai_ext else None
        log["mn_auth_ok"] = spi == self.spi and auth_ok(
            msg, mnha, kdf(self.key0, b"mipkex mn-ha", V.ctx(spi, ident)))
        idk = kdf(self.key0, b"mipkex id-enc", V.ctx(spi, ident))
        idx, offers, ke, tr = 0, {}, None, []
        for e in es:
            if e[1] > mnha[1] or e[0] != 38 or vse(e)[0] != VENDOR:
                continue
            _, vt, val = vse(e)
            if vt in (1, 2, 3) and val[1] & 0x80:
                pt = open_elem(msg, 24, e, idk, "AES-256-GCM", ident, 1, idx)
                idx += 1
                if vt == 1:
                    log["nai"] = pt.decode()
                elif vt == 2:
                    log["home"] = socket.inet_ntoa(pt)
            elif vt == 5:
                offers[val[0]] = parse_sa(val)[1]
                tr.append(msg[e[1]:e[2]])
            elif vt in (8, 9, 10):
                ke = (vt, val)
                if vt != 10:
                    tr.append(msg[e[1]:e[2]])
        log["offers"] = {str(k): [p["spi"] for p in v]
                         for k, v in offers.items()}
        log["offer_xfs"] = {str(k): [list(x[1][:2]) for p in v
                                     for x in p["xfs"]]
                            for k, v in offers.items()}
        faha = [e for e in es if e[0] == 34]
        peer = self.peers.get(src[0])
        fa_offers = {}
        if faha and peer:
            log["fa_auth_ok"] = auth_ok(msg, faha[0], peer[1])
            for e in es:
                if e[0] == 134 and e[1] > mnha[1] and vse(e)[0] == VENDOR \
                        and vse(e)[1] == 5:
                    sub, props = parse_sa(vse(e)[2])
                    fa_offers[sub] = props
            log["fa_offers"] = {str(k): [p["spi"] for p in v]
                                for k, v in fa_offers.items()}
            log["fa_offer_xfs"] = {str(k): [list(x[1][:2]) for p in v
                                            for x in p["xfs"]]
                                   for k, v in fa_offers.items()}
            log["request_mn_part"] = msg[:mnha[2]].hex()
        log["request"] = msg.hex()
        log["ke"] = ke[0] if ke else None
        home = socket.inet_aton(log.get("home", self.home))
        if a.fa_deny:
            # A foreign agent's denial (RFC 5944): the request's home
            # address, its NAI extension echoed, no authentication.
            body = struct.pack(">BBH4s4s8s", 3, a.fa_deny, 0, msg[4:8],
                               ha_addr, ident)
            if nai_ext:
                body += msg[nai_ext[0][1]:nai_ext[0][2]]
            text = b"fa denial"
            body += bytes([145, 1 + len(text), 2]) + text	# RFC 4917
            if a.trailer:
                body += bytes.fromhex(a.trailer)
            log.update(keys={}, reply=body.hex(), fa_deny=a.fa_deny)
            return body, log
        code = a.code
        life = struct.unpack_from(">H", msg, 2)[0] if code <= 1 else 0
        rep_ident = ident
        rfixed = struct.pack(">BBH4s4s8s", 3, code, life,
                             home if code <= 1 else msg[4:8], ha_addr,
                             rep_ident)
        body = rfixed + (msg[nai_ext[0][1]:nai_ext[0][2]] if nai_ext else b"")
        keys = {}
        if code <= 1 and life:
            ha_spi = rand_spi()
            a1 = answer(offers[1], ha_spi)
            mnfa_mn = mnfa_fa = None
            if 2 in offers and 2 in fa_offers:
                mnfa_mn, mnfa_fa = answer_mn_fa(offers[2], fa_offers[2])
            elif 2 in offers and a.fake_fa:
                fake = V.offer([V.XF_AES_GCM_256, V.XF_CHACHA20],
                               rand_spi([offers[2][0]["spi"]]))
                mnfa_mn, mnfa_fa = answer_mn_fa(offers[2], fake)
            rtr = [cvse(5, V.sa_value(1, a1))]
            if mnfa_mn:
                rtr.append(cvse(5, V.sa_value(2, mnfa_mn)))
            log["answers"] = {"1": a1[0]["spi"],
                              "2": mnfa_mn[0]["spi"] if mnfa_mn else None}
            key2 = secrets.token_bytes(32)
            if ke[0] == 10:
                mode = 2 if a.mode == "semi" else 1
                if mode == 2:
                    nai = log["nai"].encode()
                    k1, key2, k3 = [kdf(self.seed, b"mipkex semi",
                                        V.semi_context(n, ha_addr, nai,
                                                       home, coa, ident))
                                    for n in (1, 2, 3)]
                else:
                    k1, k3 = secrets.token_bytes(32), secrets.token_bytes(32)
                kex = cvse(10, struct.pack(">BBI", mode, 0, 0))
                if kind == "kdc-key":
                    kex = kdc_key_payload(mode)
                body += b"".join(rtr) + kex
                wk = kdf(self.key0, b"mipkex wrap", V.ctx(spi, rep_ident))
                body += seal(rfixed, 4, 2, spi, wk, "AES-256-GCM", rep_ident,
                             2, 0, V.sa_info(rand_spi(), k1, life))
                if mnfa_mn:
                    body += seal(rfixed, 4, 0, spi, wk, "AES-256-GCM",
                                 rep_ident, 2, 1, V.sa_info(0x3333, k3, life))
            else:
                group, pub = struct.unpack_from(">H", ke[1])[0], ke[1][4:]
                if group == 31:
                    x = X25519PrivateKey.generate()
                    mypub = x.public_key().public_bytes(
                        serialization.Encoding.Raw,
                        serialization.PublicFormat.Raw)
                    z = x.exchange(X25519PublicKey.from_public_bytes(pub))
                else:
                    assert group == 14 and len(pub) == 256
                    y = int.from_bytes(pub, "big")
                    assert 1 < y < MODP2048 - 1
                    x = secrets.randbits(256)
                    mypub = pow(2, x, MODP2048).to_bytes(256, "big")
                    z = pow(y, x, MODP2048).to_bytes(256, "big")
                kex = cvse(8, struct.pack(">HH", group, 0) + mypub)
                rtr.append(kex)
                body += b"".join(rtr)
                k1, k3 = V.dh_keys(z, b"".join(tr + rtr))
                log["group"] = group
            keys = {"key1": fpr(k1)}
            if mnfa_mn:
                keys["key3"] = fpr(k3)
            inj = INJECT.get(kind) or EXTRA.get(kind) or (None, b"")
            if inj[0] == "cvse" and not fa_side:
                body += inj[1]
            body = sign(body, 32, spi,
                        kdf(self.key0, b"mipkex mn-ha", V.ctx(spi, rep_ident)))
            if inj[0] == "after" and not (faha and peer):
                body += inj[1]
            if a.tamper:	# after the signature: it cannot verify
                body = body[:3] + bytes([body[3] ^ 1]) + body[4:]
            if faha and peer:
                fspi, fkey = peer
                nv = b""
                a3 = answer(fa_offers.get(3, []), rand_spi()) \
                    if 3 in fa_offers else None
                if mnfa_fa:
                    nv += nvse(5, V.sa_value(2, mnfa_fa))
                if a3:
                    nv += nvse(5, V.sa_value(3, a3))
                    log["answers"]["3"] = a3[0]["spi"]
                    keys["key2"] = fpr(key2)
                wk = kdf(fkey, b"mipkex wrap",
                         V.fa_wrap_ctx(fspi, rep_ident, home, ha_addr))
                i = 0
                if a3 and a.clear_fa_keys:	# the patent's form, 5.4
                    nv += nvse(4, struct.pack(">BBI", 1, 0, 0) +
                               V.sa_info(0x2222, key2, life))
                elif a3:
                    nv += seal(rfixed, 4, 1, fspi, wk, "AES-256-GCM",
                               rep_ident, 3, i, V.sa_info(0x2222, key2, life),
                               in_nvse=True)
                    i += 1
                if mnfa_fa:
                    nv += seal(rfixed, 4, 0, fspi, wk, "AES-256-GCM",
                               rep_ident, 3, i, V.sa_info(0x3333, k3, life),
                               in_nvse=True)
                if inj[0] == "after" or fa_side:
                    nv += inj[1]
                log["mn_part"] = body.hex()
                body = sign(body + nv, 34, fspi,
                            self.bad_peer_key or fkey)
            else:
                log["mn_part"] = body.hex()
        else:
            body += bytes([145, 6]) + b"denied"
            body = sign(body, 32, spi,
                        kdf(self.key0, b"mipkex mn-ha", V.ctx(spi, rep_ident)))
            if kind == "dup-mn-ha":	# framing (3.2): two MN-HA
                body = sign(body, 32, spi, kdf(self.key0, b"mipkex mn-ha",
                                               V.ctx(spi, rep_ident)))
            log["mn_part"] = body.hex()
            if faha and peer:
                body = sign(body, 34, peer[0], self.bad_peer_key or peer[1])
        if a.trailer:	# after everything: framing (3.1)
            body += bytes.fromhex(a.trailer)
        log["keys"] = keys
        log["reply"] = body.hex()
        return body, log

    def serve(self):
        socks = []
        for addr in self.a.addr:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, PORT))
            socks.append(s)
        import select
        print(json.dumps({"event": "ready"}), flush=True)
        while True:
            r, _, _ = select.select(socks, [], [])
            for s in r:
                msg, src = s.recvfrom(65535)
                try:
                    rep, log = self.handle(msg, src)
                except Exception as e:  # report, keep serving
                    print(json.dumps({"event": "error", "error": repr(e),
                                      "request": msg.hex()}), flush=True)
                    continue
                s.sendto(rep, src)
                print(json.dumps(log), flush=True)


# ------------------------------------------------------------------ MN

def mn_register(a, sock, kind):
    """One protected request (KDC mode), broken as kind says; the result."""
    spi, nai, home, kf = a.key0.split(",")
    spi, nai, key0 = int(spi, 0), nai.encode(), read_key(kf)
    ident = struct.pack(">Q", (int(a.ident, 0) if a.ident else
                               secrets.randbits(64)))
    fixed = struct.pack(">BBH4s4s4s8s", 1, 0, a.lifetime, bytes(4),
                        socket.inet_aton(a.ha), socket.inet_aton(a.coa), ident)
    realm = nai[nai.rindex(b"@"):]
    body = fixed + bytes([131, len(realm)]) + realm
    idk = kdf(key0, b"mipkex id-enc", V.ctx(spi, ident))
    body += seal(fixed, 1, 0, spi, idk, "AES-256-GCM", ident, 1, 0, nai)
    body += seal(fixed, 2, 0, spi, idk, "AES-256-GCM", ident, 1, 1,
                 socket.inet_aton(home))
    s1, s2 = rand_spi(), rand_spi()
    body += cvse(5, V.sa_value(1, V.offer([V.XF_AES_GCM_256], s1)))
    body += cvse(5, V.sa_value(2, V.offer([V.XF_CHACHA20, V.XF_AES_GCM_256],
                                          s2)))
    mnha_key = kdf(key0, b"mipkex mn-ha", V.ctx(spi, ident))
    inj = INJECT.get(kind, (None, b""))
    if kind == "kdc-key":
        body += kdc_key_payload(1)
    else:
        body += cvse(10, struct.pack(">BBI", 1, 0, 0))
    if kind == "sa-key1":	# SA elements only in replies (5.4)
        body += cvse(4, bytes([2, 0]) + bytes(4) +
                     V.sa_info(0x4444, bytes(32), 600))
    if kind == "nvse-sa-payload":	# no FA-HA to cover it (4)
        inj = ("after", nvse(5, V.sa_value(2, V.offer([V.XF_AES_GCM_256],
                                                         0x7777))))
    if inj[0] == "cvse":
        body += inj[1]
    if kind == "no-mn-ha":	# framing (3.2)
        msg = body
    else:
        msg = sign(body, 32, spi, mnha_key)
    if kind == "dup-mn-ha":
        msg = sign(msg, 32, spi, mnha_key)
    if inj[0] == "after":
        msg += inj[1]
    sock.sendto(msg, (a.fa, PORT))
    out = {"inject": kind, "request": msg.hex(), "spi_mnha": s1,
           "spi_mnfa": s2}
    try:
        while True:
            rep, src = sock.recvfrom(65535)
            if len(rep) >= 20 and rep[12:20] == ident:
                break
    except socket.timeout:
        out["timeout"] = True
        return out
    out.update(timeout=False, reply=rep.hex(), code=rep[1],
               home=socket.inet_ntoa(rep[4:8]))
    es = exts(rep, 20)
    out["msg_string"] = [e[3][1:].decode() for e in es if e[0] == 145]
    out["nai_ext"] = [e[3].decode() for e in es if e[0] == 131]
    mnha = [e for e in es if e[0] == 32]
    rid = rep[12:20]
    out["exts"] = [e[0] for e in es]
    out["auth_ok"] = bool(mnha) and auth_ok(
        rep, mnha[0], kdf(key0, b"mipkex mn-ha", V.ctx(spi, rid)))
    if out["auth_ok"] and rep[1] <= 1:
        wk = kdf(key0, b"mipkex wrap", V.ctx(spi, rid))
        idx = 0
        for e in es:
            if e[0] != 38 or vse(e)[0] != VENDOR or vse(e)[1] != 4:
                continue
            pt = open_elem(rep, 20, e, wk, "AES-256-GCM", rid, 2, idx)
            idx += 1
            out["key%d" % {2: 1, 0: 3}[vse(e)[2][0]]] = fpr(pt[10:])
    return out


def cmd_mn(a):
    """One registration per --inject kind (--count plain ones without), in
    turn; one JSON line each."""
    kinds = a.inject.split(",") if a.inject else [None] * a.count
    for k in kinds:
        if k not in INJECT_KINDS + MN_ONLY_KINDS + [None]:
            print("mnfa_peer mn: unknown kind %s" % k, file=sys.stderr)
            return 3
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.src, 0))
    s.settimeout(a.timeout)
    status = 0
    for k in kinds:
        out = mn_register(a, s, k)
        if out["timeout"]:
            status = 2
        print(json.dumps(out), flush=True)
    return status


# ------------------------------------------------------------- bindings

def nl_attrs(buf):
    out, pos = [], 0
    while pos + 4 <= len(buf):
        ln, t = struct.unpack_from("=HH", buf, pos)
        if ln < 4:
            break
        out.append((t & 0x3fff, buf[pos + 4:pos + ln]))
        pos += (ln + 3) & ~3
    return out


def nl_talk(sock, mtype, flags, cmd, attrs=b""):
    msg = struct.pack("=BBH", cmd, 1, 0) + attrs
    sock.send(struct.pack("=IHHII", 16 + len(msg), mtype, flags, 1, 0) + msg)
    out = []
    while True:
        data = sock.recv(1 << 20)
        pos = 0
        while pos < len(data):
            ln, t, _, _, _ = struct.unpack_from("=IHHII", data, pos)
            if t == 3:		# NLMSG_DONE
                return out
            if t == 2:		# NLMSG_ERROR
                err = struct.unpack_from("=i", data, pos + 16)[0]
                if err:
                    raise OSError(-err, "netlink")
                return out
            out.append(data[pos + 20:pos + ln])
            pos += (ln + 3) & ~3
        if not flags & 0x300:
            return out


def cmd_bindings(_a):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    s.bind((0, 0))
    name = b"mipkex\0"
    attr = struct.pack("=HH", 4 + len(name), 2) + name
    attr += b"\0" * (-len(attr) % 4)
    fam = None
    for m in nl_talk(s, 0x10, 1, 3, attr):	# CTRL_CMD_GETFAMILY
        for t, v in nl_attrs(m):
            if t == 1:
                fam = struct.unpack("=H", v[:2])[0]
    out = []
    for m in nl_talk(s, fam, 1 | 0x300, 15):	# MIPKEX_CMD_BINDING_GET
        for t, v in nl_attrs(m):
            if t != 13:			# MIPKEX_A_BINDING
                continue
            b = {"sa": []}
            for bt, bv in nl_attrs(v):
                if bt in (2, 3, 4, 5):
                    b[{2: "home", 3: "ha", 4: "coa", 5: "fa"}[bt]] = \
                        socket.inet_ntoa(bv[:4])
                elif bt == 6:
                    b["key0_spi"] = struct.unpack("=I", bv[:4])[0]
                elif bt == 7:
                    b["nai"] = bv.rstrip(b"\0").decode()
                elif bt == 10:
                    b["mode"] = bv[0]
                elif bt == 11:
                    b["dh_group"] = struct.unpack("=H", bv[:2])[0]
                elif bt == 12:
                    b["lifetime"] = struct.unpack("=I", bv[:4])[0]
                elif bt == 16:
                    sa = {}
                    for st, sv in nl_attrs(bv):
                        if st == 1:
                            sa["pair"] = sv[0]
                        elif st in (3, 4, 5):
                            sa[{3: "encr", 4: "bits", 5: "integ"}[st]] = \
                                struct.unpack("=H", sv[:2])[0]
                        elif st in (6, 7, 8):
                            sa[{6: "spi_in", 7: "spi_out",
                                8: "lifetime"}[st]] = \
                                struct.unpack("=I", sv[:4])[0]
                        elif st == 9:
                            sa["fpr"] = sv.hex()
                    b["sa"].append(sa)
            out.append(b)
    print(json.dumps(out))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("ha")
    h.add_argument("--addr", action="append", required=True)
    h.add_argument("--key0", required=True, help="SPI,NAI,HOME,KEYFILE")
    h.add_argument("--peer", action="append", help="ADDR,SPI,KEYFILE")
    h.add_argument("--mode", default="stateful")
    h.add_argument("--code", type=int, default=0)
    h.add_argument("--fake-fa", action="store_true",
                   help="answer the MN-FA offer as if an FA offered")
    h.add_argument("--tamper", action="store_true",
                   help="flip a bit of the reply after the MN-HA signature")
    h.add_argument("--bad-faha-key", help="sign replies' FA-HA with this")
    h.add_argument("--clear-fa-keys", action="store_true",
                   help="send KEY2 to the FA in clear (E = 0)")
    h.add_argument("--inject", metavar="KIND,...",
                   help="a malformed element in the accepted reply to each "
                   "request in turn, in the MN's part (fa:KIND: in the FA's "
                   "part); dup-mn-ha: a denial with two MN-HA; "
                   "crit-unknown: an extension of type 100 (RFC 5944 1.9)")
    h.add_argument("--trailer", metavar="HEX",
                   help="bytes appended to every reply, after its last"
                   " extension")
    h.add_argument("--fa-deny", type=int, metavar="CODE",
                   help="answer as a foreign agent denying the request")
    m = sub.add_parser("mn")
    m.add_argument("--key0", required=True)
    m.add_argument("--ha", required=True)
    m.add_argument("--fa", required=True)
    m.add_argument("--coa", required=True)
    m.add_argument("--src", default="0.0.0.0")
    m.add_argument("--lifetime", type=int, default=600)
    m.add_argument("--ident")
    m.add_argument("--timeout", type=float, default=20)
    m.add_argument("--count", type=int, default=1,
                   help="registrations, one after the other")
    m.add_argument("--inject", metavar="KIND,...",
                   help="one request per kind, each with that malformed "
                   "element or framing (kinds, and %s)" %
                   ", ".join(MN_ONLY_KINDS))
    sub.add_parser("bindings")
    sub.add_parser("kinds", help="the malformed element kinds of --inject")
    a = p.parse_args()
    if a.cmd == "kinds":
        print(" ".join(INJECT_KINDS))
        return 0
    if a.cmd == "bindings":
        return cmd_bindings(a)
    if a.cmd == "ha":
        try:
            HA(a).serve()
        except KeyboardInterrupt:
            return 0
    return cmd_mn(a)


if __name__ == "__main__":
    sys.exit(main())
