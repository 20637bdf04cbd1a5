#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-check of the SA negotiation (kmod/negotiate.c) against a model
written from Documentation/protocol.rst section 6 alone (6.1-6.3 for the
layout, 6.4 for the semantics, 6.5 for the pairs with the foreign agent),
with the standard library only.

Where 6.4 is silent the model follows the decisions listed in RULES below,
which the module documents too (negotiate.c's header comment); they are
written here from that list, not from the C code.

It builds random SA payloads (mostly well formed, some broken on purpose)
and random policies, runs selftests/host/nego_drive (the C code) on them and
compares: the verdict (chosen, denied with 129, malformed with 134), the
choice, the reply SA payload the responder builds, and the initiator's
check of that reply. It also offers from one random policy to another and
answers with counter-proposals. For the MN-FA pair (6.5) it builds a
mobile node's offer and an FA's, compares the home agent's choice and both
answers, has each end check its answer, and checks mutated answers as the
FA would.

    selftests/host/nego_check.py [--seed N] [--cases N] [--drive PATH]

Output is TAP. Exit status 0 when every case agrees.
"""

import argparse
import os
import random
import struct
import subprocess
import sys

RULES = """
1. ESP with protocol id 2 takes encryption transforms (type 1); ESP or AH
   with protocol id 1 take integrity transforms (type 3); AH with protocol
   id 2 is never acceptable. A proposal holding any transform of a type it
   does not take is not acceptable (AEADs need no integrity, RFC 7296 3.3).
2. A transform is acceptable when its number of keys is 1 (6.3), it is one
   of the table of 6.3 with exactly its attributes (AES-GCM: one Key Length
   attribute, 128 or 256; the others: none), the policy accepts it, and,
   for HMAC-SHA1-96, the policy is legacy.
3. Among acceptable transforms the lowest transform number wins; equal
   numbers: the first on the wire.
4. A proposal group naming a protocol twice is not acceptable.
5. SA lifetime = min(proposal's (0: the registration lifetime, 65535 being
   infinite), policy's (0: no bound)); an infinite result is sent as 0.
6. Malformed (134): any violation of the layout of 6.1-6.3 or of the
   ordering rule of 6.4, anywhere in the payload, even after an acceptable
   proposal; and (6.2) an offer the home agent receives that gives one
   protocol two SPIs.
7. MN-FA (6.5): where 6.5 says "the matching proposal of the FA (the first
   in the FA's order)", the model takes the first FA proposal with the
   same protocol and protocol id that carries the transform picked. The
   FA's check compares lifetime and SPI with the first FA proposal of the
   same protocol and protocol id carrying the answered transform.
"""

# enum mipkex_xform (uapi/linux/mipkex.h)
GCM128, GCM256, CHACHA, SHA256, SHA1 = range(5)
INF = 1 << 40


# ---- layout (protocol.rst 6.1-6.3) ---------------------------------------

def attr(t, value):
    return struct.pack("!HH", t, len(value)) + value


def transform(number, ttype, tid, attrs=b"", keys=1):
    body = struct.pack("!BBHBB", number, ttype, tid, keys, 0) + attrs
    return struct.pack("!HH", 7, 4 + len(body)) + body


def proposal(number, proto, pid, spi, life, xfs, count=None):
    if count is None:
        count = len(xfs)
    body = struct.pack("!BBBBII", number, proto, pid, count, life, spi)
    body += b"".join(xfs)
    return struct.pack("!HH", 6, 4 + len(body)) + body


def sa_value(sub, props):
    return bytes([sub, 0]) + b"".join(props)


class Malformed(Exception):
    pass


def parse(value):
    """Parse an SA payload value per 6.1-6.3; raise Malformed."""
    if len(value) < 2:
        raise Malformed("short")
    sub = value[0]
    if sub not in (1, 2, 3):
        raise Malformed("sub-type")
    props, pos, last = [], 2, 0
    while pos < len(value):
        if len(value) - pos < 16:
            raise Malformed("proposal header")
        ptype, plen = struct.unpack_from("!HH", value, pos)
        if ptype != 6 or plen < 16 or plen > len(value) - pos:
            raise Malformed("proposal type/length")
        number, proto, pid, count, life, spi = struct.unpack_from(
            "!BBBBII", value, pos + 4)
        if (number == 0 or proto not in (50, 51) or pid not in (1, 2)
                or count == 0 or spi < 256):
            raise Malformed("proposal field")
        if number < last:
            raise Malformed("proposal order")
        last = number
        xfs, xpos, end = [], pos + 16, pos + plen
        while xpos < end:
            if end - xpos < 10:
                raise Malformed("transform header")
            xtype, xlen = struct.unpack_from("!HH", value, xpos)
            if xtype != 7 or xlen < 10 or xlen > end - xpos:
                raise Malformed("transform type/length")
            tnum, ttype, tid, keys = struct.unpack_from("!BBHB", value,
                                                        xpos + 4)
            if tnum == 0 or ttype not in (1, 3):
                raise Malformed("transform field")
            attrs, apos, aend = [], xpos + 10, xpos + xlen
            while apos < aend:
                if aend - apos < 4:
                    raise Malformed("attribute")
                at, al = struct.unpack_from("!HH", value, apos)
                if al > aend - apos - 4:
                    raise Malformed("attribute")
                attrs.append((at, value[apos + 4:apos + 4 + al]))
                apos += 4 + al
            xfs.append(dict(number=tnum, type=ttype, id=tid, keys=keys,
                            attrs=attrs, raw=value[xpos:aend]))
            xpos += xlen
        if len(xfs) != count:
            raise Malformed("transform count")
        props.append(dict(number=number, proto=proto, pid=pid, life=life,
                          spi=spi, xfs=xfs))
        pos += plen
    if not props:
        raise Malformed("no proposal")
    return sub, props


# ---- semantics (protocol.rst 6.4 and RULES) ---------------------------------

TABLE = {  # (type, id, key length attribute or None) -> (xform, key bits)
    (1, 20, 128): (GCM128, 128),
    (1, 20, 256): (GCM256, 256),
    (1, 28, None): (CHACHA, 256),
    (3, 12, None): (SHA256, 256),
    (3, 2, None): (SHA1, 160),
}


def known(xf):
    if xf["keys"] != 1:
        return None
    kl = None
    if xf["attrs"]:
        if len(xf["attrs"]) != 1:
            return None
        at, av = xf["attrs"][0]
        if at != 14 or len(av) != 2:
            return None
        kl = struct.unpack("!H", av)[0]
    return TABLE.get((xf["type"], xf["id"], kl))


def acceptable(xf, pol):
    k = known(xf)
    if k is None or not pol["xf"] & (1 << k[0]):
        return None
    if k[0] == SHA1 and not pol["legacy"]:
        return None
    return k


def takes(proto, pid):
    if pid == 1:
        return 3
    return 1 if proto == 50 else None


def eff(life, reg):
    if life:
        return life
    return INF if reg == 65535 else reg


def choose(props, pol, reg):
    """The responder's choice, or None."""
    groups = []
    for p in props:
        if groups and groups[-1][0] == p["number"]:
            groups[-1][1].append(p)
        else:
            groups.append((p["number"], [p]))
    for number, group in groups:
        protos = [p["proto"] for p in group]
        if len(set(protos)) != len(protos):
            continue
        sas = []
        for p in group:
            want = takes(p["proto"], p["pid"])
            if want is None or any(x["type"] != want for x in p["xfs"]):
                break
            best = None
            for x in p["xfs"]:
                k = acceptable(x, pol)
                if k and (best is None or x["number"] < best[0]["number"]):
                    best = (x, k)
            if best is None:
                break
            life = min(eff(p["life"], reg), pol["life"] or INF)
            sas.append(dict(proto=p["proto"], pid=p["pid"], spi=p["spi"],
                            xf=best[0], bits=best[1][1],
                            life=0 if life == INF else life))
        else:
            return number, sas
    return None


def expect_line(sas, number, own=None):
    """The driver's CHOICE text for a list of SAs."""
    out = [str(number)]
    for i, sa in enumerate(sas):
        x = sa["xf"]
        e = (x["number"], x["id"], sa["bits"]) if x["type"] == 1 else (0,) * 3
        g = (x["number"], x["id"], sa["bits"]) if x["type"] == 3 else (0,) * 3
        o = own[i] if own else 65536 + i
        out.append("; %d %d %d %d %d %d %d %d %d %d %d" % (
            (sa["proto"], sa["pid"], sa["spi"], o) + e + g + (sa["life"],)))
    return " ".join(out)


def check_reply(reply, sub, number, sas):
    """The reply per 6.4: one group, same number, own SPIs, the picks."""
    rsub, rprops = parse(reply)
    assert rsub == sub, "reply sub-type"
    assert len(rprops) == len(sas), "reply proposal count"
    for i, (rp, sa) in enumerate(zip(rprops, sas)):
        assert rp["number"] == number, "reply proposal number"
        assert (rp["proto"], rp["pid"]) == (sa["proto"], sa["pid"])
        assert rp["spi"] == 65536 + i, "reply SPI"
        assert rp["life"] == sa["life"], "reply lifetime"
        # The same transform; its reserved byte (offset 9) is sent as zero
        # and ignored on receipt (protocol.rst 2).
        want = bytearray(sa["xf"]["raw"])
        want[9] = 0
        assert [x["raw"] for x in rp["xfs"]] == [bytes(want)], \
            "reply transforms"


def one_spi(props):
    """6.2: one inbound SPI per protocol in all the proposals of an offer."""
    spis = {}
    for p in props:
        if spis.setdefault(p["proto"], p["spi"]) != p["spi"]:
            raise Malformed("two SPIs for protocol %d" % p["proto"])


# ---- the pairs with the foreign agent (protocol.rst 6.5) ---------------------

def same_content(x, y):
    """Same transform type, transform id, attributes and number of keys."""
    return (x["type"], x["id"], x["attrs"], x["keys"]) == \
        (y["type"], y["id"], y["attrs"], y["keys"])


def fa_accepts(fa_props, p, x):
    """The FA's offer, read as a set, accepts transform x of proposal p:
    a proposal of the same protocol and protocol id that carries a
    transform of the same type, id and attributes, and 1 key. The first
    such proposal in the FA's order is returned (the matching one)."""
    if x["keys"] != 1:
        return None
    for q in fa_props:
        if (q["proto"], q["pid"]) != (p["proto"], p["pid"]):
            continue
        if any(same_content(x, y) for y in q["xfs"]):
            return q
    return None


def choose_mnfa(mn_props, fa_props, pol, reg):
    """The home agent's MN-FA choice: SAs with the MN's and the FA's SPIs,
    or None (no agreement)."""
    fa_spi = {q["proto"]: q["spi"] for q in fa_props}
    groups = []
    for p in mn_props:
        if groups and groups[-1][0] == p["number"]:
            groups[-1][1].append(p)
        else:
            groups.append((p["number"], [p]))
    for number, group in groups:
        protos = [p["proto"] for p in group]
        if len(set(protos)) != len(protos):
            continue
        sas = []
        for p in group:
            want = takes(p["proto"], p["pid"])
            if want is None or any(x["type"] != want for x in p["xfs"]):
                break
            # equal SPIs: no agreement on this proposal (6.2, 6.5)
            if fa_spi.get(p["proto"]) == p["spi"]:
                break
            best = None
            for x in p["xfs"]:
                k = acceptable(x, pol)
                q = fa_accepts(fa_props, p, x)
                if k and q and (best is None or
                                x["number"] < best[0]["number"]):
                    best = (x, k, q)
            if best is None:
                break
            x, k, q = best
            life = min(eff(p["life"], reg), eff(q["life"], reg),
                       pol["life"] or INF)
            sas.append(dict(proto=p["proto"], pid=p["pid"], spi=p["spi"],
                            fa_spi=q["spi"], xf=x, bits=k[1],
                            life=0 if life == INF else life))
        else:
            return number, sas
    return None


def check_mnfa_answer(value, sub, number, sas, spi_key):
    """An answer of 6.5: the choice, the MN's numbers, the given SPIs."""
    rsub, rprops = parse(value)
    assert rsub == sub == 2, "answer sub-type"
    assert len(rprops) == len(sas), "answer proposal count"
    for rp, sa in zip(rprops, sas):
        assert rp["number"] == number, "answer proposal number"
        assert (rp["proto"], rp["pid"]) == (sa["proto"], sa["pid"])
        assert rp["spi"] == sa[spi_key], "answer SPI"
        assert rp["life"] == sa["life"], "answer lifetime"
        want = bytearray(sa["xf"]["raw"])
        want[9] = 0
        assert [x["raw"] for x in rp["xfs"]] == [bytes(want)], \
            "answer transforms"


def fa_check(offer, answer, reg):
    """The FA's check of the home agent's MN-FA answer (6.5), written from
    the document: what it receives must be in its offer (protocol,
    protocol id, transform type, id, attributes, 1 key; a lifetime no
    longer than its proposal's), its SPI not the FA's own (6.2), one
    transform per type the proposal takes (6.4), one proposal group; the
    transform numbers are the mobile node's and are not compared.
    Returns the SAs or None."""
    try:
        osub, oprops = parse(offer)
        asub, aprops = parse(answer)
    except Malformed:
        return None
    if osub != 2 or asub != 2:
        return None
    if len({p["number"] for p in aprops}) != 1:
        return None
    protos = [p["proto"] for p in aprops]
    if len(set(protos)) != len(protos):
        return None
    out = []
    for p in aprops:
        want = takes(p["proto"], p["pid"])
        if want is None or len(p["xfs"]) != 1:
            return None
        x = p["xfs"][0]
        if x["type"] != want or known(x) is None:
            return None
        q = fa_accepts(oprops, p, x)
        if q is None:
            return None
        if eff(p["life"], reg) > eff(q["life"], reg):
            return None
        if p["spi"] == q["spi"]:
            return None
        life = eff(p["life"], reg)
        out.append(dict(proto=p["proto"], pid=p["pid"], spi=p["spi"],
                        fa_spi=q["spi"], xf=x, bits=known(x)[1],
                        life=0 if life == INF else life))
    return aprops[0]["number"], out


# ---- random inputs -----------------------------------------------------------

KINDS = [
    lambda n: transform(n, 1, 20, attr(14, b"\x00\x80")),
    lambda n: transform(n, 1, 20, attr(14, b"\x01\x00")),
    lambda n: transform(n, 1, 28),
    lambda n: transform(n, 3, 12),
    lambda n: transform(n, 3, 2),
    lambda n: transform(n, 1, 20),                            # no key length
    lambda n: transform(n, 1, 20, attr(14, b"\x00\xc0")),     # 192
    lambda n: transform(n, 1, 20, attr(14, b"\x01\x00") * 2),
    lambda n: transform(n, 1, 28, attr(14, b"\x01\x00")),
    lambda n: transform(n, 1, 12, attr(14, b"\x01\x00")),     # AES-CBC
    lambda n: transform(n, 3, 5),
    lambda n: transform(n, 3, 12, attr(99, b"")),
    lambda n: transform(n, 1, 28, keys=2),
    lambda n: transform(n, 3, 12, keys=0),
    lambda n: transform(n, 1, 20, attr(14, b"\x00\x00\x01\x00")),
]
COMMON = [0, 1, 2, 3, 4]


def rand_xfs(rng, proto, pid):
    n = rng.choice([1, 1, 2, 2, 3, 4])
    numbers = rng.sample(range(1, 12), n)
    if rng.random() < 0.6:
        numbers.sort()
    if rng.random() < 0.05 and n > 1:
        numbers[1] = numbers[0]
    xfs = []
    for num in numbers:
        if rng.random() < 0.75:
            # mostly the right type for the proposal
            if takes(proto, pid) == 1:
                k = rng.choice([0, 1, 2])
            else:
                k = rng.choice([3, 4])
            if rng.random() < 0.2:
                k = rng.choice(COMMON)
        else:
            k = rng.randrange(len(KINDS))
        xfs.append(KINDS[k](num))
    return xfs


SPIS = [256, 300, 0x12345678, 0xffffffff]


def rand_offer(rng, sub=None, spis=None):
    if sub is None:
        sub = rng.choice([1, 2, 3])
    if spis is None:
        spis = {50: rng.choice(SPIS), 51: rng.choice(SPIS)}
    mixed = rng.random() < 0.1
    props, number = [], 0
    for _ in range(rng.choice([1, 1, 2, 3, 4])):
        number += rng.choice([1, 1, 2, 50])
        if number > 255:
            break
        size = rng.choice([1, 1, 1, 2, 2, 3])
        for _ in range(size):
            proto = rng.choice([50, 50, 51])
            pid = rng.choice([2, 2, 1]) if proto == 50 else rng.choice([1, 1, 2])
            spi = rng.choice(SPIS) if mixed else spis[proto]
            life = rng.choice([0, 0, 60, 1800, 3600, 7200, 100000,
                               0xffffffff])
            props.append(proposal(number, proto, pid, spi, life,
                                  rand_xfs(rng, proto, pid)))
    value = bytearray(sa_value(sub, props))
    r = rng.random()
    if r < 0.03:
        value = value[:rng.randrange(len(value))]
    elif r < 0.06:
        value[rng.randrange(len(value))] ^= 1 << rng.randrange(8)
    elif r < 0.08:
        value += bytes([rng.randrange(256)])
    return bytes(value)


def rand_policy(rng):
    return dict(xf=rng.randrange(32), legacy=rng.random() < 0.3,
                life=rng.choice([0, 60, 600, 3600, 86400]))


# ---- driving the C code ------------------------------------------------------

class Drive:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        if not out:
            raise RuntimeError("nego_drive died on: " + line[:200])
        return out.rstrip("\n")

    def close(self):
        self.p.stdin.close()
        return self.p.wait()


def hx(b):
    return b.hex() or "-"


def one_respond(drive, rng, stats):
    value = rand_offer(rng)
    pol = rand_policy(rng)
    reg = rng.choice([0, 60, 1800, 7200, 65535])
    got = drive.ask("respond %d %d %d %d %s" % (pol["xf"], pol["legacy"],
                                                pol["life"], reg, hx(value)))
    where = "offer %s policy %s reg %d" % (value.hex(), pol, reg)
    try:
        sub, props = parse(value)
        one_spi(props)
    except Malformed as e:
        stats["malformed"] += 1
        if not got.startswith("malformed"):
            return "%s: model says malformed (%s), C says %s" % (where, e,
                                                                 got)
        return None
    c = choose(props, pol, reg)
    if c is None:
        stats["deny"] += 1
        return None if got == "deny" else "%s: model denies, C says %s" % (
            where, got)
    stats["ok"] += 1
    number, sas = c
    want = "ok " + expect_line(sas, number)
    if not got.startswith(want + " reply="):
        return "%s:\n  model %s\n  C     %s" % (where, want, got)
    reply = bytes.fromhex(got.split("reply=")[1])
    try:
        check_reply(reply, sub, number, sas)
    except (AssertionError, Malformed) as e:
        return "%s: reply %s: %s" % (where, reply.hex(), e)
    # The initiator checks the reply against its offer.
    back = drive.ask("check %d %s %s" % (reg, hx(value), hx(reply)))
    answered = [dict(sa, spi=65536 + i) for i, sa in enumerate(sas)]
    for a, sa in zip(answered, sas):
        a["life"] = sa["life"]
    want = "ok " + expect_line(answered, number,
                               own=[sa["spi"] for sa in sas])
    if back != want:
        return "%s: initiator check:\n  model %s\n  C     %s" % (where, want,
                                                                back)
    return None


OFFER_ORDER = [(2, GCM256), (2, GCM128), (2, CHACHA), (1, SHA256), (1, SHA1)]


def one_offer(drive, rng, stats):
    """A's offer answered by B; B's counter-proposal when denied."""
    a, b = rand_policy(rng), rand_policy(rng)
    sub = rng.choice([1, 2, 3])
    life = rng.choice([0, 600, 3600])
    got = drive.ask("offer %d %d %d 4096 %d" % (a["xf"], a["legacy"], sub,
                                                life))
    usable = [(pid, x) for pid, x in OFFER_ORDER
              if a["xf"] & (1 << x) and (x != SHA1 or a["legacy"])]
    if not usable:
        return None if got == "empty" else "offer from %s: %s" % (a, got)
    if not got.startswith("ok "):
        return "offer from %s: %s" % (a, got)
    value = bytes.fromhex(got[3:])
    osub, props = parse(value)
    # The documented order: one ESP proposal per transform, numbered 1..
    if osub != sub or len(props) != len(usable):
        return "offer from %s: %s" % (a, got)
    for i, (p, (pid, x)) in enumerate(zip(props, usable)):
        k = acceptable(p["xfs"][0], a) if len(p["xfs"]) == 1 else None
        if (p["number"] != i + 1 or p["proto"] != 50 or p["pid"] != pid
                or p["spi"] != 4096 or p["life"] != life or not k
                or k[0] != x):
            return "offer from %s: proposal %d: %s" % (a, i, got)
    reg = rng.choice([1800, 65535])
    got = drive.ask("respond %d %d %d %d %s" % (b["xf"], b["legacy"],
                                                b["life"], reg, hx(value)))
    c = choose(props, b, reg)
    stats["offers"] += 1
    if c is not None:
        return None if got.startswith("ok " + expect_line(c[1], c[0]) +
                                      " reply=") else \
            "offer %s to %s: %s" % (a, b, got)
    if got != "deny":
        return "offer %s to %s: model denies, C %s" % (a, b, got)
    got = drive.ask("counter %d %d %d %d 5000" % (b["xf"], b["legacy"],
                                                  b["life"], sub))
    if got == "empty":
        return None
    csub, cprops = parse(bytes.fromhex(got[3:]))
    stats["counters"] += 1
    # B accepts its own counter-proposal; A, which shares nothing, does not.
    if choose(cprops, b, reg) is None or choose(cprops, a, reg) is not None:
        return "counter of %s to %s: %s" % (b, a, got)
    if any(p["life"] != b["life"] for p in cprops):
        return "counter of %s lifetime: %s" % (b, got)
    return None


def xf_like(rng, x):
    """A transform of the same content as x, under another number."""
    body = bytearray(x["raw"])
    body[4] = rng.randrange(1, 12)
    return bytes(body)


def rand_fa_offer(rng, mn_value, spis):
    """An FA offer: often built from the MN's transforms, regrouped."""
    try:
        _, mprops = parse(mn_value)
    except Malformed:
        mprops = []
    if not mprops or rng.random() < 0.3:
        return rand_offer(rng, 2, spis)
    props, number = [], 0
    pool = [(p, x) for p in mprops for x in p["xfs"]]
    for _ in range(rng.choice([1, 2, 3, 4])):
        number += rng.choice([1, 1, 3])
        xfs = []
        proto, pid = None, None
        for _ in range(rng.choice([1, 1, 2])):
            p, x = rng.choice(pool)
            if proto is None:
                proto, pid = p["proto"], p["pid"]
                if rng.random() < 0.1:
                    pid = 3 - pid
            xfs.append(xf_like(rng, x))
        if rng.random() < 0.15:
            xfs.append(rng.choice(KINDS)(rng.randrange(1, 12)))
        life = rng.choice([0, 0, 60, 600, 1800, 100000])
        props.append(proposal(number, proto, pid, spis[proto], life, xfs))
    value = bytearray(sa_value(2, props))
    if rng.random() < 0.03:
        value[rng.randrange(len(value))] ^= 1 << rng.randrange(8)
    return bytes(value)


def expect_mnfa(sas, number, mn_view):
    """The driver's CHOICE text: the home agent's (and the FA's) view has
    the MN's SPI as peer and the FA's as own; the MN's view the reverse."""
    out = [str(number)]
    for sa in sas:
        x = sa["xf"]
        e = (x["number"], x["id"], sa["bits"]) if x["type"] == 1 else (0,) * 3
        g = (x["number"], x["id"], sa["bits"]) if x["type"] == 3 else (0,) * 3
        peer, own = sa["spi"], sa["fa_spi"]
        if mn_view:
            peer, own = own, peer
        out.append("; %d %d %d %d %d %d %d %d %d %d %d" % (
            (sa["proto"], sa["pid"], peer, own) + e + g + (sa["life"],)))
    return " ".join(out)


def one_mnfa(drive, rng, stats):
    """The home agent's MN-FA choice, both answers, both ends' checks."""
    mspis = {50: rng.choice(SPIS), 51: rng.choice(SPIS)}
    fspis = {50: rng.choice(SPIS + [4096, 4097]),
             51: rng.choice(SPIS + [4096])}
    mn = rand_offer(rng, 2 if rng.random() < 0.97 else 1, mspis)
    fa = rand_fa_offer(rng, mn, fspis)
    pol = rand_policy(rng)
    reg = rng.choice([0, 60, 1800, 7200, 65535])
    got = drive.ask("mnfa %d %d %d %d %s %s" % (
        pol["xf"], pol["legacy"], pol["life"], reg, hx(mn), hx(fa)))
    where = "mn %s fa %s policy %s reg %d" % (mn.hex(), fa.hex(), pol, reg)
    try:
        msub, mprops = parse(mn)
        one_spi(mprops)
        fsub, fprops = parse(fa)
        one_spi(fprops)
    except Malformed as e:
        stats["mnfa_malformed"] += 1
        if not got.startswith("malformed"):
            return "%s: model says malformed (%s), C says %s" % (where, e,
                                                                 got)
        return None
    if msub != 2 or fsub != 2:
        return None if got.startswith("bad") else \
            "%s: model: not MN-FA offers, C says %s" % (where, got)
    c = choose_mnfa(mprops, fprops, pol, reg)
    if c is None:
        stats["mnfa_none"] += 1
        return None if got == "none" else \
            "%s: model: no agreement, C says %s" % (where, got)
    stats["mnfa_ok"] += 1
    number, sas = c
    want = "ok " + expect_mnfa(sas, number, False)
    if not got.startswith(want + " mn="):
        return "%s:\n  model %s\n  C     %s" % (where, want, got)
    to_mn = bytes.fromhex(got.split(" mn=")[1].split(" fa=")[0])
    to_fa = bytes.fromhex(got.split(" fa=")[1])
    try:
        check_mnfa_answer(to_mn, 2, number, sas, "fa_spi")
        check_mnfa_answer(to_fa, 2, number, sas, "spi")
    except (AssertionError, Malformed) as e:
        return "%s: answers %s %s: %s" % (where, to_mn.hex(), to_fa.hex(),
                                          e)
    # The mobile node checks its answer by number (6.4), the FA by content.
    back = drive.ask("check %d %s %s" % (reg, hx(mn), hx(to_mn)))
    mn_sas = [dict(sa, life=sa["life"] or
                   (0 if eff(0, reg) == INF else eff(0, reg)))
              for sa in sas]
    want = "ok " + expect_mnfa(mn_sas, number, True)
    if back != want:
        return "%s: MN check:\n  model %s\n  C     %s" % (where, want, back)
    back = drive.ask("facheck %d %s %s" % (reg, hx(fa), hx(to_fa)))
    m = fa_check(fa, to_fa, reg)
    want = "ok " + expect_mnfa(m[1], m[0], False) if m else "bad"
    if back != want or want != "ok " + expect_mnfa(mn_sas, number, False):
        return "%s: FA check:\n  model %s\n  C     %s" % (where, want, back)
    return None


def mutate_answer(rng, fa_value, mn_value):
    """An MN-FA answer to the FA, right or wrong in one way or another."""
    try:
        _, fprops = parse(fa_value)
    except Malformed:
        return rand_offer(rng, 2)
    props = []
    number = rng.randrange(1, 256)
    chosen = rng.sample(fprops, min(len(fprops), rng.choice([1, 1, 1, 2])))
    for q in chosen:
        x = rng.choice(q["xfs"])
        raw = xf_like(rng, x)
        proto, pid = q["proto"], q["pid"]
        spi = rng.choice([300, 0x12345678, q["spi"]])
        life = rng.choice([0, q["life"], min(q["life"] + 1, 0xffffffff),
                           max(q["life"] - 1, 0), 60, 1800])
        r = rng.random()
        if r < 0.05:
            pid = 3 - pid
        elif r < 0.1:
            proto = 101 - proto
        elif r < 0.15:
            raw = rng.choice(KINDS)(raw[4])
        elif r < 0.2:
            raw = raw + rng.choice(KINDS)(1)
        n = number if rng.random() < 0.95 else number % 255 + 1
        props.append(proposal(n, proto, pid, spi, life, [raw]))
    value = bytearray(sa_value(2 if rng.random() < 0.97 else 1, props))
    if rng.random() < 0.03:
        value[rng.randrange(len(value))] ^= 1 << rng.randrange(8)
    return bytes(value)


def one_facheck(drive, rng, stats):
    fspis = {50: rng.choice(SPIS), 51: rng.choice(SPIS)}
    mn = rand_offer(rng, 2)
    fa = rand_fa_offer(rng, mn, fspis)
    answer = mutate_answer(rng, fa, mn)
    reg = rng.choice([0, 60, 1800, 65535])
    got = drive.ask("facheck %d %s %s" % (reg, hx(fa), hx(answer)))
    m = fa_check(fa, answer, reg)
    if m is None:
        stats["facheck_bad"] += 1
        return None if got.startswith("bad ") else \
            "fa %s answer %s reg %d: model rejects, C says %s" % (
                fa.hex(), answer.hex(), reg, got)
    stats["facheck_ok"] += 1
    want = "ok " + expect_mnfa(m[1], m[0], False)
    return None if got == want else \
        "fa %s answer %s reg %d:\n  model %s\n  C     %s" % (
            fa.hex(), answer.hex(), reg, want, got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=5944)
    ap.add_argument("--cases", type=int, default=4000)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--drive", default=os.path.join(here, "nego_drive"))
    args = ap.parse_args()
    if not os.access(args.drive, os.X_OK):
        print("1..0 # SKIP %s not built (make -C selftests)" % args.drive)
        return 4
    rng = random.Random(args.seed)
    drive = Drive(args.drive)
    stats = dict(ok=0, deny=0, malformed=0, offers=0, counters=0,
                 mnfa_ok=0, mnfa_none=0, mnfa_malformed=0, facheck_ok=0,
                 facheck_bad=0)
    tests = [("responder, initiator check and reply vs the model",
              one_respond, args.cases),
             ("offers from one policy answered under another",
              one_offer, args.cases // 4),
             ("MN-FA choice, both answers and both ends' checks (6.5)",
              one_mnfa, args.cases),
             ("the FA's check of MN-FA answers, right and wrong (6.5)",
              one_facheck, args.cases)]
    print("TAP version 13")
    print("1..%d" % len(tests))
    failed = 0
    for i, (name, fn, n) in enumerate(tests, 1):
        errors = []
        for _ in range(n):
            e = fn(drive, rng, stats)
            if e:
                errors.append(e)
        for e in errors[:5]:
            print("# " + e.replace("\n", "\n# "))
        print("%sok %d %s (%d cases, %d disagreements)" % (
            "not " if errors else "", i, name, n, len(errors)))
        failed += bool(errors)
    print("# seed %d: %s" % (args.seed, stats))
    if drive.close():
        print("# nego_drive exited with an error")
        failed += 1
    # Each verdict must have been exercised.
    if min(stats.values()) == 0:
        print("# some verdict never happened: %s" % stats)
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
