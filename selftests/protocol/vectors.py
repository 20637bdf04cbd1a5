#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Generates section 10 ("Worked examples and test vectors") of
# Documentation/protocol.rst from the fixed inputs below. It is written from
# protocol.rst alone, independently of the module's C codec, and needs the
# python3-cryptography package. Output: reStructuredText on stdout.
#
# Usage: vectors.py              print section 10
#        vectors.py --json       print the vectors as JSON (for selftests)
#        vectors.py --kdc-json   print the KDC known answers, the contents of
#                                selftests/protocol/kdc_vectors.json

import hashlib
import hmac as py_hmac
import json
import re
import struct
import sys
import textwrap

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.kbkdf import (CounterLocation,
                                                      KBKDFHMAC, Mode)

# --------------------------------------------------------------------------
# Fixed inputs
# --------------------------------------------------------------------------

VENDOR = 32473                      # section 3.3 default (RFC 5612)
KEY0 = bytes(range(0x00, 0x20))     # MN-HA key, 32 bytes
KEY0_SPI = 0x00001001
IDENT = bytes.fromhex("e8f1a2b300000001")
FLAGS = 0x02                        # T (reverse tunnelling, RFC 3024)
LIFETIME = 1800
HOME = bytes([0, 0, 0, 0])          # request: home address unknown to the FA
HOME_ADDR = bytes([10, 1, 1, 1])    # the MN's home address (encrypted element)
HA_ADDR = bytes([10, 0, 0, 1])
COA = bytes([10, 0, 0, 2])
REALM_NAI = b"@example.org"
MN_NAI = b"alice@example.org"
MN_HA_ESP_SPI = 0x00000400
MN_FA_ESP_SPI = 0x00000401
MN_X25519_PRIV = bytes(range(0x80, 0xa0))
HA_X25519_PRIV = bytes(range(0xa0, 0xc0))   # only for the 10.1 key1 vector
KEY1 = bytes(range(0x40, 0x60))             # 10.4
KEY1_SA_SPI = 0x00000300
REPLY_CODE = 0
SEMI_SEED = bytes(range(0x60, 0x80))        # semi-stateful seed (8.6.2)
SEMI_CONTEXT = b"illustrative semi-stateful context"   # 10.1, two blocks
SEMI_L = 512
FA_HA_KEY = bytes(range(0xc0, 0xe0))        # FA-HA key, 32 bytes
FA_HA_SPI = 0x00002001
KEY2 = bytes(range(0xe0, 0x100))            # stateful KEY2, DH-mode KEY2
KEY3 = bytes(range(0x20, 0x40))             # stateful KEY3
KEY2_SA_SPI = 0x00000301
KEY3_SA_SPI = 0x00000302
HA_MN_HA_ESP_SPI = 0x00000500               # the HA's inbound SPIs (6.4)
HA_FA_HA_ESP_SPI = 0x00000502
FA_MN_FA_ESP_SPI = 0x00000601               # the FA's inbound SPIs (6.5)
FA_FA_HA_ESP_SPI = 0x00000602
# Transforms (6.3): (type, id, attributes).
XF_AES_GCM_256 = (1, 20, struct.pack(">HHH", 14, 2, 256))
XF_AES_GCM_128 = (1, 20, struct.pack(">HHH", 14, 2, 128))
XF_CHACHA20 = (1, 28, b"")
XF_HMAC_SHA256 = (3, 12, b"")
XF_HMAC_SHA1 = (3, 2, b"")
# The home agent's policy in the worked registration (8.6.4, 6.5): every
# transform of 6.3 but the legacy HMAC-SHA1-96.
HA_POLICY = [XF_AES_GCM_256, XF_AES_GCM_128, XF_CHACHA20, XF_HMAC_SHA256]
# The FA's offers (6.5): MN-FA, what it accepts, and FA-HA, its preference.
FA_MN_FA_OFFER = [XF_AES_GCM_256, XF_CHACHA20]
FA_FA_HA_OFFER = [XF_CHACHA20, XF_AES_GCM_256]

# Subsections of section 10 that others cite, and the registration table
# at its start (9.1, 9.2): each message of the worked registration, in each
# mode, and the subsection that gives it.
S_REQ_DH, S_REQ_KDC = "10.5", "10.6"
S_SEMI_KEYS, S_DH_KEYS = "10.8", "10.9"
S_RELAY_KDC, S_RELAY_DH = "10.10", "10.11"
S_STATEFUL, S_SEMI, S_DH = "10.12", "10.13", "10.14"
S_ESP = "10.15"
LEGS = ["MN to FA", "FA to HA", "HA to FA", "FA to MN"]
REGISTRATIONS = [
    ("stateful", [S_REQ_KDC, S_RELAY_KDC, S_STATEFUL, S_STATEFUL]),
    ("semi-stateful", [S_REQ_KDC, S_RELAY_KDC, S_SEMI, S_SEMI]),
    ("Diffie-Hellman (X25519)", [S_REQ_DH, S_RELAY_DH, S_DH, S_DH]),
]

LABELS = [b"mipkex id-enc", b"mipkex wrap", b"mipkex mn-ha",
          b"mipkex key1", b"mipkex key3", b"mipkex semi",
          b"mipkex fingerprint", b"mipkex esp"]

# --------------------------------------------------------------------------
# Constructions (section 8)
# --------------------------------------------------------------------------


def kdf_manual(k, label, context, bits):
    """8.1 written out: Ki = HMAC-SHA256(K, i(4) || label || 0 || ctx || L(4))."""
    assert bits % 8 == 0
    out = b""
    i = 1
    while len(out) * 8 < bits:
        msg = struct.pack(">I", i) + label + b"\x00" + context + \
            struct.pack(">I", bits)
        out += py_hmac.new(k, msg, hashlib.sha256).digest()
        i += 1
    return out[:bits // 8]


def kdf(k, label, context, bits):
    """8.1 with cryptography's KBKDFHMAC; must agree with kdf_manual."""
    lib = KBKDFHMAC(algorithm=hashes.SHA256(), mode=Mode.CounterMode,
                    length=bits // 8, rlen=4, llen=4,
                    location=CounterLocation.BeforeFixed, label=label,
                    context=context, fixed=None).derive(k)
    assert lib == kdf_manual(k, label, context, bits), "KBKDF differs from 8.1"
    return lib


def ctx(spi, ident=IDENT):
    return struct.pack(">I", spi) + ident


def fa_wrap_ctx(spi=FA_HA_SPI, ident=IDENT, home=HOME_ADDR, ha=HA_ADDR):
    """8.1: wrap context for elements to the FA: SPI || Identification ||
    home address || home agent address (the reply's fixed part)."""
    return struct.pack(">I", spi) + ident + home + ha


def nonce(ident, direction, index):
    return ident + bytes([direction, index, 0, 0])


def aead(alg, key):
    return AESGCM(key) if alg == "AES-256-GCM" else ChaCha20Poly1305(key)


def hmac_sha256(key, data):
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(data)
    lib = h.finalize()
    assert lib == py_hmac.new(key, data, hashlib.sha256).digest()
    return lib


def hmac_md5(key, data):
    h = hmac.HMAC(key, hashes.MD5())
    h.update(data)
    lib = h.finalize()
    assert lib == py_hmac.new(key, data, hashlib.md5).digest()
    return lib

# --------------------------------------------------------------------------
# Wire (sections 3-7)
# --------------------------------------------------------------------------


def rrq_fixed():
    return struct.pack(">BBH4s4s4s8s", 1, FLAGS, LIFETIME, HOME, HA_ADDR,
                       COA, IDENT)


def rrp_fixed():
    return struct.pack(">BBH4s4s8s", 3, REPLY_CODE, LIFETIME, HOME_ADDR,
                       HA_ADDR, IDENT)


def cvse(vtype, value):
    return struct.pack(">BBHIH", 38, 0, 6 + len(value), VENDOR, vtype) + value


def elem_head(content, spi):
    return struct.pack(">BBI", content, 0x80, spi)


def nvse(vtype, value):
    assert len(value) <= 247
    return struct.pack(">BBHIH", 134, 8 + len(value), 0, VENDOR, vtype) + value


def encrypted_element(alg, fixed, vtype, content, spi, k, direction, index,
                      plaintext, label=b"mipkex id-enc", in_nvse=False):
    """Returns (extension bytes, details) for an E = 1 element (8.2, 8.4)."""
    head = elem_head(content, spi)
    if in_nvse:
        ext_len = 8 + len(head) + len(plaintext) + 16
        vhead = struct.pack(">BBHIH", 134, ext_len, 0, VENDOR, vtype)
    else:
        ext_len = 6 + len(head) + len(plaintext) + 16
        vhead = struct.pack(">BBHIH", 38, 0, ext_len, VENDOR, vtype)
    key = kdf(k, label, fa_wrap_ctx(spi) if in_nvse else ctx(spi), 256)
    n = nonce(IDENT, direction, index)
    aad = fixed + vhead + head
    ct = aead(alg, key).encrypt(n, plaintext, aad)
    assert aead(alg, key).decrypt(n, ct, aad) == plaintext
    ext = vhead + head + ct
    assert len(ext) == ext_len + (2 if in_nvse else 4)
    return ext, dict(alg=alg, key=key, nonce=n, aad=aad, plaintext=plaintext,
                     ciphertext=ct)


def transform(number, xf):
    """6.3: number, type, id, 1 key, reserved, attributes."""
    t, i, attrs = xf
    return struct.pack(">HHBBHBB", 7, 10 + len(attrs), number, t, i, 1, 0) \
        + attrs


def offer(xfs, spi, lifetime=0):
    """An initiator's proposals (6.4), one per transform in its order of
    preference, numbered from 1, each with one transform numbered 1; ESP,
    protocol id 2 for an encryption transform, 1 for an integrity one."""
    return [dict(number=n + 1, protocol=50, pid=2 if x[0] == 1 else 1,
                 lifetime=lifetime, spi=spi, xfs=[(1, x)])
            for n, x in enumerate(xfs)]


def sa_value(subtype, props):
    """6.1-6.2: sub-type, reserved, then the proposals."""
    out = bytes([subtype, 0])
    for p in props:
        ts = b"".join(transform(n, x) for n, x in p["xfs"])
        out += struct.pack(">HHBBBBII", 6, 16 + len(ts), p["number"],
                           p["protocol"], p["pid"], len(p["xfs"]),
                           p["lifetime"], p["spi"]) + ts
    return out


def mn_offers():
    """The MN's offers of the worked examples: ESP with AES-256-GCM, for
    MN-HA (sub-type 1) and MN-FA (sub-type 2), with its inbound SPIs."""
    return {1: offer([XF_AES_GCM_256], MN_HA_ESP_SPI),
            2: offer([XF_AES_GCM_256], MN_FA_ESP_SPI)}


def lifetime_min(a, b):
    """Two proposal lifetimes, 0 standing for the registration's (6.2)."""
    return max(a, b) if 0 in (a, b) else min(a, b)


def respond(props, policy, own_spi):
    """6.4 for proposals of one protocol each (those of this section): the
    first proposal with a transform the policy accepts, and in it the
    initiator's preferred such transform; the responder's inbound SPI."""
    for p in props:
        picks = [(n, x) for n, x in sorted(p["xfs"], key=lambda t: t[0])
                 if x in policy]
        if picks:
            return [dict(p, spi=own_spi, xfs=picks[:1])]
    return None


def respond_mn_fa(mn_props, fa_props, policy):
    """6.5: the first proposal of the MN's offer, in its preference, with a
    transform that a proposal of the FA's offer also carries (same protocol
    and protocol id, same transform type, id and attributes) and that the
    policy accepts. Returns the answer for the MN (the FA's inbound SPI)
    and the one for the FA (the MN's inbound SPI)."""
    for p in mn_props:
        for n, x in sorted(p["xfs"], key=lambda t: t[0]):
            fa = [q for q in fa_props if q["protocol"] == p["protocol"] and
                  q["pid"] == p["pid"] and x in [y for _, y in q["xfs"]]]
            if fa and x in policy:
                life = lifetime_min(p["lifetime"], fa[0]["lifetime"])
                a = dict(p, lifetime=life, xfs=[(n, x)])
                return [dict(a, spi=fa[0]["spi"])], [dict(a, spi=p["spi"])]
    return None, None


def x25519_public(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key() \
        .public_bytes_raw() if hasattr(X25519PrivateKey, "public_bytes_raw") \
        else _pub_raw(priv)


def _pub_raw(priv):
    from cryptography.hazmat.primitives import serialization
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def build_request(mode, alg="AES-256-GCM", kdc_mode=1):
    """9.1 request, MN to FA. mode: "x25519" or "kdc" (kdc_mode: the
    informative mode byte of 7.3). Returns dict."""
    fixed = rrq_fixed()
    offers = mn_offers()
    parts = [("fixed part (type 1, 24 bytes)", fixed)]
    nai_ext = bytes([131, len(REALM_NAI)]) + REALM_NAI
    parts.append(("NAI extension (131) \"@example.org\"", nai_ext))
    nai, nai_d = encrypted_element(alg, fixed, 1, 0, KEY0_SPI, KEY0, 1, 0,
                                   MN_NAI)
    parts.append(("CVSE vendor type 1, NAI, content 0, E = 1", nai))
    ip, ip_d = encrypted_element(alg, fixed, 2, 0, KEY0_SPI, KEY0, 1, 1,
                                 HOME_ADDR)
    parts.append(("CVSE vendor type 2, IP address, content 0, E = 1", ip))
    parts.append(("CVSE vendor type 5, SA payload, MN-HA, SPI 0x%08x"
                  % MN_HA_ESP_SPI, cvse(5, sa_value(1, offers[1]))))
    parts.append(("CVSE vendor type 5, SA payload, MN-FA, SPI 0x%08x"
                  % MN_FA_ESP_SPI, cvse(5, sa_value(2, offers[2]))))
    if mode == "x25519":
        pub = x25519_public(MN_X25519_PRIV)
        parts.append(("CVSE vendor type 8, key exchange, group 31",
                      cvse(8, struct.pack(">HH", 31, 0) + pub)))
    else:
        assert kdc_mode in (1, 2)
        parts.append(("CVSE vendor type 10, KDC, mode %d, SPI 0, no key"
                      % kdc_mode,
                      cvse(10, struct.pack(">BBI", kdc_mode, 0, 0))))
    body = b"".join(p for _, p in parts)
    auth_off = len(body)
    mnha_key = kdf(KEY0, b"mipkex mn-ha", ctx(KEY0_SPI), 256)
    covered = body + struct.pack(">BBI", 32, 36, KEY0_SPI)
    assert len(covered) == auth_off + 6
    auth = hmac_sha256(mnha_key, covered)
    parts.append(("MN-HA authentication (32), SPI 0x%08x, HMAC-SHA256"
                  % KEY0_SPI, covered[auth_off:] + auth))
    msg = covered + auth
    legacy_covered = body + struct.pack(">BBI", 32, 20, KEY0_SPI)
    return dict(parts=parts, msg=msg, nai=nai_d, ip=ip_d, mnha_key=mnha_key,
                mode=mode, offers=offers,
                covered=covered, auth=auth, auth_off=auth_off,
                legacy_covered=legacy_covered,
                legacy_auth=hmac_md5(mnha_key, legacy_covered))

# --------------------------------------------------------------------------
# Key distribution centre (section 8.6)
# --------------------------------------------------------------------------


def fingerprint(key):
    """8.6.5: KDF(key, "mipkex fingerprint", empty context, 64)."""
    return kdf(key, b"mipkex fingerprint", b"", 64)


def semi_context(n, ha=HA_ADDR, nai=MN_NAI, home=HOME_ADDR, coa=COA,
                 ident=IDENT):
    """8.6.2: n(1) || HA(4) || len(NAI)(1) || NAI || home(4) || CoA(4) ||
    Identification(8)."""
    assert 1 <= n <= 3 and 1 <= len(nai) <= 253
    return bytes([n]) + ha + bytes([len(nai)]) + nai + home + coa + ident


def semi_keys(seed=SEMI_SEED):
    return [kdf(seed, b"mipkex semi", semi_context(n), 256) for n in (1, 2, 3)]


def x25519(priv, peer_priv):
    z = X25519PrivateKey.from_private_bytes(priv).exchange(
        X25519PrivateKey.from_private_bytes(peer_priv).public_key())
    assert z != bytes(32)
    return z


def dh_transcript(req_parts, reply_parts):
    """8.6.3: the request's CVSEs of vendor types 5, 8 and 9, then the
    reply's, whole and in message order."""
    pieces = []
    for parts in (req_parts, reply_parts):
        for _, p in parts:
            if p[0] == 38 and struct.unpack(">I", p[4:8])[0] == VENDOR and \
                    struct.unpack(">H", p[8:10])[0] in (5, 8, 9):
                pieces.append(p)
    return pieces


def dh_keys(z, transcript):
    return (kdf(z, b"mipkex key1", transcript, 256),
            kdf(z, b"mipkex key3", transcript, 256))


def sa_info(sa_spi, key, lifetime=LIFETIME):
    """5.4 INFO: SA SPI(4) || lifetime(4) || n(1) || reserved(1) || key."""
    return struct.pack(">IIBB", sa_spi, lifetime, len(key), 0) + key


def auth_ext(parts, etype, spi, key):
    """Appends an authentication extension (3.2) with HMAC-SHA256."""
    body = b"".join(p for _, p in parts)
    covered = body + struct.pack(">BBI", etype, 36, spi)
    return covered[len(body):] + hmac_sha256(key, covered), len(body), covered


def fa_offers():
    """The FA's offers (6.5): MN-FA with its inbound SPI for MN to FA, FA-HA
    with its inbound SPI for HA to FA."""
    return (offer(FA_MN_FA_OFFER, FA_MN_FA_ESP_SPI),
            offer(FA_FA_HA_OFFER, FA_FA_HA_ESP_SPI))


def relayed_request(mode="kdc", kdc_mode=1):
    """9.1 as the FA relays it: the request of 10.6 (10.5 for "x25519")
    with the FA's SA payloads (NVSEs, sub-types 2 and 3) and an FA-HA
    authentication extension (34) keyed with the FA-HA key."""
    req = build_request(mode, kdc_mode=kdc_mode)
    parts = list(req["parts"])
    assert req["msg"].endswith(parts[-1][1]) and parts[-1][1][0] == 32
    o2, o3 = fa_offers()
    parts.append(("NVSE vendor type 5, SA payload, MN-FA, SPI 0x%08x"
                  % FA_MN_FA_ESP_SPI, nvse(5, sa_value(2, o2))))
    parts.append(("NVSE vendor type 5, SA payload, FA-HA, SPI 0x%08x"
                  % FA_FA_HA_ESP_SPI, nvse(5, sa_value(3, o3))))
    ext, off, covered = auth_ext(parts, 34, FA_HA_SPI, FA_HA_KEY)
    parts.append(("FA-HA authentication (34), SPI 0x%08x, HMAC-SHA256"
                  % FA_HA_SPI, ext))
    msg = b"".join(p for _, p in parts)
    assert msg.startswith(req["msg"])
    return dict(parts=parts, msg=msg, auth_off=off, covered=covered,
                auth=ext[6:], req=req, fa_offers={2: o2, 3: o3})


DISP = {"stateful": "stateful", "semi": "semi-stateful", "dh": "DH"}


def build_reply(mode, alg="AES-256-GCM"):
    """9.2 reply, HA to FA. mode: "stateful", "semi" or "dh". Returns dict
    with the HA-to-FA message, the FA-to-MN message and the details."""
    fixed = rrp_fixed()
    parts = [("fixed part (type 3, 20 bytes)", fixed)]
    nai_ext = bytes([131, len(REALM_NAI)]) + REALM_NAI
    parts.append(("NAI extension (131) \"@example.org\"", nai_ext))
    # The request it answers, as the FA relayed it: that of the KDC modes
    # (stateful and semi-stateful alike, the HA's configuration decides)
    # or the X25519 one.
    rel = relayed_request("x25519" if mode == "dh" else "kdc")
    req = rel["req"]
    # Negotiation (6.4, 6.5) of the MN's offers (CVSEs) and the FA's
    # (NVSEs) that request carries.
    fa2, fa3 = rel["fa_offers"][2], rel["fa_offers"][3]
    ans1 = respond(req["offers"][1], HA_POLICY, HA_MN_HA_ESP_SPI)
    mn2, to_fa2 = respond_mn_fa(req["offers"][2], fa2, HA_POLICY)
    ans3 = respond(fa3, HA_POLICY, HA_FA_HA_ESP_SPI)
    assert ans1 and mn2 and ans3
    parts.append(("CVSE vendor type 5, SA payload, MN-HA, SPI 0x%08x"
                  % ans1[0]["spi"], cvse(5, sa_value(1, ans1))))
    parts.append(("CVSE vendor type 5, SA payload, MN-FA, SPI 0x%08x"
                  % mn2[0]["spi"], cvse(5, sa_value(2, mn2))))
    d = dict(mode=mode, elems=[], choice={1: ans1, 2: mn2, 3: ans3},
             request=rel)
    if mode == "dh":
        pub = x25519_public(HA_X25519_PRIV)
        parts.append(("CVSE vendor type 8, key exchange, group 31",
                      cvse(8, struct.pack(">HH", 31, 0) + pub)))
        z = x25519(HA_X25519_PRIV, MN_X25519_PRIV)
        assert z == x25519(MN_X25519_PRIV, HA_X25519_PRIV)
        # 8.6.3: the CVSEs of the request as the HA received it (the FA's
        # NVSEs are not part of it, so the MN, which sent 10.5, has the
        # same transcript).
        pieces = dh_transcript(rel["parts"], parts)
        assert pieces == dh_transcript(req["parts"], parts)
        transcript = b"".join(pieces)
        k1, k3 = dh_keys(z, transcript)
        keys = (k1, KEY2, k3)
        d.update(z=z, transcript=transcript, pieces=pieces)
    else:
        kmode = 1 if mode == "stateful" else 2
        parts.append(("CVSE vendor type 10, KDC, mode %d, SPI 0, no key"
                      % kmode, cvse(10, struct.pack(">BBI", kmode, 0, 0))))
        keys = (KEY1, KEY2, KEY3) if mode == "stateful" else \
            tuple(semi_keys())
    d["keys"] = keys
    # CVSEs for the MN (KDC modes only): KEY1 then KEY3, direction 2.
    if mode != "dh":
        for index, (content, sa_spi, key, name) in enumerate((
                (2, KEY1_SA_SPI, keys[0], "KEY1"),
                (0, KEY3_SA_SPI, keys[2], "KEY3"))):
            ext, w = encrypted_element(alg, fixed, 4, content, KEY0_SPI, KEY0,
                                       2, index, sa_info(sa_spi, key),
                                       label=b"mipkex wrap")
            parts.append(("CVSE vendor type 4, %s, content %d, E = 1, "
                          "SPI 0x%08x" % (name, content, KEY0_SPI), ext))
            d["elems"].append(("%s for the MN: CVSE, content %d, direction "
                               "2, index %d" % (name, content, index), w))
    ext, off, covered = auth_ext(parts, 32, KEY0_SPI, kdf(
        KEY0, b"mipkex mn-ha", ctx(KEY0_SPI), 256))
    parts.append(("MN-HA authentication (32), SPI 0x%08x, HMAC-SHA256"
                  % KEY0_SPI, ext))
    d.update(mnha_off=off, mnha_covered=covered, mnha_auth=ext[6:])
    to_mn = list(parts)
    # NVSEs for the FA: the SA payloads MN-FA (the MN's inbound SPI) and
    # FA-HA (the HA's inbound SPI), then KEY2 and KEY3, direction 3.
    parts.append(("NVSE vendor type 5, SA payload, MN-FA, SPI 0x%08x"
                  % to_fa2[0]["spi"], nvse(5, sa_value(2, to_fa2))))
    parts.append(("NVSE vendor type 5, SA payload, FA-HA, SPI 0x%08x"
                  % ans3[0]["spi"], nvse(5, sa_value(3, ans3))))
    for index, (content, sa_spi, key, name) in enumerate((
            (1, KEY2_SA_SPI, keys[1], "KEY2"),
            (0, KEY3_SA_SPI, keys[2], "KEY3"))):
        ext, w = encrypted_element(alg, fixed, 4, content, FA_HA_SPI,
                                   FA_HA_KEY, 3, index, sa_info(sa_spi, key),
                                   label=b"mipkex wrap", in_nvse=True)
        parts.append(("NVSE vendor type 4, %s, content %d, E = 1, "
                      "SPI 0x%08x" % (name, content, FA_HA_SPI), ext))
        d["elems"].append(("%s for the FA: NVSE, content %d, direction 3, "
                           "index %d" % (name, content, index), w))
    ext, off, covered = auth_ext(parts, 34, FA_HA_SPI, FA_HA_KEY)
    parts.append(("FA-HA authentication (34), SPI 0x%08x, HMAC-SHA256"
                  % FA_HA_SPI, ext))
    d.update(faha_off=off, faha_covered=covered, faha_auth=ext[6:],
             parts=parts, msg=b"".join(p for _, p in parts),
             to_mn_parts=to_mn, to_mn=b"".join(p for _, p in to_mn))
    return d

# --------------------------------------------------------------------------
# ESP keying material (section 8.7)
# --------------------------------------------------------------------------

XF_NAMES = {XF_AES_GCM_256: "ENCR_AES_GCM_16, 256-bit key",
            XF_AES_GCM_128: "ENCR_AES_GCM_16, 128-bit key",
            XF_CHACHA20: "ENCR_CHACHA20_POLY1305",
            XF_HMAC_SHA256: "AUTH_HMAC_SHA2_256_128",
            XF_HMAC_SHA1: "AUTH_HMAC_SHA1_96"}


def esp_lengths(encr, integ):
    """8.7: (encryption key, salt, integrity key) lengths in bytes."""
    ek = salt = ik = 0
    if encr == XF_CHACHA20:
        ek, salt = 32, 4                    # RFC 7634
    elif encr is not None:
        assert encr[:2] == (1, 20)          # AES-GCM, RFC 4106
        ek, salt = struct.unpack(">H", encr[2][4:6])[0] // 8, 4
    if integ == XF_HMAC_SHA256:
        ik = 32
    elif integ == XF_HMAC_SHA1:
        ik = 20
    else:
        assert integ is None
    return ek, salt, ik


def esp_context(spi, protocol, encr, integ):
    """8.7: SPI(4) || protocol(1) || encryption transform id(2) ||
    encryption key bits(2) || integrity transform id(2)."""
    ek = esp_lengths(encr, integ)[0]
    return struct.pack(">IBHHH", spi, protocol, encr[1] if encr else 0,
                       ek * 8, integ[1] if integ else 0)


def esp_keymat(key, spi, protocol, encr, integ):
    ek, salt, ik = esp_lengths(encr, integ)
    c = esp_context(spi, protocol, encr, integ)
    km = kdf(key, b"mipkex esp", c, 8 * (ek + salt + ik))
    return dict(context=c, keymat=km, enc=km[:ek], salt=km[ek:ek + salt],
                integ=km[ek + salt:])


def xfrm_text(protocol, encr, integ):
    """8.7, informative: the Linux XFRM algorithms, one line each."""
    out = []
    if encr == XF_CHACHA20:
        out.append("XFRM aead rfc7539esp(chacha20,poly1305), key || salt "
                   "(288 bits), ICV 128")
    elif encr is not None:
        out.append("XFRM aead rfc4106(gcm(aes)), key || salt (%d bits), "
                   "ICV 128" % (8 * sum(esp_lengths(encr, None))))
    elif protocol == 50:
        out.append("XFRM enc ecb(cipher_null), empty key")
    if integ == XF_HMAC_SHA256:
        out.append("XFRM auth-trunc hmac(sha256), 256-bit key, truncated "
                   "to 128")
    elif integ == XF_HMAC_SHA1:
        out.append("XFRM auth-trunc hmac(sha1), 160-bit key, truncated to "
                   "96")
    return out


def esp_sas(reply):
    """The six ESP SAs (8.7) of a reply's three negotiated pairs: (pair,
    key name, key, from, to, SPI, protocol, encr, integ). Each SA's SPI is
    its receiver's inbound SPI: from the SA payload the receiver sent."""
    ch, (k1, k2, k3) = reply["choice"], reply["keys"]
    out = []
    for sub, pair, key, kname, a, b, spi_ab, spi_ba in (
            (1, "MN-HA", k1, "KEY1", "MN", "HA", ch[1][0]["spi"],
             MN_HA_ESP_SPI),
            (2, "MN-FA", k3, "KEY3", "MN", "FA", ch[2][0]["spi"],
             MN_FA_ESP_SPI),
            (3, "FA-HA", k2, "KEY2", "FA", "HA", ch[3][0]["spi"],
             FA_FA_HA_ESP_SPI)):
        p = ch[sub][0]
        x = p["xfs"][0][1]
        encr, integ = (x, None) if x[0] == 1 else (None, x)
        for frm, to, spi in ((a, b, spi_ab), (b, a, spi_ba)):
            out.append(dict(pair=pair, kname=kname, key=key, frm=frm, to=to,
                            spi=spi, protocol=p["protocol"], encr=encr,
                            integ=integ))
    return out


# --------------------------------------------------------------------------
# reStructuredText output
# --------------------------------------------------------------------------


def hexwrap(b, indent="    ", per=32):
    if not b:
        return [indent + "(empty)"]
    return [indent + b[i:i + per].hex() for i in range(0, len(b), per)]


def field(out, name, b, note=None):
    out.append("    %s (%d bytes)%s:" % (name, len(b),
                                         ", " + note if note else ""))
    out.extend(hexwrap(b, "      "))


def wrap78(text):
    return textwrap.wrap(text, 78, break_on_hyphens=False,
                         break_long_words=False)


def table(out, head, rows):
    """A reStructuredText simple table."""
    w = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    rule = "  ".join("=" * n for n in w)

    def row(r):
        return "  ".join(c.ljust(n) for c, n in zip(r, w)).rstrip()
    out.extend([rule, row(head), rule] + [row(r) for r in rows] + [rule])


def heading(out, title):
    out.extend(["", title, "-" * len(title), ""])


def dump(out, msg):
    for i in range(0, len(msg), 16):
        chunk = msg[i:i + 16]
        out.append("    %04x  %s" % (i, " ".join("%02x" % c for c in chunk)))


def annotated(out, parts):
    off = 0
    out.append("    offset  length  element")
    for name, p in parts:
        out.append("    %6d  %6d  %s" % (off, len(p), name))
        off += len(p)
    out.append("    %6d          (end)" % off)


def section10():
    o = []
    t = "10. Worked examples and test vectors"
    o.extend([t, "=" * len(t), ""])
    o.append("This section is generated by ``selftests/protocol/vectors.py``, an "
             "implementation of sections 3-8 written from this document alone "
             "(not from the module), and checked by "
             "``selftests/host/vectors.sh``; edit the generator, not the text. "
             "All inputs are fixed, so every value is reproducible; the keys "
             "a real KDC would draw at random are fixed here too.")
    o.append("")
    o.append("Common inputs: ``VENDOR`` = %d (0x%08x); KEY0 = 32 bytes "
             "``%s``, SPI 0x%08x; FA-HA key = 32 bytes ``%s``, SPI 0x%08x; "
             "Identification 0x%s (the request's and the reply's); mobile "
             "node NAI \"%s\", home address 10.1.1.1; home agent 10.0.0.1; "
             "care-of address (the FA) 10.0.0.2. All values below are in "
             "hexadecimal unless stated otherwise."
             % (VENDOR, VENDOR, KEY0.hex(), KEY0_SPI, FA_HA_KEY.hex(),
                FA_HA_SPI, IDENT.hex(), MN_NAI.decode()))
    o.append("")
    o.append("The worked registration, message by message (9.1, 9.2): the "
             "request as the mobile node sends it to the FA and as the FA "
             "relays it to the home agent, the reply as the home agent sends "
             "it to the FA and as the FA relays it to the mobile node, in "
             "each mode (8.6), and the subsection that gives it. The "
             "stateful and the semi-stateful registrations have the same "
             "request (%s): the home agent's configuration, not the request, "
             "chooses between them." % S_REQ_KDC)
    o.append("")
    table(o, ["mode"] + LEGS, [[m] + secs for m, secs in REGISTRATIONS])

    req = build_request("x25519")
    kdc = build_request("kdc")
    dh = build_reply("dh")
    st = build_reply("stateful")
    esp0 = esp_sas(st)[0]
    esp0.update(esp_keymat(esp0["key"], esp0["spi"], esp0["protocol"],
                           esp0["encr"], esp0["integ"]))

    # 10.1
    heading(o, "10.1 Key derivation (8.1)")
    o.append("One vector per label, with the inputs of the messages below: "
             "``mipkex id-enc``, ``mipkex wrap`` and ``mipkex mn-ha`` those "
             "of 10.2-10.5; ``mipkex key1`` and ``mipkex key3`` the X25519 "
             "exchange and the transcript of 10.9 (8.6.3); ``mipkex semi`` "
             "the seed and the context of KEY1 in 10.8 (8.6.2); ``mipkex "
             "fingerprint`` KEY0 (8.6.5); ``mipkex esp`` KEY1 and the "
             "context of the first ESP SA of %s (8.7). A last vector, "
             "``mipkex semi`` with an illustrative ASCII context and L = 512, exercises an output "
             "of two HMAC blocks; no message uses it." % S_ESP)
    o.append("")
    kvec = [
        (b"mipkex id-enc", KEY0, ctx(KEY0_SPI), 256, "SPI || Identification"),
        (b"mipkex wrap", KEY0, ctx(KEY0_SPI), 256, "SPI || Identification"),
        (b"mipkex mn-ha", KEY0, ctx(KEY0_SPI), 256, "SPI || Identification"),
        (b"mipkex key1", dh["z"], dh["transcript"], 256,
         "the transcript of 10.9"),
        (b"mipkex key3", dh["z"], dh["transcript"], 256,
         "the transcript of 10.9"),
        (b"mipkex semi", SEMI_SEED, semi_context(1), 256,
         "the context of KEY1, 8.6.2"),
        (b"mipkex fingerprint", KEY0, b"", 64, "empty"),
        (b"mipkex esp", esp0["key"], esp0["context"],
         8 * len(esp0["keymat"]), "the first SA of %s, 8.7" % S_ESP),
        (b"mipkex semi", SEMI_SEED, SEMI_CONTEXT, SEMI_L,
         "illustrative, ASCII"),
    ]
    assert [v[0] for v in kvec[:-1]] == LABELS
    for label, k, c, bits, note in kvec:
        o.append("``%s``, L = %d::" % (label.decode(), bits))
        o.append("")
        field(o, "K", k)
        field(o, "context", c, note)
        field(o, "first block input", struct.pack(">I", 1) + label + b"\x00"
              + c + struct.pack(">I", bits), "i(4) || label || 00 || "
              "context || L(4)")
        field(o, "output", kdf(k, label, c, bits))
        o.append("")
    o.pop()

    # 10.2
    heading(o, "10.2 Identity encryption (8.2)")
    o.append("The two encrypted identity elements of the request of 10.5: the "
             "NAI element (vendor type 1, content 0, plaintext "
             "\"alice@example.org\", index 0) and the IP address element "
             "(vendor type 2, content 0, plaintext 10.1.1.1, index 1), "
             "direction 1 (MN to HA). The associated data is the request's "
             "fixed part, the CVSE's first 10 bytes and the element's first 6 "
             "bytes; it is the same for both algorithms, since AEAD keeps the "
             "length. 10.5 uses AES-256-GCM.")
    for alg in ("AES-256-GCM", "ChaCha20-Poly1305"):
        r = build_request("x25519", alg)
        for what, d in (("NAI element", r["nai"]), ("IP address element",
                                                     r["ip"])):
            o.append("")
            o.append("%s, %s::" % (what, alg))
            o.append("")
            field(o, "key", d["key"], "KDF(KEY0, \"mipkex id-enc\", "
                  "SPI || Identification, 256)")
            field(o, "nonce", d["nonce"])
            field(o, "associated data", d["aad"])
            field(o, "plaintext", d["plaintext"])
            field(o, "ciphertext || tag", d["ciphertext"])

    # 10.3
    heading(o, "10.3 MN-HA authenticator (8.3)")
    o.append("The MN-HA authentication extension of the request of 10.5 is at "
             "offset %d, so the authenticator covers the first %d bytes of the "
             "message (3.2)." % (req["auth_off"], len(req["covered"])))
    o.append("")
    o.append("::")
    o.append("")
    field(o, "key", req["mnha_key"],
          "KDF(KEY0, \"mipkex mn-ha\", SPI || Identification, 256)")
    o.append("    covered bytes: %d" % len(req["covered"]))
    field(o, "HMAC-SHA256", req["auth"])
    o.append("")
    o.append("Legacy (8.3: HMAC-MD5 \"instead\"), read here as the same derived "
             "key and the same bytes, except that the extension's length byte "
             "(offset %d) is 20 instead of 36, since the authenticator is 16 "
             "bytes::" % (req["auth_off"] + 1))
    o.append("")
    o.append("    covered bytes: %d" % len(req["legacy_covered"]))
    field(o, "HMAC-MD5", req["legacy_auth"])

    # 10.4
    heading(o, "10.4 Key wrapping (8.4)")
    info = struct.pack(">IIBB", KEY1_SA_SPI, LIFETIME, len(KEY1), 0) + KEY1
    rfixed = rrp_fixed()
    ext, w = encrypted_element("AES-256-GCM", rfixed, 4, 2, KEY0_SPI, KEY0,
                               2, 0, info, label=b"mipkex wrap")
    o.append("A security association element for the MN (CVSE, vendor type 4, "
             "content 2 = KEY1, E = 1, SPI 0x%08x = the KEY0 SPI), the first "
             "encrypted element of a reply to the MN (direction 2, index 0), "
             "AES-256-GCM. INFO: SA SPI 0x%08x, lifetime %d, key length %d, "
             "KEY1 ``%s``. The reply's fixed part: code %d, lifetime %d, home "
             "address 10.1.1.1, home agent 10.0.0.1, the Identification of "
             "10.5." % (KEY0_SPI, KEY1_SA_SPI, LIFETIME, len(KEY1), KEY1.hex(),
                        REPLY_CODE, LIFETIME))
    o.append("")
    o.append("::")
    o.append("")
    field(o, "key", w["key"],
          "KDF(KEY0, \"mipkex wrap\", SPI || Identification, 256)")
    field(o, "nonce", w["nonce"])
    field(o, "associated data", w["aad"])
    field(o, "plaintext", w["plaintext"])
    field(o, "ciphertext || tag", w["ciphertext"])
    field(o, "extension", ext, "CVSE as sent")

    # 10.5, 10.6
    for num, mode, r in ((S_REQ_DH, "x25519", req), (S_REQ_KDC, "kdc", kdc)):
        if mode == "x25519":
            heading(o, "%s Request, X25519 mode (9.1)" % num)
            o.append("The request of 9.1 as the MN sends it to the FA. Fixed "
                     "part: flags 0x%02x (T, reverse tunnelling), lifetime %d, "
                     "home address 0.0.0.0, home agent 10.0.0.1, care-of "
                     "address 10.0.0.2. Identity elements: 10.2, AES-256-GCM. "
                     "Each SA payload carries one proposal (number 1, ESP, "
                     "protocol id 2, lifetime 0) with one transform (number "
                     "1, ENCR_AES_GCM_16, 1 key, attribute 14 = 256). The key "
                     "exchange payload carries the X25519 public value of the "
                     "private key ``%s``. The MN-HA authenticator is that of "
                     "10.3. No extension for the FA follows. It is the request "
                     "of the Diffie-Hellman registration: %s gives it as the "
                     "FA relays it, %s the reply." % (
                         FLAGS, LIFETIME, MN_X25519_PRIV.hex(), S_RELAY_DH,
                         S_DH))
        else:
            kdc2 = build_request("kdc", kdc_mode=2)
            rel1, rel2 = relayed_request("kdc"), relayed_request("kdc", 2)
            ke_off = sum(len(p) for _, p in r["parts"][:6])
            assert r["parts"][6][1][8:11] == b"\x00\x0a\x01"
            mode_off = ke_off + 10
            # Mode 2 changes that byte and the authenticators over it only.
            for a, b, auths in ((r["msg"], kdc2["msg"], [r["auth_off"]]),
                                (rel1["msg"], rel2["msg"],
                                 [r["auth_off"], rel1["auth_off"]])):
                assert len(a) == len(b)
                diff = [i for i in range(len(a)) if a[i] != b[i]]
                assert diff[0] == mode_off and all(
                    any(o + 6 <= i < o + 38 for o in auths)
                    for i in diff[1:]), diff
            heading(o, "%s Request, KDC mode (9.1)" % num)
            o.append("The request of %s with an empty KDC payload (vendor "
                     "type 10, mode 1, SPI 0, no key) instead of the key "
                     "exchange payload; the MN-HA authenticator changes "
                     "accordingly (same key as in 10.3, covered bytes: %d)."
                     % (S_REQ_DH, len(r["covered"])))
            o.append("")
            o.append("The request does not choose between the two KDC modes: "
                     "the home agent's configuration does, and the request's "
                     "mode byte is informative (7.3, 8.6.4). So a stateful and "
                     "a semi-stateful request are the same bytes on the wire: "
                     "this one as the MN sends it, %s as the FA relays it; the "
                     "stateful reply of %s and the semi-stateful reply of %s "
                     "both answer it. Its mode byte, at offset %d, says 1. A "
                     "mobile node may say 2 there instead (7.3 allows either "
                     "value); its request then differs from this one in that "
                     "byte and in the authenticators that cover it, given "
                     "below, and gets the same replies: the mode byte enters "
                     "neither the keys (8.6.2) nor the reply, whose KDC "
                     "payload gives the mode the home agent used." % (
                         S_RELAY_KDC, S_STATEFUL, S_SEMI, mode_off))
        o.append("")
        o.append("::")
        o.append("")
        annotated(o, r["parts"])
        o.append("")
        o.append("Message (%d bytes), MN to FA, %s::" % (
            len(r["msg"]), "X25519" if mode == "x25519" else "KDC"))
        o.append("")
        dump(o, r["msg"])
        if mode == "kdc":
            o.append("")
            o.append("Authenticators, request with mode 2 (byte %d = 02)::"
                     % mode_off)
            o.append("")
            field(o, "MN-HA HMAC-SHA256", kdc2["auth"], "this request and "
                  "%s, at offset %d" % (S_RELAY_KDC, r["auth_off"] + 6))
            field(o, "FA-HA HMAC-SHA256", rel2["auth"], "%s, at offset %d"
                  % (S_RELAY_KDC, rel1["auth_off"] + 6))
    # 10.7 fingerprints
    heading(o, "10.7 Key fingerprints (8.6.5)")
    o.append("The fingerprints of the configured keys of this section: KEY0, "
             "the FA-HA key and the semi-stateful seed of 10.8.")
    for name, k in (("KEY0", KEY0), ("the FA-HA key", FA_HA_KEY),
                    ("the seed", SEMI_SEED)):
        o.append("")
        o.append("Fingerprint of %s::" % name)
        o.append("")
        field(o, "key", k)
        field(o, "fingerprint", fingerprint(k),
              "KDF(key, \"mipkex fingerprint\", empty, 64)")

    # 10.8 semi-stateful keys
    heading(o, "10.8 Semi-stateful keys (8.6.2)")
    o.append("KEY1, KEY2 and KEY3 of the registration of %s (relayed as in "
             "%s) in the semi-stateful mode: seed ``%s``; home agent "
             "address 10.0.0.1 (the request's); NAI \"%s\" (%d bytes) and home "
             "address 10.1.1.1 (the request's encrypted elements); care-of "
             "address 10.0.0.2 and Identification 0x%s (the request's). The "
             "reply of %s delivers them." % (
                 S_REQ_KDC, S_RELAY_KDC, SEMI_SEED.hex(), MN_NAI.decode(),
                 len(MN_NAI), IDENT.hex(), S_SEMI))
    for n, key in zip((1, 2, 3), semi_keys()):
        o.append("")
        o.append("KEY%d, semi-stateful::" % n)
        o.append("")
        field(o, "seed", SEMI_SEED)
        field(o, "context", semi_context(n), "8.6.2")
        field(o, "KEY%d" % n, key,
              "KDF(seed, \"mipkex semi\", context, 256)")

    # 10.9 DH keys
    heading(o, "10.9 Diffie-Hellman keys (8.6.3)")
    o.append("KEY1 and KEY3 of the X25519 exchange between the request of "
             "%s (relayed as in %s) and the reply of %s. The home agent's "
             "private value is fixed here; a real one is random and used "
             "once. The transcript is the request's two SA payloads and key "
             "exchange payload, then the reply's, each CVSE whole; the FA's "
             "SA payloads, NVSEs, are not part of it. KEY2, which the home "
             "agent draws at random in this mode, is ``%s`` in %s." % (
                 S_REQ_DH, S_RELAY_DH, S_DH, KEY2.hex(), S_DH))
    o.append("")
    o.append("The transcript (%d bytes)::" % len(dh["transcript"]))
    o.append("")
    o.append("    offset  length  element")
    off = 0
    for who, parts in (("request", req["parts"]), ("reply", dh["parts"])):
        for name, p in parts:
            if p in dh["pieces"]:
                o.append("    %6d  %6d  %s: %s" % (
                    off, len(p), who, name.replace("vendor type ", "")))
                off += len(p)
    assert off == len(dh["transcript"])
    o.append("")
    o.append("Diffie-Hellman keys, X25519::")
    o.append("")
    field(o, "MN private value", MN_X25519_PRIV)
    field(o, "MN public value", x25519_public(MN_X25519_PRIV))
    field(o, "HA private value", HA_X25519_PRIV)
    field(o, "HA public value", x25519_public(HA_X25519_PRIV))
    field(o, "Z", dh["z"], "X25519 shared secret")
    field(o, "transcript", dh["transcript"])
    field(o, "KEY1", dh["keys"][0], "KDF(Z, \"mipkex key1\", transcript, 256)")
    field(o, "KEY3", dh["keys"][2], "KDF(Z, \"mipkex key3\", transcript, 256)")

    # 10.10, 10.11 relayed requests
    for num, mode in ((S_RELAY_KDC, "kdc"), (S_RELAY_DH, "x25519")):
        rel = relayed_request(mode)
        kind = "X25519" if mode == "x25519" else "KDC"
        base = S_REQ_DH if mode == "x25519" else S_REQ_KDC
        heading(o, "%s Request relayed by the FA, %s mode (9.1)" % (num, kind))
        if mode == "kdc":
            o.append("The request of %s as the FA relays it to the home "
                     "agent: nothing followed the MN-HA authentication "
                     "extension; the FA appends its two SA payloads (NVSEs, "
                     "6.5) and an FA-HA authentication extension (SPI "
                     "0x%08x), HMAC-SHA256 keyed with the FA-HA key (8.3) "
                     "over the first %d bytes. Its MN-FA SA payload (sub-type "
                     "2), what it accepts for the MN-FA pair, has proposal 1 "
                     "with %s and proposal 2 with %s, and the FA's inbound "
                     "SPI 0x%08x (MN to FA); its FA-HA SA payload (sub-type "
                     "3), its offer for the FA-HA pair, has proposal 1 with "
                     "%s and proposal 2 with %s, and its inbound SPI 0x%08x "
                     "(HA to FA). Every proposal is ESP, protocol id 2, "
                     "lifetime 0, with one transform numbered 1 and 1 key. "
                     "It is the request of both KDC modes (%s): %s answers it "
                     "in the stateful mode, %s in the semi-stateful mode." % (
                         base, FA_HA_SPI, len(rel["covered"]),
                         XF_NAMES[FA_MN_FA_OFFER[0]],
                         XF_NAMES[FA_MN_FA_OFFER[1]], FA_MN_FA_ESP_SPI,
                         XF_NAMES[FA_FA_HA_OFFER[0]],
                         XF_NAMES[FA_FA_HA_OFFER[1]], FA_FA_HA_ESP_SPI,
                         S_REQ_KDC, S_STATEFUL, S_SEMI))
        else:
            same = relayed_request("kdc")
            assert [p for n, p in rel["parts"] if n.startswith("NVSE")] == \
                [p for n, p in same["parts"] if n.startswith("NVSE")]
            o.append("The request of %s as the FA relays it to the home "
                     "agent, in the Diffie-Hellman registration: nothing "
                     "followed the MN-HA authentication extension; the FA "
                     "appends the two SA payloads of %s (NVSEs, 6.5: the same "
                     "offers and inbound SPIs) and an FA-HA authentication "
                     "extension (SPI 0x%08x), HMAC-SHA256 keyed with the "
                     "FA-HA key (8.3) over the first %d bytes. The NVSEs are "
                     "not part of the Diffie-Hellman transcript (8.6.3), so "
                     "the home agent's transcript is the mobile node's "
                     "(%s). The reply of %s answers it." % (
                         base, S_RELAY_KDC, FA_HA_SPI, len(rel["covered"]),
                         S_DH_KEYS, S_DH))
        o.append("")
        o.append("::")
        o.append("")
        annotated(o, rel["parts"])
        o.append("")
        o.append("FA-HA authenticator, relayed %s request::" % kind)
        o.append("")
        field(o, "FA-HA key", FA_HA_KEY)
        o.append("    FA-HA covered bytes: %d" % len(rel["covered"]))
        field(o, "FA-HA HMAC-SHA256", rel["auth"])
        o.append("")
        o.append("Message (%d bytes), FA to HA, %s::" % (len(rel["msg"]),
                                                        kind))
        o.append("")
        dump(o, rel["msg"])

    # 10.12-10.14 replies
    titles = {"stateful": (S_STATEFUL, "Reply, stateful mode (9.2)"),
              "semi": (S_SEMI, "Reply, semi-stateful mode (9.2)"),
              "dh": (S_DH, "Reply, Diffie-Hellman mode (9.2)")}
    for mode in ("stateful", "semi", "dh"):
        r = dh if mode == "dh" else build_reply(mode)
        num, title = titles[mode]
        heading(o, "%s %s" % (num, title))
        common = ("Fixed part: code %d, lifetime %d, home address 10.1.1.1, "
                  "home agent 10.0.0.1, Identification 0x%s. SA payloads "
                  "(6.4, 6.5), each one ESP proposal (protocol id 2, "
                  "lifetime 0) with one transform: for the MN, MN-HA, the "
                  "MN's proposal 1 and transform 1 (%s) with the home "
                  "agent's inbound SPI 0x%08x; MN-FA, the MN's proposal 1 "
                  "and transform 1, which the FA's offer also carries, with "
                  "the FA's inbound SPI 0x%08x; for the FA, MN-FA, the same "
                  "with the MN's inbound SPI 0x%08x; FA-HA, the FA's "
                  "proposal 1 and transform 1 (%s), the first its home "
                  "agent's policy accepts, with the home agent's inbound SPI "
                  "0x%08x. SA SPIs (5.4): KEY1 0x%08x, KEY2 0x%08x, KEY3 "
                  "0x%08x; key lifetime %d (the registration lifetime "
                  "granted). Wrapping AEAD: AES-256-GCM." % (
                      REPLY_CODE, LIFETIME, IDENT.hex(),
                      XF_NAMES[XF_AES_GCM_256], HA_MN_HA_ESP_SPI,
                      FA_MN_FA_ESP_SPI, MN_FA_ESP_SPI,
                      XF_NAMES[FA_FA_HA_OFFER[0]], HA_FA_HA_ESP_SPI,
                      KEY1_SA_SPI, KEY2_SA_SPI, KEY3_SA_SPI, LIFETIME))
        if mode == "stateful":
            o.append("The stateful answer to the relayed request of %s. "
                     "The KDC's random keys, fixed here: KEY1 ``%s`` (that "
                     "of 10.4), KEY2 ``%s``, KEY3 ``%s``. The KDC payload "
                     "says mode 1. %s" % (S_RELAY_KDC, KEY1.hex(), KEY2.hex(),
                                          KEY3.hex(), common))
        elif mode == "semi":
            o.append("The semi-stateful answer to the relayed request of "
                     "%s, the same request as in the stateful mode (%s): the "
                     "keys of %s; the KDC payload says mode 2. Only the KDC "
                     "payload and the wrapped keys differ from %s. %s" % (
                         S_RELAY_KDC, S_REQ_KDC, S_SEMI_KEYS, S_STATEFUL,
                         common))
        else:
            o.append("The answer to the relayed request of %s (the request "
                     "of %s with the FA's SA payloads and FA-HA "
                     "authentication extension). The key exchange payload "
                     "carries the home agent's X25519 public value (%s). The "
                     "mobile node derives KEY1 and KEY3 itself, so no key "
                     "travels to it; the FA gets KEY2 (random, fixed here) "
                     "and KEY3 (%s). %s" % (S_RELAY_DH, S_REQ_DH, S_DH_KEYS,
                                            S_DH_KEYS, common))
        o.append("")
        o.append("Wrapping keys, %s reply::" % (
            DISP[mode]))
        o.append("")
        if mode != "dh":
            field(o, "MN", kdf(KEY0, b"mipkex wrap", ctx(KEY0_SPI), 256),
                  "KDF(KEY0, \"mipkex wrap\", SPI || Identification, 256)")
        field(o, "FA context", fa_wrap_ctx(), "SPI || Identification || "
              "home address || HA")
        field(o, "FA", kdf(FA_HA_KEY, b"mipkex wrap", fa_wrap_ctx(), 256),
              "KDF(FA-HA key, \"mipkex wrap\", FA context, 256)")
        for name, w in r["elems"]:
            o.append("")
            o.append("%s, %s::" % (name, DISP[mode]))
            o.append("")
            field(o, "nonce", w["nonce"])
            field(o, "associated data", w["aad"])
            field(o, "plaintext", w["plaintext"], "SA SPI || lifetime || "
                  "key length || reserved || key")
            field(o, "ciphertext || tag", w["ciphertext"])
        o.append("")
        o.append("Authenticators, %s reply::" % (
            DISP[mode]))
        o.append("")
        field(o, "MN-HA key", kdf(KEY0, b"mipkex mn-ha", ctx(KEY0_SPI), 256),
              "that of 10.3")
        o.append("    MN-HA covered bytes: %d" % len(r["mnha_covered"]))
        field(o, "MN-HA HMAC-SHA256", r["mnha_auth"])
        o.append("    FA-HA covered bytes: %d" % len(r["faha_covered"]))
        field(o, "FA-HA HMAC-SHA256", r["faha_auth"], "keyed with the FA-HA "
              "key")
        o.append("")
        o.append("The reply as the home agent sends it to the FA::")
        o.append("")
        annotated(o, r["parts"])
        o.append("")
        o.append("Message (%d bytes), HA to FA, %s::" % (
            len(r["msg"]), DISP[mode]))
        o.append("")
        dump(o, r["msg"])
        o.append("")
        o.append("The FA verifies the FA-HA authenticator, takes its two "
                 "SA payloads, unwraps KEY2 and KEY3, and relays to the "
                 "mobile node the first %d bytes, through the MN-HA "
                 "authentication extension::"
                 % len(r["to_mn"]))
        o.append("")
        annotated(o, r["to_mn_parts"])
        o.append("")
        o.append("Message (%d bytes), FA to MN, %s::" % (
            len(r["to_mn"]), DISP[mode]))
        o.append("")
        dump(o, r["to_mn"])

    # 10.15 ESP keying material
    heading(o, "%s ESP keying material (8.7)" % S_ESP)
    sas = esp_sas(st)
    hard = LIFETIME
    o.append("The six ESP SAs of the stateful registration of %s and "
             "%s, two per negotiated pair, keyed from KEY1, KEY2 and KEY3 "
             "of %s. Each SA's SPI is its receiver's inbound SPI, from the "
             "SA payload that node sent: the mobile node's in %s, the FA's "
             "in %s, the home agent's in %s. Protocol 50 (ESP); the "
             "MN-HA and MN-FA pairs use %s (L = 288: a 32-byte key, then a "
             "4-byte salt), the FA-HA pair %s (L = 288: a 32-byte key, then "
             "a 4-byte salt); no integrity transform (id 0). Every SA's hard "
             "expiry is %d seconds (the registration lifetime granted, which "
             "the negotiated lifetime 0 stands for) and its soft expiry %d "
             "seconds (8.7). Three more vectors, not part of the "
             "registration, give the other transforms of 6.3, with KEY1 of "
             "%s and the SPI 0x%08x." % (
                 S_RELAY_KDC, S_STATEFUL, S_STATEFUL, S_REQ_DH, S_RELAY_KDC,
                 S_STATEFUL, XF_NAMES[XF_AES_GCM_256], XF_NAMES[XF_CHACHA20],
                 hard, hard - 30, S_STATEFUL, MN_HA_ESP_SPI))
    extra = [dict(pair=None, kname="KEY1", key=KEY1, spi=MN_HA_ESP_SPI,
                  protocol=pr, encr=e, integ=i, what=w)
             for pr, e, i, w in (
                 (50, XF_AES_GCM_128, None, "ESP, %s"
                  % XF_NAMES[XF_AES_GCM_128]),
                 (50, None, XF_HMAC_SHA256, "ESP (protocol id 1), %s"
                  % XF_NAMES[XF_HMAC_SHA256]),
                 (51, None, XF_HMAC_SHA1, "AH, %s" % XF_NAMES[XF_HMAC_SHA1]))]
    for n, sa in enumerate(sas + extra):
        km = esp_keymat(sa["key"], sa["spi"], sa["protocol"], sa["encr"],
                        sa["integ"])
        o.append("")
        if sa["pair"]:
            o.append("ESP SA %d, %s pair (%s), %s to %s, SPI 0x%08x::" % (
                n + 1, sa["pair"], sa["kname"], sa["frm"], sa["to"],
                sa["spi"]))
        else:
            o.append("Illustrative SA, %s, SPI 0x%08x::" % (sa["what"],
                                                          sa["spi"]))
        o.append("")
        field(o, sa["kname"], sa["key"])
        field(o, "context", km["context"], "SPI || protocol || ENCR id || "
              "key bits || INTEG id")
        field(o, "KEYMAT", km["keymat"], "KDF(%s, \"mipkex esp\", context, "
              "%d)" % (sa["kname"], 8 * len(km["keymat"])))
        if km["enc"]:
            field(o, "encryption key", km["enc"])
            field(o, "salt", km["salt"])
        if km["integ"]:
            field(o, "integrity key", km["integ"])
        o.extend("    " + t for t in xfrm_text(sa["protocol"], sa["encr"],
                                             sa["integ"]))
    o.append("")
    # The subsections are numbered in order, and the table names them.
    nums = [int(t.split()[0][3:]) for t in o if t.startswith("10.") and
            t.split()[0][3:].isdigit()]
    assert nums == list(range(1, len(nums) + 1)), nums
    assert {s for _, secs in REGISTRATIONS for s in secs} <= {
        "10.%d" % n for n in nums}
    # Wrap prose paragraphs (never literal blocks, which are indented).
    # No wrapped line starts with a subsection number, which readers of
    # this section (and the scripts that parse it) would take for a
    # heading: such a line takes the previous line's last word with it.
    wrapped = []
    for line in o:
        if line and not line.startswith(" ") and len(line) > 78:
            lines = wrap78(line)
            i = 1
            while i < len(lines):
                if re.match(r"^10\.\d+(?![.\d])", lines[i]):
                    head, last = lines[i - 1].rsplit(" ", 1)
                    lines[i - 1:] = [head] + wrap78(
                        " ".join([last] + lines[i:]))
                else:
                    i += 1
            wrapped.extend(lines)
        else:
            wrapped.append(line)
    for i, line in enumerate(wrapped):
        if re.match(r"^10\.\d+(?![.\d])", line):
            assert wrapped[i + 1].startswith("---"), line
    return "\n".join(wrapped)


def as_json():
    req = build_request("x25519")
    kdc = build_request("kdc")
    out = {}
    for name, r in (("x25519", req), ("kdc", kdc)):
        out[name] = dict(msg=r["msg"].hex(), covered=r["covered"].hex(),
                         auth=r["auth"].hex(), mnha_key=r["mnha_key"].hex(),
                         auth_off=r["auth_off"])
    vec = []
    for alg in ("AES-256-GCM", "ChaCha20-Poly1305"):
        r = build_request("x25519", alg)
        for d in (r["nai"], r["ip"]):
            vec.append({k: (v.hex() if isinstance(v, bytes) else v)
                        for k, v in d.items()})
    out["aead"] = vec
    return json.dumps(out, indent=1)


def kdc_json():
    """Known answers for the module's KDC self-tests (8.6): the contents of
    selftests/protocol/kdc_vectors.json."""
    dh = build_reply("dh")
    semi = [dict(n=n, context=semi_context(n).hex(), key=k.hex())
            for n, k in zip((1, 2, 3), semi_keys())]
    out = {
        "source": "selftests/protocol/vectors.py --kdc-json; "
                  "Documentation/protocol.rst 8.6, 10.7-10.9",
        "fingerprint": [
            dict(name=name, key=k.hex(), fingerprint=fingerprint(k).hex())
            for name, k in (("KEY0", KEY0), ("FA-HA key", FA_HA_KEY),
                            ("seed", SEMI_SEED))],
        "semi": {
            "seed": SEMI_SEED.hex(),
            "ident": IDENT.hex(),
            "ha_addr": ".".join(map(str, HA_ADDR)),
            "mn_nai": MN_NAI.decode(),
            "home_addr": ".".join(map(str, HOME_ADDR)),
            "coa": ".".join(map(str, COA)),
            "keys": semi,
        },
        "dh": {
            "group": 31,
            "mn_private": MN_X25519_PRIV.hex(),
            "ha_private": HA_X25519_PRIV.hex(),
            "z": dh["z"].hex(),
            "transcript_pieces": [p.hex() for p in dh["pieces"]],
            "transcript": dh["transcript"].hex(),
            "key1": dh["keys"][0].hex(),
            "key3": dh["keys"][2].hex(),
        },
    }
    return json.dumps(out, indent=1)


if __name__ == "__main__":
    if sys.argv[1:] == ["--json"]:
        print(as_json())
    elif sys.argv[1:] == ["--kdc-json"]:
        print(kdc_json())
    else:
        sys.stdout.write(section10())
