#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the fuzzer's seed corpus: Mobile IPv4 registration messages (RFC 5944,
RFC 3115, RFC 2794), valid and malformed, one binary file each.

Independent of the codec under test: the bytes are laid out here by hand with
the standard library only. Deterministic; rerun after editing and commit the
result:

    python3 selftests/fuzz/make_corpus.py [OUTDIR]

OUTDIR defaults to the corpus/ directory next to this script. Files in OUTDIR
that this script did not write are left alone.
"""

import os
import struct
import sys

HOME = bytes([192, 0, 2, 10])
HA = bytes([192, 0, 2, 1])
COA = bytes([198, 51, 100, 7])
ID = 0xE0E1E2E3E4E5E6E7


def rrq(flags=0x42, lifetime=1800, ident=ID, mtype=1):
    """Registration request fixed part (24 bytes)."""
    return struct.pack("!BBH4s4s4sQ", mtype, flags, lifetime, HOME, HA, COA,
                       ident)


def rrp(code=0, lifetime=1800, ident=ID):
    """Registration reply fixed part (20 bytes)."""
    return struct.pack("!BBH4s4sQ", 3, code, lifetime, HOME, HA, ident)


def ext(etype, data, length=None):
    """Short extension: type, length, data."""
    if length is None:
        length = len(data)
    return struct.pack("!BB", etype, length) + data


def long_ext(etype, sub, data, length=None):
    """Long-format extension (36, 38, 47): type, sub-type, length16, data."""
    if length is None:
        length = len(data)
    return struct.pack("!BBH", etype, sub, length) + data


def cvse(vendor, vtype, value, length=None):
    return long_ext(38, 0, struct.pack("!IH", vendor, vtype) + value, length)


def nvse(vendor, vtype, value, length=None):
    return ext(134, struct.pack("!HIH", 0, vendor, vtype) + value, length)


def auth(etype, spi, authenticator, length=None):
    return ext(etype, struct.pack("!I", spi) + authenticator, length)


def mn_ha(n=16):
    return auth(32, 0x100, bytes(range(0xA0, 0xA0 + n)))


def mn_fa(n=16):
    return auth(33, 0x101, bytes(range(0xB0, 0xB0 + n)))


def fa_ha(n=16):
    return auth(34, 0x102, bytes(range(0xC0, 0xC0 + n)))


NAI = ext(131, b"mn@example.org")
CVSE = cvse(0x0000A1B2, 0x0102, b"xyz")
NVSE = nvse(0x00C0FFEE, 0x8003, b"\x55\x66")

FULL_RRQ = rrq() + NAI + CVSE + NVSE + mn_ha() + fa_ha()

SEEDS = {
    # valid
    "valid-rrq-full": FULL_RRQ,
    "valid-rrp-full": rrp(code=1) + NAI + CVSE + NVSE + mn_ha() + fa_ha(),
    "valid-rrq-min": rrq() + mn_ha(1),
    "valid-rrp-min": rrp() + mn_ha(1),
    "valid-rrq-mn-fa": rrq() + NAI + mn_ha() + mn_fa(),
    "valid-rrq-empty-values": rrq() + ext(131, b"") + cvse(1, 2, b"")
    + nvse(3, 4, b"") + mn_ha(1),
    "valid-rrq-long-formats": rrq() + long_ext(36, 1, b"\x00\x00\x01\x00ab")
    + long_ext(47, 2, b"pmip") + mn_ha(),
    "valid-rrq-unknown": rrq() + ext(5, b"c") + ext(200, b"skip")
    + mn_ha() + ext(127, b"z") + ext(145, b"hello"),
    "valid-rrq-nvse-max": rrq() + nvse(9, 9, bytes(247)) + mn_ha(),
    "valid-rrq-cvse-big": rrq() + cvse(9, 9, bytes(range(256)) * 4) + mn_ha(),
    "valid-rrq-auth-max": rrq() + auth(32, 0x100, bytes(251)),
    # malformed
    "bad-empty": b"",
    "bad-type": rrq(mtype=2) + mn_ha(),
    "bad-short-fixed": FULL_RRQ[:23],
    "bad-truncated-ext": FULL_RRQ[:-1],
    "bad-ext-header": rrq() + mn_ha() + b"\x83",
    "bad-long-header": rrq() + mn_ha() + b"\x26\x00\x00",
    "bad-cvse-len16": rrq() + mn_ha() + cvse(1, 2, b"abc", length=0x1000),
    "bad-cvse-short": rrq() + mn_ha() + long_ext(38, 0, bytes(5)),
    "bad-nvse-short": rrq() + mn_ha() + ext(134, bytes(7)),
    "bad-auth-short": rrq() + auth(32, 0x100, b""),
    "bad-no-mn-ha": rrq() + NAI,
    "bad-dup-mn-ha": rrq() + mn_ha() + mn_ha(),
    "bad-order": rrq() + mn_fa() + mn_ha(),
    "bad-after-last": rrq() + mn_ha() + mn_fa() + NAI,
    "bad-both-last": rrq() + mn_ha() + mn_fa() + fa_ha(),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("make_corpus: %d files in %s" % (len(SEEDS), os.path.relpath(out)))


if __name__ == "__main__":
    main()
