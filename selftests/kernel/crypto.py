#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-checks of the module's cryptography against python3-cryptography.

Run by crypto.sh, as root, with the testing build of the module loaded. It
talks raw generic netlink (the socket module only) to two families:

  "mipkex"       MIPKEX_CMD_GET_SELFTEST: the load-time known-answer tests
  "mipkex_test"  the testing build's family (kmod/testing.h): runs one of the
                 module's constructions on the inputs given here

and compares the module's answers, for random inputs, with those of
python3-cryptography (KBKDFHMAC, AESGCM, ChaCha20Poly1305, HMAC, X25519) and
of Python's pow() for MODP (primes computed from their RFC formulas by
selftests/protocol/kat.py). The numbers of both families are read from
uapi/linux/mipkex.h and kmod/testing.h, not copied here.

Output: one line per test, "RESULT ok|fail|skip DESCRIPTION[ # REASON]",
and diagnostics. Environment: MIPKEX_CRYPTO_SEED (random seed),
MIPKEX_CRYPTO_SCALE (multiplies the iteration counts, default 1).
"""

import errno
import os
import random
import struct
import sys
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import (AESGCM,
                                                         ChaCha20Poly1305)
from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                      KBKDFHMAC, Mode)
from cryptography.hazmat.primitives.serialization import (Encoding,
                                                          PublicFormat)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "selftests", "protocol"))
import kat  # noqa: E402  (the RFC primes, computed)
from genlraw import C, Genl, NetlinkError, nla, nla_parse  # noqa: E402

MODP, USER_P2048 = kat.primes(check=False)   # user: RFC 7919 ffdhe2048

SCALE = float(os.environ.get("MIPKEX_CRYPTO_SCALE", "1"))
try:
    FIPS = open("/proc/sys/crypto/fips_enabled").read().strip() == "1"
except OSError:
    FIPS = False


def n_iter(n):
    return max(1, int(n * SCALE))


class Module:
    """The "mipkex_test" family: one method per operation."""

    def __init__(self, genl):
        self.genl = genl
        self.fam = genl.family(C["MIPKEX_TEST_GENL_NAME"])

    def run(self, op, *attrs):
        a = [nla(C["MIPKEX_TEST_A_OP"], bytes([C["MIPKEX_TEST_OP_" + op]]))]
        for name, val in attrs:
            if val is None:
                continue
            a.append(nla(C["MIPKEX_TEST_A_" + name], val))
        reply = (self.genl.request(self.fam, C["MIPKEX_TEST_CMD_RUN"], a) or
                 [[]])[0]
        out = {}
        for t, v in reply:
            for k in ("OUTPUT", "PUBLIC", "SHARED", "RESULT"):
                if t == C["MIPKEX_TEST_A_" + k]:
                    out[k] = v[0] if k == "RESULT" else v
        return out

    def kdf(self, key, label, ctx_pieces, length):
        return self.run("KDF", ("KEY", key), ("LABEL", label),
                        *[("CONTEXT", c) for c in ctx_pieces],
                        ("LENGTH", struct.pack("=I", length)))["OUTPUT"]

    def fingerprint(self, key):
        return self.run("FINGERPRINT", ("KEY", key))["OUTPUT"]

    def nonce(self, ident, d, index):
        return self.run("NONCE", ("IDENT", struct.pack("=Q", ident)),
                        ("DIR", bytes([d])),
                        ("INDEX", bytes([index])))["OUTPUT"]

    def aead(self, op, alg, key, nonce, aad_pieces, data):
        return self.run(op, ("ALG", bytes([alg])), ("KEY", key),
                        ("NONCE", nonce),
                        *[("AAD", a) for a in aad_pieces],
                        ("DATA", data))["OUTPUT"]

    def auth(self, alg, key, pieces, mac=None):
        r = self.run("AUTH" if mac is None else "VERIFY",
                     ("ALG", bytes([alg])), ("KEY", key),
                     *[("DATA", d) for d in pieces], ("MAC", mac))
        return r["OUTPUT"] if mac is None else r["RESULT"]

    def dh(self, group, priv=None, peer=None, user=None, check=False):
        g = [("GROUP", struct.pack("=H", group)), ("PRIVATE", priv),
             ("PEER", peer)]
        if user:
            g += [("PRIME", user[0]), ("GENERATOR", user[1])]
        return self.run("DH_CHECK" if check else "DH", *g)

    def available(self, name):
        return self.run("AVAILABLE", ("LABEL", name))["RESULT"]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

rng = random.Random()


def rbytes(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def pieces(data, most=4):
    """data cut at random into 0 to most pieces (empty ones included)."""
    if not data and rng.random() < 0.5:
        return []
    k = rng.randint(1, most)
    cuts = sorted(rng.randint(0, len(data)) for _ in range(k - 1))
    out, last = [], 0
    for c in cuts + [len(data)]:
        out.append(data[last:c])
        last = c
    return out


def py_kdf(key, label, ctx, n):
    return KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode,
                     length=n, rlen=4, llen=4,
                     location=CounterLocation.BeforeFixed, label=label,
                     context=ctx, fixed=None).derive(key)


def py_mac(alg, key, data):
    h = hmac.HMAC(key, hashes.SHA256() if alg == "sha256" else hashes.MD5())
    h.update(data)
    return h.finalize()


def x25519_pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key() \
        .public_bytes(Encoding.Raw, PublicFormat.Raw)


def x25519(priv, peer):
    return X25519PrivateKey.from_private_bytes(priv).exchange(
        X25519PublicKey.from_public_bytes(peer))


class Skip(Exception):
    pass


def expect_errno(want, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except NetlinkError as e:
        if e.errno == want:
            return
        raise AssertionError("%s: got %s, want %s" % (
            fn.__name__, errno.errorcode.get(e.errno, e.errno),
            errno.errorcode[want]))
    raise AssertionError("%s accepted, want %s" % (fn.__name__,
                                                   errno.errorcode[want]))


def unavailable(e):
    return isinstance(e, NetlinkError) and e.errno == errno.ENOENT


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------

def t_selftest(m):
    fam = m.genl.family(C["MIPKEX_GENL_NAME"])
    if fam is None:
        raise AssertionError('family "mipkex" not registered')
    try:
        attrs = (m.genl.request(fam, C["MIPKEX_CMD_GET_SELFTEST"], []) or
                 [[]])[0]
    except NetlinkError as e:
        if e.errno == errno.EOPNOTSUPP:
            raise Skip("MIPKEX_CMD_GET_SELFTEST not implemented yet")
        raise
    nest = dict(attrs).get(C["MIPKEX_A_SELFTEST"])
    assert nest is not None, "no MIPKEX_A_SELFTEST"
    tot, tests = {}, []
    for t, v in nla_parse(nest):
        for k in ("PASSED", "FAILED", "SKIPPED"):
            if t == C["MIPKEX_SELFTEST_A_" + k]:
                tot[k] = struct.unpack("=I", v)[0]
        if t == C["MIPKEX_SELFTEST_A_TEST"]:
            d = dict(nla_parse(v))
            tests.append((d[C["MIPKEX_SELFTEST_A_NAME"]].rstrip(b"\0")
                          .decode(),
                          struct.unpack("=i", d[C["MIPKEX_SELFTEST_A_ERROR"]])
                          [0]))
    print("# %d passed, %d failed, %d skipped; %d tests listed" % (
        tot["PASSED"], tot["FAILED"], tot["SKIPPED"], len(tests)))
    assert tot["FAILED"] == 0 and tot["PASSED"] > 0
    assert len(tests) == tot["PASSED"] + tot["SKIPPED"]
    assert sum(1 for _, e in tests if e == 0) == tot["PASSED"]
    bad = [(n, e) for n, e in tests if e not in (0, -errno.ENOENT)]
    assert not bad, bad
    names = [n for n, _ in tests]
    assert len(set(names)) == len(names), "duplicate test names"
    for want in ("x25519 rfc7748 alice", "modp group 14", "modp group 15",
                 "modp group 1", "modp group 2", "user ffdhe2048",
                 "hmac-sha256 (10.3)", "hmac-md5 (10.3 legacy)",
                 "gcm nai (10.2)", "chacha nai (10.2)", "kdf key1 (10.1)",
                 "fingerprint 32-byte key", "gcm tampered input",
                 "chacha tampered input", "dh reject group 31"):
        assert want in names, "self-test %r missing" % want


def t_available(m):
    assert m.available("hmac(sha256)") == 1
    assert m.available("gcm(aes)") == 1
    assert m.available("mipkex-no-such-algorithm") == 0


def t_nonce(m):
    for _ in range(n_iter(100)):
        ident = rng.getrandbits(64)
        d, i = rng.randint(0, 255), rng.randint(0, 255)
        got = m.nonce(ident, d, i)
        assert got == struct.pack(">QBBH", ident, d, i, 0), got.hex()


LABELS = [b"mipkex id-enc", b"mipkex wrap", b"mipkex mn-ha", b"mipkex key1",
          b"mipkex key3", b"mipkex semi", b"mipkex fingerprint"]


def t_kdf(m):
    for _ in range(n_iter(300)):
        key = rbytes(rng.randint(32, 64))
        if rng.random() < 0.5:
            label = rng.choice(LABELS)
        else:
            label = bytes(rng.randint(1, 127)
                          for _ in range(rng.randint(0, 40)))
        ctx = rbytes(rng.choice([0, 12, rng.randint(0, 200)]))
        n = rng.randint(1, 64)
        got = m.kdf(key, label.decode(), pieces(ctx), n)
        want = py_kdf(key, label, ctx, n)
        assert got == want, (key.hex(), label, ctx.hex(), n)
    for _ in range(n_iter(40)):
        key = rbytes(rng.randint(32, 64))
        assert m.fingerprint(key) == py_kdf(key, b"mipkex fingerprint",
                                            b"", 8)
    key = rbytes(64)
    expect_errno(errno.EINVAL, m.kdf, key[:31], "mipkex wrap", [], 32)
    expect_errno(errno.EINVAL, m.kdf, key, "mipkex wrap", [], 0)
    expect_errno(errno.EINVAL, m.kdf, key, "mipkex wrap", [], 65)
    expect_errno(errno.EINVAL, m.kdf, key, "mipkex wrap", [b"a"] * 5, 32)
    expect_errno(errno.EINVAL, m.fingerprint, key[:31])


def t_aead(m, name):
    alg = C["MIPKEX_AEAD_" + name]
    cls = AESGCM if name == "AES_256_GCM" else ChaCha20Poly1305
    tag = 16
    try:
        m.aead("SEAL", alg, bytes(32), bytes(12), [], b"x")
    except NetlinkError as e:
        if unavailable(e):
            raise Skip("the kernel lacks it (fips=1?)")
        raise
    for it in range(n_iter(250)):
        key, nonce = rbytes(32), rbytes(12)
        aad = rbytes(rng.randint(0, 200))
        pt = rbytes(rng.randint(1, 300) if it else 0)
        ap = pieces(aad)
        ct = m.aead("SEAL", alg, key, nonce, ap, pt)
        want = cls(key).encrypt(nonce, pt, aad)
        assert ct == want, (key.hex(), nonce.hex(), aad.hex(), pt.hex())
        # Open what python sealed, with the associated data cut otherwise.
        assert m.aead("OPEN", alg, key, nonce, pieces(aad), want) == pt
        # Tampered tag, ciphertext, associated data, nonce: refused.
        bad = bytearray(want)
        bad[rng.randrange(len(bad) - tag, len(bad))] ^= 1 << rng.randint(0, 7)
        expect_errno(errno.EBADMSG, m.aead, "OPEN", alg, key, nonce, ap,
                     bytes(bad))
        if pt:
            bad = bytearray(want)
            bad[rng.randrange(len(pt))] ^= 1 << rng.randint(0, 7)
            expect_errno(errno.EBADMSG, m.aead, "OPEN", alg, key, nonce, ap,
                         bytes(bad))
        if aad:
            bad = bytearray(aad)
            bad[rng.randrange(len(aad))] ^= 1 << rng.randint(0, 7)
            expect_errno(errno.EBADMSG, m.aead, "OPEN", alg, key, nonce,
                         pieces(bytes(bad)), want)
            expect_errno(errno.EBADMSG, m.aead, "OPEN", alg, key, nonce,
                         pieces(aad[:-1]), want)
        bad = bytearray(nonce)
        bad[rng.randrange(12)] ^= 1 << rng.randint(0, 7)
        expect_errno(errno.EBADMSG, m.aead, "OPEN", alg, key, bytes(bad), ap,
                     want)
        if len(want) > tag:
            expect_errno(errno.EBADMSG, m.aead, "OPEN", alg, key, nonce, ap,
                         want[:-1])
        # And python refuses what the module would not have sealed.
        try:
            cls(key).decrypt(nonce, ct[:-1] + bytes([ct[-1] ^ 1]), aad)
            raise AssertionError("python accepted a bad tag")
        except InvalidTag:
            pass
    expect_errno(errno.EINVAL, m.aead, "OPEN", alg, bytes(32), bytes(12),
                 [], bytes(15))
    expect_errno(errno.EINVAL, m.aead, "SEAL", alg, bytes(31), bytes(12),
                 [], b"x")
    expect_errno(errno.EINVAL, m.aead, "SEAL", C["MIPKEX_AEAD_UNSPEC"],
                 bytes(32), bytes(12), [], b"x")


def t_auth(m, name):
    alg = C["MIPKEX_AUTH_" + name]
    py = "sha256" if name == "HMAC_SHA256" else "md5"
    try:
        m.auth(alg, bytes(32), [])
    except NetlinkError as e:
        if unavailable(e):
            raise Skip("the kernel lacks it (fips=1?)")
        raise
    for _ in range(n_iter(250)):
        key = rbytes(rng.choice([32, 64, rng.randint(1, 100)]))
        data = rbytes(rng.randint(0, 300))
        want = py_mac(py, key, data)
        if FIPS and len(key) < 14:
            # FIPS mode refuses HMAC keys under 112 bits (mipkex keys are
            # 32 to 64 bytes).
            expect_errno(errno.EINVAL, m.auth, alg, key, pieces(data, 8))
            continue
        assert m.auth(alg, key, pieces(data, 8)) == want
        assert m.auth(alg, key, pieces(data, 8), want) == 1
        bad = bytearray(want)
        bad[rng.randrange(len(bad))] ^= 1 << rng.randint(0, 7)
        assert m.auth(alg, key, pieces(data, 8), bytes(bad)) == 0
        assert m.auth(alg, key, pieces(data, 8), want[:-1]) == 0
        assert m.auth(alg, key, pieces(data, 8), want + b"\0") == 0
        if data:
            assert m.auth(alg, key, pieces(data[1:], 8), want) == 0


def t_x25519(m):
    g = C["MIPKEX_DH_GROUP_X25519"]
    for _ in range(n_iter(120)):
        # The module with a given private value (python's X25519 is slow in
        # an emulated guest: one public value per side).
        x, y = rbytes(32), rbytes(32)
        ypub = x25519_pub(y)
        r = m.dh(g, priv=x, peer=ypub)
        assert r["PUBLIC"] == x25519_pub(x)
        assert r["SHARED"] == x25519(y, r["PUBLIC"])
        # The module's own ephemeral value; python computes the other side.
        r = m.dh(g, peer=ypub)
        assert r["SHARED"] == x25519(y, r["PUBLIC"])
        assert r["RESULT"] == 1, "secret not zeroised or reused"


def modp_groups():
    out = [(gid, MODP[gid], 2, None) for gid in (1, 2, 14, 15)]
    out.append((0, USER_P2048, 2, None))
    # The same prime with other generators, one of several bytes.
    for g in (5, 0x10001, USER_P2048 - 2):
        out.append((0, USER_P2048, g, None))
    return [(gid, p, g, (p.to_bytes((p.bit_length() + 7) // 8, "big"),
                         g.to_bytes(max(1, (g.bit_length() + 7) // 8),
                                    "big")) if gid == 0 else None)
            for gid, p, g, _ in out]


def t_modp(m, gid, iters):
    for g_id, p, g, user in modp_groups():
        if g_id != gid:
            continue
        plen = (p.bit_length() + 7) // 8
        try:
            m.dh(gid, priv=b"\x01" * 32, user=user)
        except NetlinkError as e:
            if unavailable(e):
                raise Skip('the kernel lacks "dh" (fips=1?)')
            raise
        n = iters if gid or g == 2 else max(1, iters // 4)
        for it in range(n_iter(n)):
            xlen = 32 if it % 4 else rng.randint(1, 64)
            x = rbytes(xlen)
            y = rng.getrandbits(256)
            xi = int.from_bytes(x, "big")
            peer = pow(g, y, p)
            if not 1 < pow(g, xi, p) < p - 1 or not 1 < peer < p - 1:
                continue
            r = m.dh(gid, priv=x, peer=peer.to_bytes(plen, "big"), user=user)
            assert r["PUBLIC"] == pow(g, xi, p).to_bytes(plen, "big")
            assert r["SHARED"] == pow(peer, xi, p).to_bytes(plen, "big")
            r = m.dh(gid, peer=peer.to_bytes(plen, "big"), user=user)
            assert len(r["PUBLIC"]) == plen
            pub = int.from_bytes(r["PUBLIC"], "big")
            assert 1 < pub < p - 1
            assert r["SHARED"] == pow(pub, y, p).to_bytes(plen, "big")
            assert r["RESULT"] == 1, "secret not zeroised or reused"


def t_reject(m):
    x = rbytes(32)
    for gid, p, g, user in modp_groups():
        plen = (p.bit_length() + 7) // 8
        bad = [0, 1, p - 1, p, p + 1, 2 ** (8 * plen) - 1,
               rng.randrange(p, 2 ** (8 * plen))]
        for y in bad:
            v = y.to_bytes(plen, "big")
            expect_errno(errno.EINVAL, m.dh, gid, peer=v, user=user,
                         check=True)
            expect_errno(errno.EINVAL, m.dh, gid, priv=x, peer=v, user=user)
        good = pow(g, 12345, p).to_bytes(plen, "big")
        m.dh(gid, peer=good, user=user, check=True)
        for v in (good[1:], b"\0" + good, good[:-1], b""):
            expect_errno(errno.EINVAL, m.dh, gid, peer=v, user=user,
                         check=True)
            expect_errno(errno.EINVAL, m.dh, gid, priv=x, peer=v, user=user)
    g = C["MIPKEX_DH_GROUP_X25519"]
    for name, u in kat.X25519_LOW_ORDER:
        u = bytes.fromhex(u)
        m.dh(g, peer=u, check=True)
        expect_errno(errno.EINVAL, m.dh, g, priv=x, peer=u)
        expect_errno(errno.EINVAL, m.dh, g, peer=u)
    for v in (bytes(31), bytes(33), b""):
        expect_errno(errno.EINVAL, m.dh, g, peer=v, check=True)
    # Groups the module does not know.
    for gid in (5, 19, 32):
        expect_errno(errno.ENOENT, m.dh, gid, priv=x)


def t_user_group(m):
    p = USER_P2048.to_bytes(256, "big")
    x = rbytes(32)

    def refused(pp, gg):
        expect_errno(errno.EINVAL, m.dh, 0, priv=x, user=(pp, gg))

    try:
        m.dh(0, priv=x, user=(p, b"\x02"))
        computes = True
    except NetlinkError as e:
        if not unavailable(e):
            raise
        computes = False    # no "dh" (fips=1): validation only
    refused(p, b"\x01")
    refused(p, b"\x00")
    refused(p, b"")
    refused(p, (USER_P2048 - 1).to_bytes(256, "big"))
    refused(p, p)
    refused(p, b"\x01" + bytes(256))
    refused(p[1:], b"\x02")                        # 2040 bits
    refused(b"\0" + p[1:], b"\x02")                # top byte zero
    refused(p[:-1] + bytes([p[-1] ^ 1]), b"\x02")  # even
    refused(b"\xff" * 1025, b"\x02")               # longer than 8192 bits
    # A random odd 2048..4096-bit "prime" is accepted as a group (p is not
    # tested for primality: it comes from the configuration); the module
    # still computes g^x mod p as python does.
    for _ in range(n_iter(3) if computes else 0):
        plen = rng.choice([256, 300, 384, 512])
        pi = rng.getrandbits(plen * 8) | (1 << (plen * 8 - 1)) | 1
        gi = rng.randrange(2, pi - 1)
        pb = pi.to_bytes(plen, "big")
        gb = gi.to_bytes(plen, "big")
        r = m.dh(0, priv=x, user=(pb, gb))
        want = pow(gi, int.from_bytes(x, "big"), pi)
        if 1 < want < pi - 1:
            assert r["PUBLIC"] == want.to_bytes(plen, "big")


TESTS = [
    ("MIPKEX_CMD_GET_SELFTEST reports 0 failed and every known-answer test",
     t_selftest),
    ("mipkex_crypto_available", t_available),
    ("AEAD nonce layout (protocol.rst 8.2)", t_nonce),
    ("KDF and fingerprint vs KBKDFHMAC, random keys, labels, contexts, "
     "lengths", t_kdf),
    ("AES-256-GCM seal/open vs python, tampering refused",
     lambda m: t_aead(m, "AES_256_GCM")),
    ("ChaCha20-Poly1305 seal/open vs python, tampering refused",
     lambda m: t_aead(m, "CHACHA20_POLY1305")),
    ("HMAC-SHA256 and verify vs python", lambda m: t_auth(m, "HMAC_SHA256")),
    ("HMAC-MD5 and verify vs python", lambda m: t_auth(m, "HMAC_MD5")),
    ("X25519 both directions vs python", t_x25519),
    ("MODP group 1 (mpi) both directions vs pow()",
     lambda m: t_modp(m, 1, 40)),
    ("MODP group 2 (mpi) both directions vs pow()",
     lambda m: t_modp(m, 2, 40)),
    ("MODP group 14 both directions vs pow()", lambda m: t_modp(m, 14, 12)),
    ("MODP group 15 both directions vs pow()", lambda m: t_modp(m, 15, 6)),
    ("user-defined groups (ffdhe2048, 4 generators) vs pow()",
     lambda m: t_modp(m, 0, 12)),
    ("bad DH public values and unknown groups refused", t_reject),
    ("user-defined group validation", t_user_group),
]


def main():
    seed = int(os.environ.get("MIPKEX_CRYPTO_SEED", "0")) or \
        random.SystemRandom().getrandbits(32)
    rng.seed(seed)
    print("# seed %d (MIPKEX_CRYPTO_SEED to repeat)" % seed)
    if sys.argv[1:] == ["--count"]:
        print(len(TESTS))
        return
    genl = Genl()
    m = Module(genl)
    if m.fam is None:
        for desc, _ in TESTS:
            print("RESULT fail %s # family mipkex_test not registered "
                  "(not the testing build?)" % desc)
        return
    for desc, fn in TESTS:
        start = time.monotonic()
        try:
            fn(m)
            status, why = "ok", ""
        except Skip as e:
            status, why = "skip", " # %s" % e
        except Exception as e:  # noqa: BLE001 - any failure is a result
            status, why = "fail", ""
            print("# %s: %s" % (type(e).__name__, e))
        print("# %.1f s" % (time.monotonic() - start))
        print("RESULT %s %s%s" % (status, desc, why))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
