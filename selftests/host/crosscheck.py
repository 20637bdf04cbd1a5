#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-check of the mipkex wire format (run by crosscheck.sh).

Four implementations look at the same messages:

* the C codec (kmod/wire.c, kmod/elem.c), through selftests/host/wire_gen.c,
  which builds the reference messages of protocol.rst section 9 with the
  codec's builders and prints, as JSON, what the codec's parsers find;
* this file, which builds the same messages with struct alone, written from
  Documentation/protocol.rst without looking at the codec, and malformed
  variants of them;
* tshark's Mobile IP dissector, and scapy's MobileIPRRQ/MobileIPRRP;
* the Lua dissector userspace/wireshark/mipkex.lua, run by tshark.

Output: TAP version 13. Exit 0 if every test passed, 1 otherwise.
Usage: crosscheck.py WIRE_GEN LUA_SCRIPT TMPDIR
"""

import json
import logging
import os
import random
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, Raw, rdpcap, wrpcap  # noqa: E402
from scapy.layers.mobileip import MobileIPRRQ, MobileIPRRP  # noqa: E402

# ---------------------------------------------------------------------------
# The message builder, from protocol.rst alone. Section numbers refer to it.
# ---------------------------------------------------------------------------

VENDOR = 32473                  # 3.3, the default
IDENT = 0xE7A1C0DE5A17F00D      # the reference messages' Identification
KEY0_SPI = 0x1001
FA_HA_SPI = 0x2002
LIFETIME = 1800
REALM = b"@example.org"         # anonymous NAI, RFC 2794
TAG = 16                        # 5: the AEAD tag

EXT_MN_HA, EXT_MN_FA, EXT_FA_HA = 32, 33, 34    # 3.2
EXT_CVSE, EXT_NVSE, EXT_NAI = 38, 134, 131      # 3.3, RFC 2794
VT_NAI, VT_IP, VT_L2, VT_SA, VT_SAP = 1, 2, 3, 4, 5    # 4
VT_PROP, VT_XFORM, VT_KE, VT_KE_USER, VT_KDC = 6, 7, 8, 9, 10

ESP = 50
ENCR, INTEG = 1, 3                              # 6.3
AES_GCM_16, CHACHA20_POLY1305, HMAC_SHA2_256_128 = 20, 28, 12
ATTR_KEY_LENGTH = 14


def dummy(seed, n):
    """The stand-in for ciphertext, tags, public values, authenticators."""
    return bytes((seed + i) & 0xFF for i in range(n))


def ipv4(s):
    return bytes(int(x) for x in s.split("."))


class Ext:
    """One extension: its bytes, and what a parser should find in it."""

    def __init__(self, raw, expect):
        self.raw = raw
        self.expect = expect    # dict: type, len, vendor, vtype, spi, elem


def short_ext(etype, data):     # 3.1, short format
    return Ext(struct.pack("!BB", etype, len(data)) + data,
               {"type": etype, "len": len(data)})


def nai_ext(nai=REALM):
    e = short_ext(EXT_NAI, nai)
    e.expect["nai"] = nai.decode()
    return e


def auth_ext(etype, spi, authenticator):        # 3.2
    e = short_ext(etype, struct.pack("!I", spi) + authenticator)
    e.expect.update(spi=spi, auth_len=len(authenticator))
    return e


def cvse(vtype, value, elem=None, vendor=VENDOR, length=None):   # 3.3
    n = 6 + len(value) if length is None else length
    raw = struct.pack("!BBHIH", EXT_CVSE, 0, n, vendor, vtype) + value
    return Ext(raw, {"type": EXT_CVSE, "len": n, "vendor": vendor,
                     "vtype": vtype, "elem": elem})


def nvse(vtype, value, elem=None, vendor=VENDOR):                # 3.3
    n = 8 + len(value)
    raw = struct.pack("!BBHIH", EXT_NVSE, n, 0, vendor, vtype) + value
    return Ext(raw, {"type": EXT_NVSE, "len": n, "vendor": vendor,
                     "vtype": vtype, "elem": elem})


def gp(vtype, content, e, spi, info, nvse_=False, vendor=VENDOR):  # 5
    value = struct.pack("!BBI", content, 0x80 if e else 0, spi) + info
    elem = {"content": content, "e": int(e), "spi": spi,
            "info_len": len(info)}
    put = nvse if nvse_ else cvse
    return put(vtype, value, elem, vendor=vendor)


def sealed(vtype, content, spi, pt_len, seed, nvse_=False, vendor=VENDOR):
    """An element with E = 1: INFO is ciphertext (as long as the
    plaintext) || tag, both dummy bytes."""
    return gp(vtype, content, True, spi, dummy(seed, pt_len + TAG), nvse_,
              vendor)


def attr(atype, value):                         # 6.3 attributes
    return struct.pack("!HH", atype, len(value)) + value


def key_length(bits):
    return [(ATTR_KEY_LENGTH, struct.pack("!H", bits))]


def transform(number, ttype, tid, attrs=(), n_keys=1, ptype=VT_XFORM):
    """6.3; attrs: a list of (type, value), or raw bytes (then nothing is
    expected of them). Returns (bytes, expectation)."""
    exp = {"number": number, "type": ttype, "id": tid, "n_keys": n_keys}
    if isinstance(attrs, bytes):
        body = attrs
    else:
        body = b"".join(attr(t, v) for t, v in attrs)
        exp["attrs"] = [{"type": t, "len": len(v), "value": v.hex()}
                        for t, v in attrs]
    raw = struct.pack("!HHBBHBB", ptype, 10 + len(body), number, ttype,
                      tid, n_keys, 0) + body
    exp["length"] = len(raw)
    return raw, exp


def proposal(number, protocol_id, spi, xforms, n_transforms=None,
             lifetime=0, protocol=ESP, length_delta=0):
    """6.2; xforms is a list of transform() results."""
    body = b"".join(x[0] for x in xforms)
    count = len(xforms) if n_transforms is None else n_transforms
    length = 16 + len(body) + length_delta
    raw = struct.pack("!HHBBBBII", VT_PROP, length, number, protocol,
                      protocol_id, count, lifetime, spi) + body
    exp = {"length": length, "number": number, "protocol": protocol,
           "protocol_id": protocol_id, "n_transforms": count,
           "lifetime": lifetime, "spi": spi,
           "transforms": [x[1] for x in xforms]}
    return raw, exp


def sa_payload(subtype, proposals, vendor=VENDOR, in_nvse=False):   # 6.1
    value = struct.pack("!BB", subtype, 0) + b"".join(p[0] for p in proposals)
    elem = {"subtype": subtype, "proposals": [p[1] for p in proposals]}
    return (nvse if in_nvse else cvse)(VT_SAP, value, elem, vendor=vendor)


def ke_group(group, pub, vendor=VENDOR):        # 7.1
    return cvse(VT_KE, struct.pack("!HH", group, 0) + pub,
                {"group": group, "pub_len": len(pub)}, vendor=vendor)


def ke_user(prime, gen, pub, pub_len=None):     # 7.2
    n = len(pub) if pub_len is None else pub_len
    value = (struct.pack("!H", len(prime)) + prime +
             struct.pack("!H", len(gen)) + gen + struct.pack("!H", n) + pub)
    return cvse(VT_KE_USER, value, {"prime_len": len(prime),
                                    "gen_len": len(gen), "pub_len": n})


def ke_kdc(mode, spi, key=b""):                 # 7.3
    return cvse(VT_KDC, struct.pack("!BBI", mode, 0, spi) + key,
                {"mode": mode, "spi": spi, "key_len": len(key)})


def fixed_rrq(flags=0x02, home="0.0.0.0", ha="198.51.100.1",
              coa="203.0.113.5"):               # 3.1
    raw = struct.pack("!BBH4s4s4sQ", 1, flags, LIFETIME, ipv4(home),
                      ipv4(ha), ipv4(coa), IDENT)
    return raw, {"type": 1, "flags": flags, "lifetime": LIFETIME,
                 "home": home, "ha": ha, "coa": coa, "id": IDENT,
                 "fixed_len": 24}


def fixed_rrp(code=0, home="192.0.2.10", ha="198.51.100.1"):    # 3.1
    raw = struct.pack("!BBH4s4sQ", 3, code, LIFETIME, ipv4(home), ipv4(ha),
                      IDENT)
    return raw, {"type": 3, "code": code, "lifetime": LIFETIME,
                 "home": home, "ha": ha, "id": IDENT, "fixed_len": 20}


class Message:
    def __init__(self, name, fixed, exts):
        self.name = name
        self.fixed_raw, self.fixed = fixed
        self.exts = exts
        self.raw = self.fixed_raw + b"".join(e.raw for e in exts)
        off = len(self.fixed_raw)
        for e in exts:
            e.expect["off"] = off
            off += len(e.raw)

    def elements(self, vendor=VENDOR):
        return [e for e in self.exts
                if e.expect["type"] in (EXT_CVSE, EXT_NVSE) and
                e.expect.get("vendor") == vendor]


# The reference messages (protocol.rst 9.1 and 9.2, with fixed dummy bytes).

MAC = bytes([0x00, 0x00, 0x5E, 0x00, 0x53, 0x01])
MN_NAI_LEN = 15                 # length of the NAI under the ciphertext
SA_INFO_LEN = 10 + 32           # 5.4 INFO with a 32-byte key


def xf_gcm(bits):
    return transform(1, ENCR, AES_GCM_16, key_length(bits))


def req_sa_mn_ha(**over):
    p1 = dict(number=1, protocol_id=2, spi=0x300,
              xforms=[xf_gcm(256), transform(2, ENCR, CHACHA20_POLY1305)])
    p1.update(over)
    p2 = proposal(2, 1, 0x301, [transform(1, INTEG, HMAC_SHA2_256_128)])
    return sa_payload(1, [proposal(**p1), p2])


def req_sa_mn_fa(**over):
    p = dict(number=1, protocol_id=2, spi=0x400, xforms=[xf_gcm(128)])
    p.update(over)
    return sa_payload(2, [proposal(**p)])


def req_identity(l2_spi=0):
    return [sealed(VT_NAI, 0, KEY0_SPI, MN_NAI_LEN, 0x10),
            sealed(VT_IP, 0, KEY0_SPI, 4, 0x20),
            gp(VT_L2, 0, False, l2_spi, MAC)]


def ke_x25519(seed=0x40, n=32):
    return ke_group(31, dummy(seed, n))


def ke_user_2048(pub_len=None, prime_len=256):
    return ke_user(b"\xff" * prime_len, b"\x02", dummy(0xD0, 256), pub_len)


def request(name="rrq", ke=None, identity=None, sa=None, extra=()):
    """9.1: fixed part, NAI, identity, SA payloads, key exchange, MN-HA."""
    exts = [nai_ext()]
    exts += req_identity() if identity is None else identity
    exts += [req_sa_mn_ha(), req_sa_mn_fa()] if sa is None else sa
    exts += [ke_x25519() if ke is None else ke]
    exts += list(extra)
    exts += [auth_ext(EXT_MN_HA, KEY0_SPI, dummy(0x60, 32))]
    return Message(name, fixed_rrq(), exts)


def reply_parts():
    """9.2, as lists: before the MN-HA authentication, after it."""
    before = [
        nai_ext(),
        sa_payload(1, [proposal(1, 2, 0x500, [xf_gcm(256)])]),
        sa_payload(2, [proposal(1, 2, 0x600, [xf_gcm(128)])]),
        ke_x25519(0x50),
        sealed(VT_SA, 2, KEY0_SPI, SA_INFO_LEN, 0x80),
        sealed(VT_SA, 0, KEY0_SPI, SA_INFO_LEN, 0x90),
    ]
    after = [
        sealed(VT_SA, 1, FA_HA_SPI, SA_INFO_LEN, 0xA0, nvse_=True),
        sealed(VT_SA, 0, FA_HA_SPI, SA_INFO_LEN, 0xB0, nvse_=True),
    ]
    return before, after


def reply(name="rrp", before=None, after=None):
    b, a = reply_parts()
    b = b if before is None else before
    a = a if after is None else after
    exts = (b + [auth_ext(EXT_MN_HA, KEY0_SPI, dummy(0x70, 32))] + a +
            [auth_ext(EXT_FA_HA, FA_HA_SPI, dummy(0xC0, 32))])
    return Message(name, fixed_rrp(), exts)


REFERENCE = [
    request("rrq"),
    reply("rrp"),
    request("rrq-user", ke=ke_user_2048()),
    request("rrq-kdc", ke=ke_kdc(1, 0)),
]


# The SA payloads between the FA and the HA (protocol.rst 4, 6.5, 9.1, 9.2):
# NVSEs of sub-types 2 (MN-FA) and 3 (FA-HA), after the MN-HA and before
# the FA-HA authentication extension. Each returns a fresh Ext.

def fa_sa_mn_fa(spi=0x410, **over):
    """The FA's MN-FA offer (6.5): what it accepts, its inbound SPI (MN to
    FA), different from the MN's (0x400)."""
    p = dict(number=1, protocol_id=2, spi=spi, xforms=[xf_gcm(128)])
    p.update(over)
    return sa_payload(2, [proposal(**p), proposal(
        2, 2, spi, [transform(1, ENCR, CHACHA20_POLY1305)])], in_nvse=True)


def fa_sa_fa_ha(spi=0x420, subtype=3):
    """The FA's FA-HA offer (6.5), its inbound SPI (HA to FA)."""
    return sa_payload(subtype, [
        proposal(1, 2, spi, [transform(1, ENCR, CHACHA20_POLY1305)]),
        proposal(2, 1, spi, [transform(1, INTEG, HMAC_SHA2_256_128)])],
        in_nvse=True)


def relayed(name="rrq-fa", sa=None, fa=None, tail=None):
    """9.1, the request as the FA relays it: the MN's part, the FA's SA
    payloads, then (tail) an FA-HA authentication extension."""
    exts = request(sa=sa).exts
    exts += [fa_sa_mn_fa(), fa_sa_fa_ha()] if fa is None else fa
    exts += [auth_ext(EXT_FA_HA, FA_HA_SPI, dummy(0xE0, 32))] \
        if tail is None else tail
    return Message(name, fixed_rrq(), exts)


def fa_reply_after():
    """9.2, after the MN-HA authentication: the answers to the FA (MN-FA
    with the MN's inbound SPI, FA-HA with the HA's), KEY2, KEY3."""
    return ([sa_payload(2, [proposal(1, 2, 0x400, [xf_gcm(128)])],
                        in_nvse=True),
             sa_payload(3, [proposal(1, 2, 0x520, [transform(
                 1, ENCR, CHACHA20_POLY1305)])], in_nvse=True)] +
            reply_parts()[1])


# Well-formed messages with NVSE SA payloads, built here only (wire_gen
# builds the four reference messages): the relayed request of 9.1 with
# both FA offers, one with the FA-HA offer only (the MN offered no MN-FA
# pair), and the reply of 9.2 with the MN-FA answer on both sides.
FA_MESSAGES = [
    relayed("rrq-fa"),
    relayed("rrq-fa-ha", sa=[req_sa_mn_ha()], fa=[fa_sa_fa_ha()]),
    reply("rrp-fa", after=fa_reply_after()),
]


def variants():
    """Malformed messages: (description, message, expected codec error or
    None for "any error", todo reason or None)."""
    gcm256, chacha = xf_gcm(256), transform(2, ENCR, CHACHA20_POLY1305)
    b, a = reply_parts()
    nai2 = sealed(VT_NAI, 0, KEY0_SPI, MN_NAI_LEN, 0x10)
    v = [
        ("proposal length one over (the SA payload's last proposal)",
         request(sa=[req_sa_mn_ha(), req_sa_mn_fa(length_delta=1)]),
         "proposal length disagrees with its SA payload", None),
        ("proposal length one over (first of two proposals)",
         request(sa=[req_sa_mn_ha(length_delta=1), req_sa_mn_fa()]),
         "transform header runs past its proposal", None),
        ("proposal announces 3 transforms, carries 2",
         request(sa=[req_sa_mn_ha(n_transforms=3), req_sa_mn_fa()]),
         "transforms disagree with the proposal's count", None),
        ("proposal announces 1 transform, carries 2",
         request(sa=[req_sa_mn_ha(n_transforms=1), req_sa_mn_fa()]),
         "transforms disagree with the proposal's count", None),
        ("X25519 public value one byte short",
         request(ke=ke_x25519(n=31)),
         "key-exchange value of the wrong length", None),
        ("X25519 public value one byte long",
         request(ke=ke_x25519(n=33)),
         "key-exchange value of the wrong length", None),
        ("NVSE SA element before the MN-HA authentication",
         reply(before=b + [a[0]], after=a[1:]),
         "element on the wrong side of the MN-HA authentication", None),
        ("CVSE SA element after the MN-HA authentication",
         reply(before=b[:-1], after=[b[-1]] + a),
         "element on the wrong side of the MN-HA authentication", None),
        ("NAI element (content 0) twice",
         request(identity=req_identity()[:1] + [nai2] +
                 req_identity()[1:]),
         "element repeated", None),
        ("SA payload for MN-HA twice",
         request(sa=[req_sa_mn_ha(), req_sa_mn_ha(), req_sa_mn_fa()]),
         "element repeated", None),
        ("two key-exchange payloads",
         request(extra=[ke_kdc(1, 0)]), "element repeated", None),
        ("clear layer-2 element with a non-zero SPI",
         request(identity=req_identity(l2_spi=KEY0_SPI)),
         "clear element with a non-zero SPI", None),
        ("CVSE of the vendor with reserved vendor type 11",
         request(extra=[cvse(11, b"\0" * 4)]),
         "reserved vendor type", None),
        ("SA payload sub-type 4 (MN-SMM, reserved)",
         request(sa=[sa_payload(4, [proposal(1, 2, 0x300, [gcm256])])]),
         "undefined content type or sub-type", None),
        ("NAI element content type 3",
         request(identity=[sealed(VT_NAI, 3, KEY0_SPI, 15, 0x10)]),
         "undefined content type or sub-type", None),
        ("predefined DH group 5",
         request(ke=ke_group(5, dummy(0x40, 192))),
         "undefined Diffie-Hellman group", None),
        ("KDC mode 3", request(ke=ke_kdc(3, 0)), "undefined KDC mode", None),
        ("user-defined group, public value one byte shorter than p",
         request(ke=ke_user(b"\xff" * 256, b"\x02", dummy(0xD0, 255))),
         "key-exchange value of the wrong length", None),
        ("user-defined group, 255-byte prime (2040 bits)",
         request(ke=ke_user(b"\xff" * 255, b"\x02", dummy(0xD0, 255))),
         "key-exchange value of the wrong length", None),
        ("encrypted NAI of 16 bytes (a tag, no ciphertext)",
         request(identity=[gp(VT_NAI, 0, True, KEY0_SPI, dummy(1, 16))]),
         "encrypted INFO with nothing before its tag", None),
        ("MN-HA SA payload (sub-type 1) in an NVSE",
         reply(after=a + [sa_payload(1, [proposal(1, 2, 0x500, [gcm256])],
                                     in_nvse=True)]),
         "undefined content type or sub-type", None),
        ("proposal SPI 255",
         request(sa=[req_sa_mn_ha(spi=255), req_sa_mn_fa()]),
         "proposal field out of range", None),
        ("proposal protocol id 3",
         request(sa=[req_sa_mn_ha(protocol_id=3), req_sa_mn_fa()]),
         "proposal field out of range", None),
        ("Key Length attribute runs past its transform",
         request(sa=[req_sa_mn_ha(xforms=[
             transform(1, ENCR, AES_GCM_16, attr(14, b"\x01\x00")[:4] +
                       b"\x00"), chacha]), req_sa_mn_fa()]),
         "transform attribute runs past its transform", None),
        ("payload of type 6 where a transform belongs",
         request(sa=[req_sa_mn_ha(xforms=[
             gcm256, transform(2, ENCR, CHACHA20_POLY1305, ptype=6)]),
             req_sa_mn_fa()]),
         "payload in a proposal is not a transform", None),
        ("SA payload without a proposal",
         request(sa=[sa_payload(1, [])]),
         "SA payload without a proposal", None),
        ("clear SA element with key length 15 (insecure form)",
         reply(after=[gp(VT_SA, 1, False, 0, struct.pack(
             "!IIBB", 0x3000, 600, 15, 0) + dummy(0, 15), nvse_=True)]),
         "INFO of the wrong length", None),
        ("clear IMSI with a letter",
         request(identity=[gp(VT_L2, 1, False, 0, b"20801234x6789")]),
         "INFO of the wrong length", None),
        ("NVSE of the vendor with reserved vendor type 11 (4: skipped)",
         reply(after=a + [nvse(11, b"\0" * 4)]), "no error", None),
        ("transform number 0 (6.3: 1-255)",
         request(sa=[req_sa_mn_ha(xforms=[
             transform(0, ENCR, AES_GCM_16, key_length(256)), chacha]),
             req_sa_mn_fa()]),
         "transform field out of range", None),
        ("proposals 1, 2, 1: same number not adjacent (6.4 MUST)",
         request(sa=[sa_payload(1, [
             proposal(1, 2, 0x300, [gcm256]),
             proposal(2, 1, 0x301, [transform(1, INTEG,
                                              HMAC_SHA2_256_128)]),
             proposal(1, 1, 0x302, [transform(1, INTEG,
                                              HMAC_SHA2_256_128)])])]),
         "proposals of one number not adjacent", None),
        ("KDC payload with a 5-byte wrapped key (7.3/8.4: ciphertext||tag)",
         request(ke=ke_kdc(1, KEY0_SPI, dummy(0, 5))),
         "encrypted INFO with nothing before its tag", None),
        ("encrypted IP element under SPI 7 (3.2: SPIs 0-255 reserved)",
         request(identity=[sealed(VT_IP, 0, 7, 4, 0x20)]),
         "element names a reserved SPI", None),
        ("encrypted IP element whose plaintext is 5 bytes",
         request(identity=[sealed(VT_IP, 0, KEY0_SPI, 5, 0x20)]),
         "INFO of the wrong length", None),
        ("proposal payload at top level (vendor type 6 in a CVSE)",
         request(extra=[cvse(6, b"\0" * 16)]),
         "proposal or transform outside an SA payload", None),
        ("KEY2 (content 1) in a CVSE, for the MN",
         reply(before=[sealed(VT_SA, 1, KEY0_SPI, SA_INFO_LEN, 0x30)]),
         "undefined content type or sub-type", None),
        ("KEY1 (content 2) in an NVSE, for the FA",
         reply(after=[sealed(VT_SA, 2, FA_HA_SPI, SA_INFO_LEN, 0x30, nvse_=True)]),
         "undefined content type or sub-type", None),
        ("NVSE of the vendor with reserved vendor type 11 before the MN-HA "
         "authentication (skipped)",
         reply(before=[nvse(11, b"\0" * 4)]), "no error", None),
        # SA payloads between the FA and the HA (4, 6.5).
        ("FA-HA SA payload (sub-type 3) in a CVSE of a request",
         request(sa=[req_sa_mn_ha(), req_sa_mn_fa(),
                     sa_payload(3, [proposal(1, 2, 0x420, [chacha])])]),
         "undefined content type or sub-type", None),
        ("FA-HA SA payload (sub-type 3) in a CVSE of a reply",
         reply(before=b[:3] + [sa_payload(3, [proposal(1, 2, 0x520,
                                                       [chacha])])] + b[3:],
               after=fa_reply_after()),
         "undefined content type or sub-type", None),
        ("MN-HA SA payload (sub-type 1) in an NVSE of a relayed request",
         relayed(fa=[fa_sa_mn_fa(), fa_sa_fa_ha(subtype=1)]),
         "undefined content type or sub-type", None),
        ("SA payload sub-type 4 (MN-SMM, reserved) in an NVSE",
         relayed(fa=[fa_sa_fa_ha(subtype=4)]),
         "undefined content type or sub-type", None),
        ("NVSE SA payload in a request as the MN sends it (no FA-HA "
         "authentication)",
         relayed(fa=[fa_sa_mn_fa()], tail=[]),
         "element on the wrong side of the MN-HA authentication", None),
        ("NVSE SA payload followed by an MN-FA authentication, no FA-HA one",
         relayed(fa=[fa_sa_fa_ha()],
                 tail=[auth_ext(EXT_MN_FA, FA_HA_SPI, dummy(0xE0, 32))]),
         "element on the wrong side of the MN-HA authentication", None),
        ("NVSE SA payload in a reply as the FA relays it (no FA-HA "
         "authentication)",
         Message("rrp-relayed", fixed_rrp(), reply_parts()[0] + [
             auth_ext(EXT_MN_HA, KEY0_SPI, dummy(0x70, 32)),
             fa_reply_after()[0]]),
         "element on the wrong side of the MN-HA authentication", None),
        ("NVSE SA payload before the MN-HA authentication",
         reply(before=b + [fa_reply_after()[1]], after=a),
         "element on the wrong side of the MN-HA authentication", None),
        ("the FA's FA-HA SA payload (NVSE sub-type 3) twice",
         relayed(fa=[fa_sa_fa_ha(), fa_sa_fa_ha(0x421)]),
         "element repeated", None),
        ("the FA's MN-FA SA payload (NVSE sub-type 2) twice",
         relayed(fa=[fa_sa_mn_fa(), fa_sa_mn_fa(0x411), fa_sa_fa_ha()]),
         "element repeated", None),
        ("NVSE MN-FA SA payload announcing 2 transforms, carrying 1",
         relayed(fa=[fa_sa_mn_fa(n_transforms=2), fa_sa_fa_ha()]),
         "transforms disagree with the proposal's count", None),
    ]
    for i, (desc, msg, err, todo) in enumerate(v):
        msg.name = "bad%d" % (i + 1)
    return v


# ---------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------

class TAP:
    def __init__(self):
        self.tests = []
        self.failed = False

    def add(self, desc, fn, todo=None):
        self.tests.append((desc, fn, todo))

    def run(self):
        print("TAP version 13")
        print("1..%d" % len(self.tests))
        for n, (desc, fn, todo) in enumerate(self.tests, 1):
            try:
                diag = fn()
            except Exception as e:          # a test that crashes fails
                diag = ["exception: %r" % e]
            ok = not diag
            line = "%s %d %s" % ("ok" if ok else "not ok", n, desc)
            if todo:
                line += " # TODO " + todo
            elif not ok:
                self.failed = True
            print(line)
            for d in (diag or [])[:20]:
                for sub in str(d).splitlines():
                    print("# " + sub)
            sys.stdout.flush()
        return 1 if self.failed else 0


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def compare(what, want, seen, diags):
    if want != seen:
        diags.append("%s: want %r, codec/dissector says %r" %
                     (what, want, seen))


def locate(msg, off):
    """Name the part of a Python-built message that holds byte @off."""
    if off < len(msg.fixed_raw):
        return "fixed part byte %d" % off
    for i, e in enumerate(msg.exts):
        s = e.expect["off"]
        if s <= off < s + len(e.raw):
            what = "extension %d (type %d" % (i, e.expect["type"])
            if "vtype" in e.expect:
                what += ", vendor type %d" % e.expect["vtype"]
            return what + ") at offset %d, its byte %d" % (s, off - s)
    return "past the end"


def hexdiff(msg, want, seen):
    n = min(len(want), len(seen))
    first = next((i for i in range(n) if want[i] != seen[i]), n)
    out = ["lengths: spec %d, codec %d" % (len(want), len(seen)),
           "first difference at offset %d: %s" % (first, locate(msg, first))]
    lo = max(0, first - 8)
    out.append("spec : " + want[lo:first + 16].hex())
    out.append("codec: " + seen[lo:first + 16].hex())
    return out


# --- codec JSON vs. the model ----------------------------------------------

def check_elem(exp, el, diags, where):
    """Compare an element's expectation (from the model) with a decoded one
    (codec JSON or the Lua dissector, same keys)."""
    for k, v in exp.items():
        if k == "proposals":
            props = el.get("proposals", [])
            compare(where + " number of proposals", len(v), len(props),
                    diags)
            for i, (pe, ps) in enumerate(zip(v, props)):
                for pk, pv in pe.items():
                    if pk == "transforms":
                        xs = ps.get("transforms", [])
                        compare("%s proposal %d transforms" % (where, i),
                                len(pv), len(xs), diags)
                        for j, (xe, xsn) in enumerate(zip(pv, xs)):
                            for xk, xv in xe.items():
                                compare("%s proposal %d transform %d %s" %
                                        (where, i, j, xk), xv, xsn.get(xk),
                                        diags)
                    else:
                        compare("%s proposal %d %s" % (where, i, pk), pv,
                                ps.get(pk), diags)
        else:
            compare(where + " " + k, v, el.get(k), diags)


def codec_parse(wire_gen, raw, vendor=VENDOR):
    rc, out, err = run([wire_gen, "parse", str(vendor)], raw.hex())
    if rc:
        raise RuntimeError("wire_gen parse: status %d: %s" % (rc, err))
    return json.loads(out)


def check_codec_view(msg, j):
    d = []
    compare("parse", "no error", j["parse"]["error"], d)
    compare("scan", "no error", j["scan"]["error"], d)
    for k, v in msg.fixed.items():
        compare("fixed " + k, v, j["fixed"].get(k), d)
    compare("number of extensions", len(msg.exts), len(j["extensions"]), d)
    for i, (e, x) in enumerate(zip(msg.exts, j["extensions"])):
        for k, v in e.expect.items():
            if k != "elem":
                compare("extension %d %s" % (i, k), v, x.get(k), d)
    elems = msg.elements()
    compare("number of elements", len(elems), len(j["elements"]), d)
    for i, (e, x) in enumerate(zip(elems, j["elements"])):
        compare("element %d vtype" % i, e.expect["vtype"], x["vtype"], d)
        compare("element %d error" % i, "no error", x["error"], d)
        check_elem(e.expect["elem"] or {}, x, d, "element %d" % i)
    mn_ha = [e.expect["off"] for e in msg.exts
             if e.expect["type"] == EXT_MN_HA]
    compare("mn_ha_off", mn_ha[0], j["fixed"]["mn_ha_off"], d)
    return d


# --- pcap, tshark, scapy ----------------------------------------------------

def frame(raw, reply_=False):
    src, dst = ("198.51.100.1", "203.0.113.5") if reply_ else \
        ("203.0.113.5", "198.51.100.1")
    return (Ether(src="00:00:5e:00:53:01", dst="00:00:5e:00:53:02") /
            IP(src=src, dst=dst) / UDP(sport=434, dport=434) / Raw(raw))


def write_pcap(path, raws):
    wrpcap(path, [frame(r, r[0] == 3) for r in raws])


TSHARK_FIELDS = ["frame.number", "mip.type", "mip.ext.type", "mip.ext.len",
                 "mip.ext.cvse.vendor_id", "mip.ext.cvse.vendor_type",
                 "mip.ext.nvse.vendor_id", "mip.ext.nvse.vendor_type",
                 "mip.auth.spi", "mip.nai", "mip.homeaddr", "mip.haaddr",
                 "mip.life", "_ws.malformed", "_ws.expert",
                 "_ws.expert.message"]


def tshark_fields(pcap, extra=()):
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=|", "-E", "separator=\t"]
    cmd += list(extra)
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    rc, out, err = run(cmd)
    if rc:
        raise RuntimeError("tshark: status %d: %s" % (rc, err))
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        rows.append({f: (c.split("|") if c else [])
                     for f, c in zip(TSHARK_FIELDS, cols)})
    return rows


def as_int(s):
    return int(s, 0)


def check_tshark_row(row, j):
    d = []
    exts = j["extensions"]
    compare("extension types", [x["type"] for x in exts],
            [int(t) for t in row["mip.ext.type"]], d)
    compare("extension lengths", [x["len"] for x in exts],
            [int(t) for t in row["mip.ext.len"]], d)
    for kind, t in (("cvse", EXT_CVSE), ("nvse", EXT_NVSE)):
        compare(kind + " vendor ids", [x["vendor"] for x in exts
                                       if x["type"] == t],
                [as_int(v) for v in row["mip.ext.%s.vendor_id" % kind]], d)
        compare(kind + " vendor types", [x["vtype"] for x in exts
                                         if x["type"] == t],
                [as_int(v) for v in row["mip.ext.%s.vendor_type" % kind]],
                d)
    compare("auth SPIs", [x["spi"] for x in exts if "spi" in x],
            [as_int(v) for v in row["mip.auth.spi"]], d)
    compare("NAI", [x["nai"] for x in exts if "nai" in x], row["mip.nai"],
            d)
    compare("home address", [j["fixed"]["home"]], row["mip.homeaddr"], d)
    compare("lifetime", [str(j["fixed"]["lifetime"])], row["mip.life"], d)
    return d


# --- the Lua dissector, through PDML ----------------------------------------

def pdml(pcap, lua, extra=()):
    cmd = ["tshark", "-n", "-X", "lua_script:" + lua, "-r", pcap, "-T",
           "pdml"] + list(extra)
    rc, out, err = run(cmd)
    if rc or "Lua" in err and "rror" in err:
        raise RuntimeError("tshark -X lua_script: status %d: %s" % (rc, err))
    return ET.fromstring(out)


def fnum(f):
    if f is None:
        return None
    show = f.get("show", "")
    if show in ("True", "False"):
        return int(show == "True")
    try:
        return int(show, 0)
    except ValueError:
        return int(f.get("value"), 16)


def kids(node, name):
    return [c for c in node if c.get("name") == name]


def kid(node, name):
    k = kids(node, name)
    return k[0] if k else None


def lua_elements(packet):
    """The elements the Lua dissector shows in one packet, with the keys of
    the codec's JSON."""
    out = []
    proto = packet.find("proto[@name='mipkex']")
    if proto is None:
        return out, []
    experts = [(f.get("name"), f.get("showname"))
               for f in proto.iter("field")
               if (f.get("name") or "").startswith("mipkex.expert.")]
    for el in kids(proto, "mipkex.element"):
        e = {"carrier": fnum(kid(el, "mipkex.carrier")),
             "vendor": fnum(kid(el, "mipkex.vendor")),
             "vtype": fnum(kid(el, "mipkex.vtype"))}
        for key, name in (("content", "mipkex.content"),
                          ("spi", "mipkex.spi"),
                          ("info_len", "mipkex.info_len"),
                          ("subtype", "mipkex.sap.subtype"),
                          ("group", "mipkex.ke.group"),
                          ("pub_len", "mipkex.ke.public_len"),
                          ("prime_len", "mipkex.ke.prime_len"),
                          ("gen_len", "mipkex.ke.generator_len"),
                          ("mode", "mipkex.kdc.mode")):
            f = kid(el, name)
            if f is not None:
                e[key] = fnum(f)
        if e["vtype"] == VT_KDC:
            e["spi"] = fnum(kid(el, "mipkex.kdc.spi"))
            key = kid(el, "mipkex.kdc.key")
            e["key_len"] = int(key.get("size")) if key is not None else 0
        flags = kid(el, "mipkex.flags")
        if flags is not None:
            e["e"] = fnum(kid(flags, "mipkex.flags.e"))
        if e["vtype"] == VT_SAP:
            e["proposals"] = []
            for pr in kids(el, "mipkex.proposal"):
                p = {k: fnum(kid(pr, "mipkex.proposal." + k))
                     for k in ("length", "number", "protocol",
                               "protocol_id", "n_transforms", "lifetime",
                               "spi")}
                p["transforms"] = []
                for xf in kids(pr, "mipkex.transform"):
                    x = {k: fnum(kid(xf, "mipkex.transform." + f))
                         for k, f in (("length", "length"),
                                      ("number", "number"),
                                      ("type", "type"), ("id", "id"),
                                      ("n_keys", "n_keys"))}
                    x["attrs"] = [
                        {"type": fnum(kid(a, "mipkex.attr.type")),
                         "len": fnum(kid(a, "mipkex.attr.length"))}
                        for a in kids(xf, "mipkex.attr")]
                    p["transforms"].append(x)
                e["proposals"].append(p)
        out.append(e)
    return out, experts


def check_lua_packet(packet, j):
    """The Lua dissector against the codec's JSON of the same message."""
    d = []
    els, experts = lua_elements(packet)
    if experts:
        d.append("expert infos on a valid message: %r" % experts)
    cj = j["elements"]
    compare("number of elements", len(cj), len(els), d)
    carriers = {"cvse": EXT_CVSE, "nvse": EXT_NVSE}
    for i, (c, lu) in enumerate(zip(cj, els)):
        w = "element %d" % i
        compare(w + " carrier", carriers[c["ext"]], lu["carrier"], d)
        compare(w + " vendor", VENDOR, lu["vendor"], d)
        compare(w + " vtype", c["vtype"], lu["vtype"], d)
        gp_keys = ("content", "e", "spi", "info_len")
        keys = {VT_NAI: gp_keys, VT_IP: gp_keys, VT_L2: gp_keys,
                VT_SA: gp_keys, VT_SAP: ("subtype",),
                VT_KE: ("group", "pub_len"),
                VT_KE_USER: ("prime_len", "gen_len", "pub_len"),
                VT_KDC: ("mode", "spi", "key_len")}
        for k in keys.get(c["vtype"], ()):
            compare(w + " " + k, c.get(k), lu.get(k), d)
        if c["vtype"] == VT_SAP:
            want = [{k: v for k, v in p.items()
                     if k in ("length", "number", "protocol", "protocol_id",
                              "n_transforms", "lifetime", "spi")} |
                    {"transforms": [
                        {k: v for k, v in x.items()
                         if k in ("length", "number", "type", "id",
                                  "n_keys")} |
                        {"attrs": [{"type": a["type"], "len": a["len"]}
                                   for a in x["attrs"]]}
                        for x in p["transforms"]]}
                    for p in c["proposals"]]
            check_elem({"proposals": want}, lu, d, w)
    return d


def truncated_value(e, k):
    """A vendor extension with its value cut to @k bytes."""
    t = e.expect["type"]
    if t == EXT_CVSE:
        hdr = struct.pack("!BBHIH", t, 0, 6 + k, e.expect["vendor"],
                          e.expect["vtype"])
    else:
        hdr = struct.pack("!BBHIH", t, 8 + k, 0, e.expect["vendor"],
                          e.expect["vtype"])
    return hdr + e.raw[10:10 + k]


def lua_expert_for(desc, err):
    """The expert info the Lua dissector must raise for a variant."""
    if err is None:
        return "mipkex.expert.order" if "adjacent" in desc else \
            "mipkex.expert.malformed"
    return {"no error": "mipkex.expert.skipped",
            "element on the wrong side of the MN-HA authentication":
            "mipkex.expert.placement",
            "element repeated": "mipkex.expert.duplicate",
            "reserved vendor type": "mipkex.expert.reserved_vtype",
            }.get(err, "mipkex.expert.malformed")


# ---------------------------------------------------------------------------

def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    wire_gen, lua, tmp = sys.argv[1:]
    tap = TAP()
    st = {}                     # results shared between tests

    # --- the codec builds what the document says ---------------------------
    def t_gen():
        rc, out, err = run([wire_gen, "gen"])
        lines = out.split()
        if rc or len(lines) != 4:
            return ["wire_gen gen: status %d, %d lines: %s" %
                    (rc, len(lines), err)]
        st["codec"] = {m.name: bytes.fromhex(l)
                       for m, l in zip(REFERENCE, lines)}
        return []
    tap.add("wire_gen builds the 4 reference messages with the codec's "
            "builders", t_gen)

    for m in REFERENCE:
        def t_bytes(m=m):
            seen = st["codec"][m.name]
            return [] if seen == m.raw else hexdiff(m, m.raw, seen)
        tap.add("%s: codec-built bytes are identical to the bytes built "
                "from protocol.rst (%d bytes)" % (m.name, len(m.raw)),
                t_bytes)

    for m in REFERENCE:
        def t_view(m=m):
            j = codec_parse(wire_gen, st["codec"][m.name])
            st.setdefault("json", {})[m.name] = j
            return check_codec_view(m, j)
        tap.add("%s: codec parses fixed part, extensions (type, length, "
                "offset, vendor, vendor type) and every element as built"
                % m.name, t_view)

    # --- scapy ---------------------------------------------------------------
    pcap = os.path.join(tmp, "reference.pcap")

    def scapy_check(msgs, raws, jsons, path):
        d = []
        write_pcap(path, raws)
        for m, pkt in zip(msgs, rdpcap(path)):
            j = jsons[m.name]["fixed"]
            cls = MobileIPRRQ if j["type"] == 1 else MobileIPRRP
            if cls not in pkt:
                d.append("%s: scapy finds no %s" % (m.name, cls.__name__))
                continue
            f = pkt[cls]
            seen = {"lifetime": f.lifetime, "home": f.homeaddr,
                    "ha": f.haaddr, "id": f.id}
            if j["type"] == 1:
                seen.update(flags=f.flags, coa=f.coaddr)
            else:
                seen.update(code=f.code)
            for k, v in seen.items():
                compare("%s %s" % (m.name, k), j[k], v, d)
            rest = bytes(f.payload)
            compare("%s extensions after scapy's fixed part" % m.name,
                    raws[msgs.index(m)][j["fixed_len"]:].hex(), rest.hex(),
                    d)
        return d

    def t_scapy():
        return scapy_check(REFERENCE, [st["codec"][m.name]
                                       for m in REFERENCE], st["json"], pcap)
    tap.add("scapy MobileIPRRQ/MobileIPRRP parse the fixed fields the codec "
            "parses, and leave the extensions after them", t_scapy)

    # --- tshark's Mobile IP dissector --------------------------------------
    def t_tshark_types():
        rows = tshark_fields(pcap)
        st["tshark"] = rows
        want = [str(m.fixed["type"]) for m in REFERENCE]
        seen = [(r["mip.type"] or ["-"])[0] for r in rows]
        return [] if want == seen else ["mip.type: want %r, tshark %r" %
                                        (want, seen)]
    tap.add("tshark decodes the 4 frames as Mobile IP messages of the right "
            "type", t_tshark_types)

    for i, m in enumerate(REFERENCE):
        def t_tshark(i=i, m=m):
            return check_tshark_row(st["tshark"][i], st["json"][m.name])
        tap.add("%s: tshark finds the codec's extension types and lengths "
                "in order, CVSE/NVSE vendor ids and types, auth SPIs, NAI"
                % m.name, t_tshark)

    def t_tshark_clean():
        d = []
        for m, r in zip(REFERENCE, st["tshark"]):
            for f in ("_ws.malformed", "_ws.expert", "_ws.expert.message"):
                if r[f]:
                    d.append("%s: %s = %r" % (m.name, f, r[f]))
        return d
    tap.add("tshark reports no malformed packet and no expert info for the "
            "4 frames", t_tshark_clean)

    # --- SA payloads in NVSEs (4, 6.5): codec, scapy, tshark, Lua ----------
    fa_pcap = os.path.join(tmp, "fa.pcap")
    for m in FA_MESSAGES:
        def t_fa_codec(m=m):
            j = codec_parse(wire_gen, m.raw)
            st.setdefault("fa_json", {})[m.name] = j
            d = check_codec_view(m, j)
            want = [("cvse" if e.expect["type"] == EXT_CVSE else "nvse",
                     e.expect["vtype"], (e.expect["elem"] or {}).get(
                         "subtype")) for e in m.elements()]
            seen = [(x.get("ext"), x["vtype"], x.get("subtype"))
                    for x in j["elements"]]
            compare("carrier, vendor type, sub-type", want, seen, d)
            if not [w for w in want if w[0] == "nvse" and w[1] == VT_SAP]:
                d.append("no NVSE SA payload in the message")
            return d
        tap.add("%s: codec accepts the NVSE SA payloads before the FA-HA "
                "authentication and parses every element as built (%d bytes)"
                % (m.name, len(m.raw)), t_fa_codec)

    def t_fa_scapy():
        return scapy_check(FA_MESSAGES, [m.raw for m in FA_MESSAGES],
                           st["fa_json"], fa_pcap)
    tap.add("scapy parses the fixed fields of the %d messages with NVSE SA "
            "payloads and leaves the extensions" % len(FA_MESSAGES),
            t_fa_scapy)

    def t_fa_tshark():
        rows = tshark_fields(fa_pcap)
        d = []
        compare("frames", len(FA_MESSAGES), len(rows), d)
        for m, r in zip(FA_MESSAGES, rows):
            d += ["%s: %s" % (m.name, x)
                  for x in check_tshark_row(r, st["fa_json"][m.name])]
            for f in ("_ws.malformed", "_ws.expert", "_ws.expert.message"):
                if r[f]:
                    d.append("%s: %s = %r" % (m.name, f, r[f]))
        return d
    tap.add("tshark finds the codec's extensions and NVSE vendor types in "
            "the messages with NVSE SA payloads, with no expert info",
            t_fa_tshark)

    for i, m in enumerate(FA_MESSAGES):
        def t_fa_lua(i=i, m=m):
            if "fa_pdml" not in st:
                st["fa_pdml"] = pdml(fa_pcap, lua).findall("packet")
            return check_lua_packet(st["fa_pdml"][i], st["fa_json"][m.name])
        tap.add("%s: Lua dissector shows the codec's elements, NVSE SA "
                "payloads with their proposals and transforms, and no "
                "expert info" % m.name, t_fa_lua)

    # --- malformed variants through the codec --------------------------------
    bad = variants()
    for desc, msg, err, todo in bad:
        def t_bad(msg=msg, err=err):
            j = codec_parse(wire_gen, msg.raw)
            st.setdefault("bad_json", {})[msg.name] = j
            d = []
            compare("wire parse", "no error", j["parse"]["error"], d)
            seen = j["scan"]["error"]
            if err is None:
                if seen == "no error":
                    d.append("codec accepts it")
            else:
                compare("mipkex_elem_scan error", err, seen, d)
            return d
        want = err if err else "an error"
        tap.add("codec: %s -> \"%s\"" % (desc, want), t_bad, todo)

    # --- the Lua dissector ---------------------------------------------------
    def t_lua_load():
        st["pdml"] = pdml(pcap, lua).findall("packet")
        return [] if len(st["pdml"]) == 4 else \
            ["%d packets in PDML" % len(st["pdml"])]
    tap.add("Lua dissector loads and dissects the 4 frames without a Lua "
            "error", t_lua_load)

    for i, m in enumerate(REFERENCE):
        def t_lua(i=i, m=m):
            return check_lua_packet(st["pdml"][i], st["json"][m.name])
        tap.add("%s: Lua dissector shows the codec's elements (carrier, "
                "vendor type, content, E, SPI, proposals, transforms, KE) "
                "and no expert info" % m.name, t_lua)

    def t_lua_text():
        rc, out, err = run(["tshark", "-n", "-X", "lua_script:" + lua, "-r",
                            pcap, "-O", "mip,mipkex"])
        d = []
        for s in ("Vendor type: NAI (1)", "Vendor type: SA payload (5)",
                  "Vendor type: Security association (4)",
                  "Vendor type: Key exchange, predefined DH group (8)",
                  "Vendor type: Key exchange, user-defined group (9)",
                  "Vendor type: Key exchange, KDC secret key (10)",
                  "Carried in: NVSE (normal) (134)",
                  "E (INFO encrypted): True", "SPI: 0x00002002",
                  "Sub-type: MN-HA (1)", "Sub-type: MN-FA (2)",
                  "Protocol: ESP (50)",
                  "Transform id: 20 (ENCR_AES_GCM_16)",
                  "Transform id: 28 (ENCR_CHACHA20_POLY1305)",
                  "Transform id: 12 (AUTH_HMAC_SHA2_256_128)",
                  "Key length (bits): 256", "DH group: Curve25519 (31)",
                  "Prime length: 256", "Mode: stateful (1)",
                  "MAC-48: ", "Vendor CVSE Type: 0x0005"):
            if s not in out:
                d.append("missing in -O mip,mipkex output: %r" % s)
        if rc:
            d.append("tshark status %d: %s" % (rc, err))
        return d
    tap.add("tshark -O mip,mipkex text shows vendor-type names, E flag, "
            "SPI, proposals, transforms, KE group beside the Mobile IP tree",
            t_lua_text)

    def t_lua_vendor():
        other = request("rrq-vendor", identity=[
            sealed(VT_NAI, 0, KEY0_SPI, MN_NAI_LEN, 0x10, vendor=1234)],
            sa=[sa_payload(1, [proposal(1, 2, 0x300, [xf_gcm(256)])],
                           vendor=1234)],
            ke=ke_group(31, dummy(0x40, 32), vendor=1234))
        p2 = os.path.join(tmp, "vendor.pcap")
        write_pcap(p2, [st["codec"]["rrq"], other.raw])
        d = []
        pk = pdml(p2, lua, ["-o", "mipkex.vendor:1234"]).findall("packet")
        e0, _ = lua_elements(pk[0])
        e1, x1 = lua_elements(pk[1])
        compare("vendor-32473 elements seen with vendor 1234", 0, len(e0), d)
        compare("vendor types seen with vendor 1234", [1, 5, 8],
                [e["vtype"] for e in e1], d)
        compare("expert infos", [], x1, d)
        j = codec_parse(wire_gen, other.raw, 1234)
        compare("codec scan with vendor 1234", "no error",
                j["scan"]["error"], d)
        compare("codec elements with vendor 1234", 3, len(j["elements"]), d)
        return d
    tap.add("preference mipkex.vendor: with 1234 the dissector ignores "
            "vendor 32473 and decodes a vendor-1234 message", t_lua_vendor)

    def t_lua_robust():
        # Every truncation of the reply and of the user-group request, every
        # truncation of every element's value (its extension's length
        # following), and seeded random corruptions of all four messages.
        rnd = random.Random(434)
        raws = []
        for name in ("rrp", "rrq-user"):
            full = st["codec"][name]
            raws += [full[:n] for n in range(1, len(full))]
        for m in REFERENCE:
            for i, e in enumerate(m.exts):
                if e not in m.elements():
                    continue
                for k in range(len(e.raw) - 10):
                    raws.append(m.fixed_raw + b"".join(
                        x.raw for x in m.exts[:i]) +
                        truncated_value(e, k) +
                        b"".join(x.raw for x in m.exts[i + 1:]))
        for m in REFERENCE:
            for _ in range(100):
                b = bytearray(st["codec"][m.name])
                for _ in range(rnd.randint(1, 4)):
                    b[rnd.randrange(len(b))] = rnd.randrange(256)
                raws.append(bytes(b))
        p3 = os.path.join(tmp, "robust.pcap")
        write_pcap(p3, raws)
        rc, out, err = run(["tshark", "-n", "-X", "lua_script:" + lua, "-r",
                            p3, "-T", "fields", "-e",
                            "mipkex.expert.malformed", "-e",
                            "_ws.expert.message", "-E", "occurrence=a"])
        d = []
        if rc:
            d.append("tshark status %d" % rc)
        for line in (out + err).splitlines():
            if "dissector error" in line or "Lua" in line:
                d.append(line)
        return d
    tap.add("Lua dissector: no Lua error on every truncation of the "
            "messages and of each element, and on 400 random corruptions",
            t_lua_robust)

    bad_pcap = os.path.join(tmp, "malformed.pcap")

    def lua_bad(i):
        if "bad_pdml" not in st:
            write_pcap(bad_pcap, [m.raw for _, m, _, _ in bad])
            st["bad_pdml"] = pdml(bad_pcap, lua).findall("packet")
        return lua_elements(st["bad_pdml"][i])

    for i, (desc, msg, err, todo) in enumerate(bad):
        want = lua_expert_for(desc, err)

        def t_lua_bad(i=i, want=want):
            _, experts = lua_bad(i)
            if any(name == want for name, _ in experts):
                return []
            return ["want %s, dissector reports %r" % (want, experts)]
        tap.add("Lua dissector flags %s: %s" % (want, desc), t_lua_bad)

    return tap.run()


if __name__ == "__main__":
    sys.exit(main())
