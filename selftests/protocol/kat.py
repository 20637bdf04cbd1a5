#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Generates kmod/selftest_vectors.h, the expected answers of the module's
# load-time known-answer tests (kmod/selftest.c), with an implementation
# independent of the module: python3-cryptography (KBKDFHMAC, AESGCM,
# ChaCha20Poly1305, HMAC, X25519) and Python's pow() for MODP, with primes
# computed here from their defining formulas (RFC 2409, RFC 3526, RFC 7919)
# and checked to be safe primes, never copied from the module.
#
# The vectors of Documentation/protocol.rst section 10 are read from the
# document itself (inputs and outputs as printed), recomputed here, and must
# agree with it; labels and cases the document lacks get fixed inputs below.
#
# Usage: kat.py > kmod/selftest_vectors.h
#        (selftests/host/kat.sh checks that the header is this output)

import hashlib
import json
import os
import random
import re
import struct
import sys

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import (AESGCM,
                                                         ChaCha20Poly1305)
from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                      KBKDFHMAC, Mode)
from cryptography.hazmat.primitives.serialization import (Encoding,
                                                          PublicFormat)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DOC = os.path.join(TOP, "Documentation", "protocol.rst")

# Fixed inputs shared with section 10 of the document.
KEY0 = bytes(range(0x00, 0x20))
MN_X25519_PRIV = bytes(range(0x80, 0xa0))
HA_X25519_PRIV = bytes(range(0xa0, 0xc0))

# RFC 7748 section 6.1.
RFC7748 = dict(
    a_priv="77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    a_pub="8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    b_priv="5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    b_pub="de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    shared="4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")

# X25519 points of small order (and non-canonical encodings of them): the
# shared secret with any scalar is all zeros.
X25519_LOW_ORDER = [
    ("x25519 u=0", "00" * 32),
    ("x25519 u=1", "01" + "00" * 31),
    ("x25519 order 8 (a)",
     "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    ("x25519 order 8 (b)",
     "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    ("x25519 u=p-1", "ec" + "ff" * 30 + "7f"),
    ("x25519 u=p", "ed" + "ff" * 30 + "7f"),
    ("x25519 u=p+1", "ee" + "ff" * 30 + "7f"),
]


# --------------------------------------------------------------------------
# Independent primitives
# --------------------------------------------------------------------------

def kdf(k, label, context, nbytes):
    out = KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode,
                    length=nbytes, rlen=4, llen=4,
                    location=CounterLocation.BeforeFixed, label=label,
                    context=context, fixed=None).derive(k)
    # Section 8.1 written out, as a second opinion.
    alt, i = b"", 1
    while len(alt) < nbytes:
        h = hmac.HMAC(k, hashes.SHA256())
        h.update(struct.pack(">I", i) + label + b"\0" + context +
                 struct.pack(">I", nbytes * 8))
        alt += h.finalize()
        i += 1
    assert alt[:nbytes] == out
    return out


def aead(alg, key):
    return {"gcm": AESGCM, "chacha": ChaCha20Poly1305}[alg](key)


def mac(alg, key, data):
    h = hmac.HMAC(key, {"sha256": hashes.SHA256(), "md5": hashes.MD5()}[alg])
    h.update(data)
    return h.finalize()


def x25519(priv, peer=None):
    k = X25519PrivateKey.from_private_bytes(priv)
    if peer is None:
        return k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return k.exchange(X25519PublicKey.from_public_bytes(peer))


def fixed_bits(bits, series):
    """floor(c * 2^bits) for c = pi or e, with 64 guard bits."""
    one = 1 << (bits + 64)
    if series == "e":
        s, t, k = 0, one, 0
        while t:
            s += t
            k += 1
            t //= k
    else:
        def atan_inv(x):
            s = t = one // x
            n, sign = 1, -1
            while t:
                t //= x * x
                n += 2
                s += sign * (t // n)
                sign = -sign
            return s
        s = 16 * atan_inv(5) - 4 * atan_inv(239)
    return s >> 64


def is_probable_prime(n, rounds=8):
    rng = random.Random(n)
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def safe_prime(bits, series, offset, check):
    """p = 2^b - 2^(b-64) - 1 + 2^64 * (floor(2^(b-130) c) + offset)
    (RFC 2409 6.1/6.2, RFC 3526, RFC 7919 appendix A with c = e)."""
    p = 2 ** bits - 2 ** (bits - 64) - 1 + \
        2 ** 64 * (fixed_bits(bits - 130, series) + offset)
    assert p.bit_length() == bits
    if check:
        assert is_probable_prime(p) and is_probable_prime((p - 1) // 2)
    return p


def primes(check=True):
    """{group: p} of the MODP groups, and the prime of the user-defined group
    of the tests, RFC 7919 ffdhe2048 (e, not pi); check: that they are safe
    primes (slow in an emulated guest)."""
    modp = {
        1: safe_prime(768, "pi", 149686, check),
        2: safe_prime(1024, "pi", 129093, check),
        14: safe_prime(2048, "pi", 124476, check),
        15: safe_prime(3072, "pi", 1690314, check),
    }
    return modp, safe_prime(2048, "e", 560316, check)


USER_G = 2


def be(n, length):
    return n.to_bytes(length, "big")


def seed(what, n=32):
    """Fixed pseudo-random bytes, named."""
    out, i = b"", 0
    while len(out) < n:
        out += hashlib.sha256(b"mipkex kat %s %d" % (what.encode(), i)).digest()
        i += 1
    return out[:n]


# --------------------------------------------------------------------------
# Section 10 of the document
# --------------------------------------------------------------------------

def doc_section10():
    lines = open(DOC).read().split("\n")
    start = lines.index("10. Worked examples and test vectors")
    lines = lines[start:]
    fields, dumps, prose = {}, [], {}
    title = cur = sec = None
    for line in lines:
        if re.match(r"^10\.\d+ ", line):
            sec = line
            prose[sec] = ""
        if sec and not line.startswith(" "):
            prose[sec] += " " + line.strip()
        if line.endswith("::") and not line.startswith(" "):
            title = line[:-2].rstrip() or sec
            fields[title] = {}
            cur = None
            if title.startswith("Message ("):
                dumps.append(b"")
            continue
        m = re.match(r"^    ([^ ].*?) \((\d+) bytes\).*:$", line)
        if m and title is not None:
            cur = m.group(1)
            fields[title][cur] = b""
            continue
        m = re.match(r"^      ([0-9a-f]+)$", line)
        if m and cur is not None:
            fields[title][cur] += bytes.fromhex(m.group(1))
            continue
        m = re.match(r"^    covered bytes: (\d+)$", line)
        if m and title is not None:
            fields[title]["covered"] = int(m.group(1))
            continue
        m = re.match(r"^    ([0-9a-f]{4})  ((?:[0-9a-f]{2} ?)+)$", line)
        if m and title is not None and title.startswith("Message ("):
            assert int(m.group(1), 16) == len(dumps[-1])
            dumps[-1] += bytes.fromhex(m.group(2).replace(" ", ""))
            continue
        if line and not line.startswith(" "):
            cur = None
    return fields, dumps, prose


# --------------------------------------------------------------------------
# The vectors
# --------------------------------------------------------------------------

def split(n):
    """Kvec piece lengths for n bytes, so that the module's concatenation of
    pieces is exercised."""
    if n == 0:
        return []
    if n == 12:
        return [4, 8]
    if n >= 30:
        return [n // 3, 0, n // 3, n - 2 * (n // 3)]
    return [n // 2, n - n // 2]


def build():
    modp, user_p = primes()
    fields, dumps, prose = doc_section10()
    v = dict(kdf=[], aead=[], auth=[], dh=[], reject=[])

    # X25519 of 10.5 and the key1 vector's K.
    ha_pub = x25519(HA_X25519_PRIV)
    mn_pub = x25519(MN_X25519_PRIV)
    z = x25519(MN_X25519_PRIV, ha_pub)
    assert z == x25519(HA_X25519_PRIV, mn_pub)
    assert dumps and mn_pub in dumps[0], "10.5 does not carry the MN public"

    # KDF: every label the document gives a vector for.
    seen = set()
    for t, f in fields.items():
        m = re.match(r"^``(mipkex [a-z0-9-]+)``, L = (\d+)$", t)
        if not m:
            continue
        label, nbytes = m.group(1), int(m.group(2)) // 8
        out = kdf(f["K"], label.encode(), f["context"], nbytes)
        assert out == f["output"], "protocol.rst 10.1 %s differs" % label
        if label == "mipkex key1":
            assert f["K"] == z, "10.1 key1 K is not the X25519 secret"
        name = "kdf %s (10.1)" % label[7:]
        if label in seen:
            name = "kdf %s L=%d (10.1)" % (label[7:], nbytes * 8)
        seen.add(label)
        v["kdf"].append(dict(name=name,
                             label=label, key=f["K"], ctx=f["context"],
                             out=out, fpr=label == "mipkex fingerprint"))
    for label in ("mipkex id-enc", "mipkex wrap", "mipkex mn-ha",
                  "mipkex key1", "mipkex semi"):
        assert label in seen, "protocol.rst 10.1 lacks " + label
    # Labels the document has no vector for, with fixed inputs.
    own = [("kdf key3 90-byte context", "mipkex key3", z,
            seed("key3 transcript", 90), 32, False),
           ("fingerprint 32-byte key", "mipkex fingerprint", KEY0, b"", 8,
            True),
           ("fingerprint 64-byte key", "mipkex fingerprint",
            seed("fpr key", 64), b"", 8, True),
           ("kdf 48-byte key L=160", "mipkex wrap", seed("kdf key", 48),
            seed("kdf ctx", 12), 20, False)]
    for name, label, k, c, n, fpr in own:
        v["kdf"].append(dict(name=name, label=label, key=k, ctx=c,
                             out=kdf(k, label.encode(), c, n), fpr=fpr))

    # AEAD: 10.2 and 10.4 as printed.
    for t, f in fields.items():
        if t.endswith("AES-256-GCM"):
            alg = "gcm"
        elif t.endswith("ChaCha20-Poly1305"):
            alg = "chacha"
        elif t.startswith("10.4 "):
            alg = "gcm"
        else:
            continue
        nonce = f["nonce"]
        assert nonce[10:] == b"\0\0"
        ct = aead(alg, f["key"]).encrypt(nonce, f["plaintext"],
                                         f["associated data"])
        assert ct == f["ciphertext || tag"], "protocol.rst %s differs" % t
        aad = f["associated data"]
        what = "wrap (10.4)" if t.startswith("10.4 ") else \
            t.split(" ")[0].lower() + " (10.2)"
        v["aead"].append(dict(name="%s %s" % (alg, what), alg=alg,
                              key=f["key"], ident=nonce[:8], dir=nonce[8],
                              index=nonce[9], nonce=nonce, aad=aad,
                              pieces=[len(aad) - 16, 10, 6],
                              pt=f["plaintext"], ct=ct))
    assert len(v["aead"]) == 5, "protocol.rst 10.2/10.4: vectors missing"
    own = [("gcm", "gcm dir 3 index 2", 3, 2, seed("aad a", 7), 64),
           ("chacha", "chacha no aad 1 byte", 2, 1, b"", 1),
           ("gcm", "gcm no plaintext", 1, 0, seed("aad b", 33), 0)]
    for alg, name, d, idx, aad, ptlen in own:
        key, ident = seed(name + " key"), seed(name + " ident", 8)
        nonce = ident + bytes([d, idx, 0, 0])
        pt = seed(name + " pt", ptlen)
        ct = aead(alg, key).encrypt(nonce, pt, aad)
        v["aead"].append(dict(name=name, alg=alg, key=key, ident=ident,
                              dir=d, index=idx, nonce=nonce, aad=aad,
                              pieces=split(len(aad)), pt=pt, ct=ct))

    # Authenticators: 10.3 over the message of 10.5.
    msg = dumps[0]
    a = [f for f in fields.values() if "HMAC-SHA256" in f]
    assert len(a) == 1
    data = msg[:a[0]["covered"]]
    out = mac("sha256", a[0]["key"], data)
    assert out == a[0]["HMAC-SHA256"] and msg.endswith(out)
    v["auth"].append(dict(name="hmac-sha256 (10.3)", alg="sha256",
                          key=a[0]["key"], data=data, pieces=split(len(data)),
                          mac=out))
    a5 = [f for f in fields.values() if "HMAC-MD5" in f]
    assert len(a5) == 1
    m = re.search(r"length byte \(offset (\d+)\) is (\d+) instead",
                  prose["10.3 MN-HA authenticator (8.3)"])
    assert m, "10.3: legacy length byte not found"
    data = bytearray(msg[:a5[0]["covered"]])
    data[int(m.group(1))] = int(m.group(2))
    out = mac("md5", a[0]["key"], bytes(data))
    assert out == a5[0]["HMAC-MD5"]
    v["auth"].append(dict(name="hmac-md5 (10.3 legacy)", alg="md5",
                          key=a[0]["key"], data=bytes(data),
                          pieces=split(len(data)), mac=out))
    for alg, klen, dlen in (("sha256", 64, 3), ("sha256", 100, 200),
                            ("md5", 33, 77)):
        key, data = seed("auth key %d" % klen, klen), seed("auth data", dlen)
        v["auth"].append(dict(name="hmac-%s %d-byte key" % (alg, klen),
                              alg=alg, key=key, data=data,
                              pieces=split(dlen), mac=mac(alg, key, data)))

    # Diffie-Hellman.
    r = {k: bytes.fromhex(x) for k, x in RFC7748.items()}
    assert x25519(r["a_priv"]) == r["a_pub"]
    assert x25519(r["b_priv"]) == r["b_pub"]
    assert x25519(r["a_priv"], r["b_pub"]) == r["shared"]
    assert x25519(r["b_priv"], r["a_pub"]) == r["shared"]
    v["dh"].append(dict(name="x25519 rfc7748 alice", group=31,
                        priv=r["a_priv"], pub=r["a_pub"], peer=r["b_pub"],
                        shared=r["shared"]))
    v["dh"].append(dict(name="x25519 rfc7748 bob", group=31,
                        priv=r["b_priv"], pub=r["b_pub"], peer=r["a_pub"],
                        shared=r["shared"]))
    v["dh"].append(dict(name="x25519 mn (10.5)", group=31,
                        priv=MN_X25519_PRIV, pub=mn_pub, peer=ha_pub,
                        shared=z))
    groups = [(g, modp[g], 2) for g in (14, 15, 1, 2)] + \
        [(0, user_p, USER_G)]
    for gid, p, g in groups:
        plen = (p.bit_length() + 7) // 8
        x = seed("group %d x" % gid)
        y = seed("group %d y" % gid)
        xi, yi = int.from_bytes(x, "big"), int.from_bytes(y, "big")
        pub, peer = pow(g, xi, p), pow(g, yi, p)
        shared = pow(peer, xi, p)
        assert shared == pow(pub, yi, p) and 1 < shared < p - 1
        name = "user ffdhe2048" if gid == 0 else "modp group %d" % gid
        v["dh"].append(dict(name=name, group=gid, priv=x, pub=be(pub, plen),
                            peer=be(peer, plen), shared=be(shared, plen)))

    # Public values that must be rejected.
    for gid, p in ((14, modp[14]), (1, modp[1]), (0, user_p)):
        plen = (p.bit_length() + 7) // 8
        gname = "user" if gid == 0 else "modp%d" % gid
        bad = [("0", 0), ("1", 1), ("p-1", p - 1), ("p", p)]
        if gid == 14:
            bad.append(("2^n-1", 2 ** (plen * 8) - 1))
        for what, y in bad:
            assert not 1 < y < p - 1
            v["reject"].append(dict(name="%s y=%s" % (gname, what),
                                    group=gid, value=be(y, plen),
                                    check=True))
        good = be(pow(2, 12345, p), plen)
        v["reject"].append(dict(name="%s short" % gname, group=gid,
                                value=good[1:], check=True))
        v["reject"].append(dict(name="%s long" % gname, group=gid,
                                value=b"\0" + good, check=True))
    for name, u in X25519_LOW_ORDER:
        u = bytes.fromhex(u)
        for priv in (MN_X25519_PRIV, r["a_priv"]):
            try:
                x25519(priv, u)
                raise AssertionError(name + " gives a non-zero secret")
            except ValueError:
                pass
        v["reject"].append(dict(name=name, group=31, value=u, check=False))
    v["reject"].append(dict(name="x25519 short", group=31,
                            value=r["b_pub"][:31], check=True))
    kdc_vectors(v)
    return v


KDC_JSON = os.path.join(TOP, "selftests", "protocol", "kdc_vectors.json")


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def kdc_vectors(v):
    """The KDC's derivations (protocol.rst 8.6.2, 8.6.3) for the inputs of
    kdc_vectors.json (written by vectors.py from the document), recomputed
    here from the document's rules: the semi-stateful context is rebuilt
    field by field, KEY1 and KEY3 are derived from Z and the transcript."""
    with open(KDC_JSON) as f:
        j = json.load(f)
    sm = j["semi"]
    seed_key = bytes.fromhex(sm["seed"])
    ident = bytes.fromhex(sm["ident"])
    nai = sm["mn_nai"].encode()
    keys = []
    for n in (1, 2, 3):
        ctx = (bytes([n]) + ip4(sm["ha_addr"]) + bytes([len(nai)]) + nai +
               ip4(sm["home_addr"]) + ip4(sm["coa"]) + ident)
        e = sm["keys"][n - 1]
        assert e["n"] == n and bytes.fromhex(e["context"]) == ctx
        k = kdf(seed_key, b"mipkex semi", ctx, 32)
        assert k == bytes.fromhex(e["key"]), "semi KEY%d differs" % n
        keys.append(k)
    v["semi"] = [dict(name="kdc semi-stateful (10.8)", seed=seed_key,
                      ident=ident, ha=ip4(sm["ha_addr"]), nai=nai,
                      home=ip4(sm["home_addr"]), coa=ip4(sm["coa"]),
                      keys=keys)]
    d = j["dh"]
    z = bytes.fromhex(d["z"])
    mn_priv, ha_priv = (bytes.fromhex(d["mn_private"]),
                        bytes.fromhex(d["ha_private"]))
    assert d["group"] == 31
    assert x25519(mn_priv, x25519(ha_priv)) == z
    pieces_ = [bytes.fromhex(x) for x in d["transcript_pieces"]]
    transcript = b"".join(pieces_)
    assert transcript == bytes.fromhex(d["transcript"])
    k1 = kdf(z, b"mipkex key1", transcript, 32)
    k3 = kdf(z, b"mipkex key3", transcript, 32)
    assert k1 == bytes.fromhex(d["key1"]) and k3 == bytes.fromhex(d["key3"])
    v["kdc_dh"] = [dict(name="kdc dh keys (10.9)", z=z, transcript=transcript,
                        key1=k1, key3=k3)]


# --------------------------------------------------------------------------
# C output
# --------------------------------------------------------------------------

class Out:
    def __init__(self):
        self.arrays = []
        self.names = {}

    def array(self, data):
        """Name of a u8 array holding data (one per distinct value), or None
        if data is empty."""
        if not data:
            return None
        if data in self.names:
            return self.names[data]
        name = "kat_%d" % len(self.names)
        self.names[data] = name
        lines = ["static const u8 %s[] __initconst = {" % name]
        for i in range(0, len(data), 12):
            lines.append("\t" + " ".join("0x%02x," % c
                                         for c in data[i:i + 12]))
        lines.append("};")
        self.arrays.append("\n".join(lines))
        return name

    def buf(self, data):
        n = self.array(data)
        return "{ NULL, 0 }" if n is None else "{ %s, sizeof(%s) }" % (n, n)


AEAD_ENUM = dict(gcm="MIPKEX_AEAD_AES_256_GCM",
                 chacha="MIPKEX_AEAD_CHACHA20_POLY1305")
AUTH_ENUM = dict(sha256="MIPKEX_AUTH_HMAC_SHA256", md5="MIPKEX_AUTH_HMAC_MD5")


def pieces(p):
    assert len(p) <= 4 and all(x < 65536 for x in p)
    return "{ %s }" % ", ".join(str(x) for x in p) if p else "{ 0 }"


def emit(v):
    o = Out()
    tables = []

    def table(ctype, name, entries):
        t = ["static const struct %s %s[] __initconst = {" % (ctype, name)]
        for e in entries:
            t.append("\t{")
            for k, val in e:
                t.append("\t\t.%s = %s," % (k, val))
            t.append("\t},")
        t.append("};")
        tables.append("\n".join(t))

    def cstr(s):
        assert len(s) < 32 and '"' not in s
        return '"%s"' % s

    table("mipkex_kat_kdf", "mipkex_kat_kdf", [
        [("name", cstr(e["name"])), ("label", cstr(e["label"])),
         ("fingerprint", "true" if e["fpr"] else "false"),
         ("key", o.buf(e["key"])), ("ctx", o.buf(e["ctx"])),
         ("pieces", pieces(split(len(e["ctx"])))), ("out", o.buf(e["out"]))]
        for e in v["kdf"]])
    table("mipkex_kat_aead", "mipkex_kat_aead", [
        [("name", cstr(e["name"])), ("alg", AEAD_ENUM[e["alg"]]),
         ("key", o.buf(e["key"])),
         ("ident", "0x%sULL" % e["ident"].hex()),
         ("dir", str(e["dir"])), ("index", str(e["index"])),
         ("nonce", o.buf(e["nonce"])), ("aad", o.buf(e["aad"])),
         ("pieces", pieces(e["pieces"])), ("pt", o.buf(e["pt"])),
         ("ct", o.buf(e["ct"]))]
        for e in v["aead"]])
    table("mipkex_kat_auth", "mipkex_kat_auth", [
        [("name", cstr(e["name"])), ("alg", AUTH_ENUM[e["alg"]]),
         ("key", o.buf(e["key"])), ("data", o.buf(e["data"])),
         ("pieces", pieces(e["pieces"])), ("mac", o.buf(e["mac"]))]
        for e in v["auth"]])
    table("mipkex_kat_dh", "mipkex_kat_dh", [
        [("name", cstr(e["name"])), ("group", str(e["group"])),
         ("priv", o.buf(e["priv"])), ("pub", o.buf(e["pub"])),
         ("peer", o.buf(e["peer"])), ("shared", o.buf(e["shared"]))]
        for e in v["dh"]])
    table("mipkex_kat_reject", "mipkex_kat_reject", [
        [("name", cstr(e["name"])), ("group", str(e["group"])),
         ("check", "true" if e["check"] else "false"),
         ("value", o.buf(e["value"]))]
        for e in v["reject"]])

    table("mipkex_kat_semi", "mipkex_kat_semi", [
        [("name", cstr(e["name"])), ("seed", o.buf(e["seed"])),
         ("ident", "0x%sULL" % e["ident"].hex()),
         ("ha_addr", o.buf(e["ha"])), ("nai", o.buf(e["nai"])),
         ("home_addr", o.buf(e["home"])), ("coa", o.buf(e["coa"])),
         ("key1", o.buf(e["keys"][0])), ("key2", o.buf(e["keys"][1])),
         ("key3", o.buf(e["keys"][2]))]
        for e in v["semi"]])
    table("mipkex_kat_kdc_dh", "mipkex_kat_kdc_dh", [
        [("name", cstr(e["name"])), ("z", o.buf(e["z"])),
         ("transcript", o.buf(e["transcript"])),
         ("pieces", pieces(split(len(e["transcript"])))),
         ("key1", o.buf(e["key1"])), ("key3", o.buf(e["key3"]))]
        for e in v["kdc_dh"]])

    up = o.array(be(primes(False)[1], 256))
    ug = o.array(bytes([USER_G]))
    user = ("static const struct mipkex_kat_buf mipkex_kat_user_p "
            "__initconst = {\n\t%s, sizeof(%s)\n};\n\n"
            "static const struct mipkex_kat_buf mipkex_kat_user_g "
            "__initconst = {\n\t%s, sizeof(%s)\n};" % (up, up, ug, ug))

    head = """\
/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mipkex: expected answers of the load-time known-answer tests
 * (kmod/selftest.c).
 *
 * GENERATED by selftests/protocol/kat.py from fixed inputs and the vectors of
 * Documentation/protocol.rst section 10, with python3-cryptography and
 * Python's pow(), independently of the module. Do not edit: change kat.py
 * and regenerate (see its usage); selftests/host/kat.sh checks that this
 * file is its output.
 *
 * Included only by kmod/selftest.c, which defines the structures.
 * The user-defined group is RFC 7919 ffdhe2048, generator 2.
 */
#ifndef _MIPKEX_SELFTEST_VECTORS_H
#define _MIPKEX_SELFTEST_VECTORS_H
"""
    body = "\n\n".join(o.arrays + [user] + tables)
    return head + "\n" + body + "\n\n#endif /* _MIPKEX_SELFTEST_VECTORS_H */\n"


if __name__ == "__main__":
    if sys.argv[1:]:
        sys.exit("usage: kat.py > kmod/selftest_vectors.h")
    sys.stdout.write(emit(build()))
