#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Generates section 10 ("Worked examples and test vectors") of
# Documentation/protocol.rst from the fixed inputs below. It is written from
# protocol.rst alone, independently of the module's C codec, and needs the
# python3-cryptography package. Output: reStructuredText on stdout.
#
# Usage: vectors.py            print section 10
#        vectors.py --json     print the vectors as JSON (for selftests)

import hashlib
import hmac as py_hmac
import json
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
SEMI_SEED = bytes(range(0x60, 0x80))        # 10.1, illustrative
SEMI_CONTEXT = b"illustrative semi-stateful context"
SEMI_L = 512

LABELS = [b"mipkex id-enc", b"mipkex wrap", b"mipkex mn-ha",
          b"mipkex key1", b"mipkex semi"]

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


def encrypted_element(alg, fixed, vtype, content, spi, k, direction, index,
                      plaintext, label=b"mipkex id-enc"):
    """Returns (extension bytes, details) for an E = 1 element (8.2, 8.4)."""
    head = elem_head(content, spi)
    ext_len = 6 + len(head) + len(plaintext) + 16
    vhead = struct.pack(">BBHIH", 38, 0, ext_len, VENDOR, vtype)
    key = kdf(k, label, ctx(spi), 256)
    n = nonce(IDENT, direction, index)
    aad = fixed + vhead + head
    ct = aead(alg, key).encrypt(n, plaintext, aad)
    assert aead(alg, key).decrypt(n, ct, aad) == plaintext
    ext = vhead + head + ct
    assert len(ext) == ext_len + 4
    return ext, dict(alg=alg, key=key, nonce=n, aad=aad, plaintext=plaintext,
                     ciphertext=ct)


def transform_aes_gcm_256():
    attrs = struct.pack(">HHH", 14, 2, 256)
    # number 1, type 1 (ENCR), id 20 (ENCR_AES_GCM_16), 1 key, reserved
    return struct.pack(">HHBBHBB", 7, 10 + len(attrs), 1, 1, 20, 1, 0) + attrs


def sa_payload(subtype, spi):
    t = transform_aes_gcm_256()
    prop = struct.pack(">HHBBBBII", 6, 16 + len(t), 1, 50, 2, 1, 0, spi) + t
    return cvse(5, bytes([subtype, 0]) + prop)


def x25519_public(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key() \
        .public_bytes_raw() if hasattr(X25519PrivateKey, "public_bytes_raw") \
        else _pub_raw(priv)


def _pub_raw(priv):
    from cryptography.hazmat.primitives import serialization
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def build_request(mode, alg="AES-256-GCM"):
    """9.1 request, MN to FA. mode: "x25519" or "kdc". Returns dict."""
    fixed = rrq_fixed()
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
                  % MN_HA_ESP_SPI, sa_payload(1, MN_HA_ESP_SPI)))
    parts.append(("CVSE vendor type 5, SA payload, MN-FA, SPI 0x%08x"
                  % MN_FA_ESP_SPI, sa_payload(2, MN_FA_ESP_SPI)))
    if mode == "x25519":
        pub = x25519_public(MN_X25519_PRIV)
        parts.append(("CVSE vendor type 8, key exchange, group 31",
                      cvse(8, struct.pack(">HH", 31, 0) + pub)))
    else:
        parts.append(("CVSE vendor type 10, KDC, mode 1, SPI 0, no key",
                      cvse(10, struct.pack(">BBI", 1, 0, 0))))
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
                covered=covered, auth=auth, auth_off=auth_off,
                legacy_covered=legacy_covered,
                legacy_auth=hmac_md5(mnha_key, legacy_covered))

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
             "All inputs are fixed, so every value is reproducible. Worked "
             "replies and examples of key generation in each mode (stateful, "
             "semi-stateful, Diffie-Hellman) come with the KDC implementation.")
    o.append("")
    o.append("Common inputs: ``VENDOR`` = %d (0x%08x); KEY0 = 32 bytes "
             "``%s``, SPI 0x%08x; Identification 0x%s. All values below are "
             "in hexadecimal unless stated otherwise."
             % (VENDOR, VENDOR, KEY0.hex(), KEY0_SPI, IDENT.hex()))

    req = build_request("x25519")
    kdc = build_request("kdc")

    # 10.1
    heading(o, "10.1 Key derivation (8.1)")
    o.append("One vector per label. For ``mipkex id-enc``, ``mipkex wrap`` and "
             "``mipkex mn-ha`` the inputs are those of 10.2-10.5. Section 8 "
             "does not fix the context of ``mipkex semi`` nor, byte for byte, "
             "the transcript of ``mipkex key1``: their contexts here are "
             "illustrative and only exercise the construction; the "
             "``mipkex semi`` vector asks for 512 bits, two HMAC blocks. For "
             "``mipkex key1``, K is the X25519 shared secret of the MN private "
             "key of 10.5 and the HA private key ``%s``." % HA_X25519_PRIV.hex())
    o.append("")
    z = X25519PrivateKey.from_private_bytes(MN_X25519_PRIV).exchange(
        X25519PrivateKey.from_private_bytes(HA_X25519_PRIV).public_key())
    key1_ctx = req["parts"][4][1] + req["parts"][5][1] + req["parts"][6][1]
    kvec = [
        (b"mipkex id-enc", KEY0, ctx(KEY0_SPI), 256, "SPI || Identification"),
        (b"mipkex wrap", KEY0, ctx(KEY0_SPI), 256, "SPI || Identification"),
        (b"mipkex mn-ha", KEY0, ctx(KEY0_SPI), 256, "SPI || Identification"),
        (b"mipkex key1", z, key1_ctx, 256,
         "illustrative: CVSEs 5, 5, 8 of 10.5"),
        (b"mipkex semi", SEMI_SEED, SEMI_CONTEXT, SEMI_L,
         "illustrative, ASCII"),
    ]
    assert [v[0] for v in kvec] == LABELS
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
    for num, mode, r in (("10.5", "x25519", req), ("10.6", "kdc", kdc)):
        if mode == "x25519":
            heading(o, "10.5 Request, X25519 mode (9.1)")
            o.append("The request of 9.1 as the MN sends it to the FA. Fixed "
                     "part: flags 0x%02x (T, reverse tunnelling), lifetime %d, "
                     "home address 0.0.0.0, home agent 10.0.0.1, care-of "
                     "address 10.0.0.2. Identity elements: 10.2, AES-256-GCM. "
                     "Each SA payload carries one proposal (number 1, ESP, "
                     "protocol id 2, lifetime 0) with one transform (number "
                     "1, ENCR_AES_GCM_16, 1 key, attribute 14 = 256). The key "
                     "exchange payload carries the X25519 public value of the "
                     "private key ``%s``. The MN-HA authenticator is that of "
                     "10.3. No extension for the FA follows." % (
                         FLAGS, LIFETIME, MN_X25519_PRIV.hex()))
        else:
            heading(o, "10.6 Request, KDC mode (9.1)")
            o.append("The request of 10.5 with an empty KDC payload (vendor "
                     "type 10, mode 1, SPI 0, no key) instead of the key "
                     "exchange payload; the MN-HA authenticator changes "
                     "accordingly (same key as in 10.3, covered bytes: %d)."
                     % len(r["covered"]))
        o.append("")
        o.append("::")
        o.append("")
        annotated(o, r["parts"])
        o.append("")
        o.append("Message (%d bytes)::" % len(r["msg"]))
        o.append("")
        dump(o, r["msg"])
    o.append("")
    # Wrap prose paragraphs (never literal blocks, which are indented).
    wrapped = []
    for line in o:
        if line and not line.startswith(" ") and len(line) > 78:
            wrapped.extend(textwrap.wrap(line, 78, break_on_hyphens=False,
                                         break_long_words=False))
        else:
            wrapped.append(line)
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


if __name__ == "__main__":
    if sys.argv[1:] == ["--json"]:
        print(as_json())
    else:
        sys.stdout.write(section10())
